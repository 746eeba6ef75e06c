import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineWorkflow } from '../../src/core/workflow-definition.ts';
import { type WorkflowTestbed, workflowTestbed } from '../support/workflows.ts';

// A worker stopped dead at every boundary of every step (before the side effect, after the call but before
// its result is recorded, after it is recorded, after the step's end is stored, after the next step is
// stored but not queued): another worker takes the run over and finishes it, and no side effect happens
// twice. "Stopped dead" is a worker closed by force with its step left hanging forever, as a SIGKILLed
// process leaves it: its queue lock lapses and the job goes to the next worker.
type Point = 'before-effect' | 'effect-performed' | 'after-effect' | 'step-finished' | 'advance-committed';
interface Input {
  stallStep: string;
  stallPoint: Point;
}

const STEPS = ['one', 'two', 'three'];
const POINTS: Point[] = [
  'before-effect',
  'effect-performed',
  'after-effect',
  'step-finished',
  'advance-committed',
];
let crashing = true;
const stalled = new Set<string>();
const inputs = new Map<string, Input>();
let bed: WorkflowTestbed;

/** Hangs forever the first time a run reaches its stall point while the first worker runs. */
async function maybeStall(
  runId: string,
  input: Input | undefined,
  step: string | undefined,
  point: Point,
): Promise<void> {
  if (!crashing || !input || input.stallStep !== step || input.stallPoint !== point || stalled.has(runId))
    return;
  stalled.add(runId);
  await new Promise(() => {});
}

const crashy = defineWorkflow<Input>({
  id: 'test.crashy',
  skill: 'test',
  parseInput: (input) => input as Input,
  title: (input) => `Crash at ${input.stallStep}/${input.stallPoint}`,
  steps: STEPS.map((name) => ({
    kind: 'step' as const,
    name,
    label: name,
    run: async (ctx) => {
      await maybeStall(ctx.run.id, ctx.input, name, 'before-effect');
      const result = await ctx.effect(
        'call',
        async () => {
          const [row] = await bed.database.sql<{ id: number }>(
            'insert into test_side_effects (run_id, step) values ($1, $2) returning id',
            [ctx.run.id, name],
          );
          await maybeStall(ctx.run.id, ctx.input, name, 'effect-performed');
          return { id: Number(row?.id) };
        },
        {
          recover: async () => {
            const rows = await bed.database.sql<{ id: number }>(
              'select id from test_side_effects where run_id = $1 and step = $2',
              [ctx.run.id, name],
            );
            return rows[0] ? { id: Number(rows[0].id) } : undefined;
          },
        },
      );
      await maybeStall(ctx.run.id, ctx.input, name, 'after-effect');
      return result;
    },
  })),
  // A finally step, so the last step too is followed by an advance that queues something.
  finally: [{ kind: 'step', name: 'close', label: 'close', run: async () => 'closed' }],
});

describe.each(['postgresql', 'pglite'] as const)('workflow crash recovery on %s', (kind) => {
  beforeAll(async () => {
    crashing = true;
    stalled.clear();
    bed = await workflowTestbed(kind, [crashy]);
    await bed.database.sql(
      'create table test_side_effects (id serial primary key, run_id uuid not null, step text not null)',
    );
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('resumes a run killed at every step boundary without repeating a finished step or side effect', async () => {
    const first = bed.startWorker({
      pause: async (point, runId, step) => {
        const input = (await bed.engine.runs.get(runId))?.input as Input | undefined;
        await maybeStall(runId, input, step ?? (await lastSucceeded(runId)), point);
      },
    });
    const runs: string[] = [];
    for (const stallStep of STEPS) {
      for (const stallPoint of POINTS) {
        const origin = bed.origin();
        const run = await bed.engine.start('test.crashy', { stallStep, stallPoint }, origin);
        inputs.set(run.id, { stallStep, stallPoint });
        runs.push(run.id);
      }
    }
    // Every run reaches its stall point in the first worker...
    await waitFor(
      () => runs.every((id) => stalled.has(id)),
      () =>
        `every run to stall (missing: ${runs
          .filter((id) => !stalled.has(id))
          .map((id) => `${inputs.get(id)?.stallStep}/${inputs.get(id)?.stallPoint}`)
          .join(', ')})`,
    );
    // ...which then dies: its jobs are left to the queue's stalled-job check.
    await first.close(true);
    crashing = false;
    bed.startWorker();
    for (const id of runs) {
      const done = await bed.finished(id, 60_000);
      expect(done.status, `${inputs.get(id)?.stallStep}/${inputs.get(id)?.stallPoint}`).toBe('succeeded');
      expect(done.steps.map((step) => [step.name, step.status, step.attempts])).toEqual([
        ...STEPS.map((name) => [name, 'succeeded', 1]),
        ['close', 'succeeded', 1],
      ]);
    }
    const effects = await bed.database.sql<{ run_id: string; step: string; count: string }>(
      'select run_id, step, count(*)::text as count from test_side_effects group by run_id, step',
    );
    expect(effects).toHaveLength(runs.length * STEPS.length);
    expect(effects.filter((row) => row.count !== '1')).toEqual([]);
  }, 120_000);

  it('lets two workers share the queue: every step and side effect runs once', async () => {
    crashing = false;
    bed.startWorker({ concurrency: 8 });
    const runs = await Promise.all(
      Array.from({ length: 40 }, () =>
        bed.engine.start('test.crashy', { stallStep: 'none', stallPoint: 'before-effect' }, bed.origin()),
      ),
    );
    for (const run of runs) expect((await bed.finished(run.id)).status).toBe('succeeded');
    const [counts] = await bed.database.sql<{ effects: string; runs: string }>(
      `select count(*)::text as effects, count(distinct run_id)::text as runs from test_side_effects
        where run_id = any($1::uuid[])`,
      [runs.map((run) => run.id)],
    );
    expect(counts).toEqual({ effects: String(runs.length * STEPS.length), runs: String(runs.length) });
  }, 120_000);
});

/** The step whose end an advance follows (the pause after a commit names no step). */
async function lastSucceeded(runId: string): Promise<string | undefined> {
  const steps = await bed.engine.steps.ofRun(runId);
  return steps.filter((step) => step.status === 'succeeded' && STEPS.includes(step.name)).at(-1)?.name;
}

async function waitFor(check: () => boolean, what: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
