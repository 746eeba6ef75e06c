import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatOpsError } from '../../src/core/errors.ts';
import { defineWorkflow, type WorkflowRunView } from '../../src/core/workflow-definition.ts';
import { eventually } from '../support/services.ts';
import { type WorkflowTestbed, workflowTestbed } from '../support/workflows.ts';

// The workflow engine on PostgreSQL and on PGlite: sequential, parallel and conditional steps, retries with
// exponential backoff, timeouts, non-critical failures, compensation (automatic and on request), waits for
// a time, an event (stored before or after the step waits) and a poll, and cancellation.
interface Input {
  flag: boolean;
  failUntil?: number;
}

/** What steps did, in order, per run (the engine must never run a finished step again). */
const journal = new Map<string, string[]>();
const note = (runId: string, entry: string) => journal.set(runId, [...(journal.get(runId) ?? []), entry]);
const attemptsAt = new Map<string, number[]>();

const shapes = defineWorkflow<Input>({
  id: 'test.shapes',
  skill: 'test',
  parseInput: (input) => input as Input,
  title: (input) => `Shapes (${input.flag ? 'flag' : 'no flag'})`,
  steps: [
    {
      kind: 'step',
      name: 'first',
      label: 'First',
      run: async (ctx) => {
        note(ctx.run.id, 'first');
        return { flag: ctx.input.flag, value: 2 };
      },
    },
    {
      kind: 'parallel',
      name: 'both',
      label: 'Both at once',
      steps: [
        {
          kind: 'step',
          name: 'left',
          label: 'Left',
          run: async (ctx) => {
            note(ctx.run.id, 'left');
            return (ctx.outputs.first as { value: number }).value * 10;
          },
        },
        {
          kind: 'step',
          name: 'right',
          label: 'Right',
          run: async (ctx) => {
            note(ctx.run.id, 'right');
            return (ctx.outputs.first as { value: number }).value * 100;
          },
        },
      ],
    },
    {
      kind: 'step',
      name: 'when-flag',
      label: 'Only with the flag',
      when: (state) => (state.outputs.first as { flag: boolean }).flag,
      run: async (ctx) => {
        note(ctx.run.id, 'when-flag');
        return (ctx.outputs.left as number) + (ctx.outputs.right as number);
      },
    },
    {
      kind: 'step',
      name: 'unless-flag',
      label: 'Only without the flag',
      when: (state) => !(state.outputs.first as { flag: boolean }).flag,
      run: async (ctx) => note(ctx.run.id, 'unless-flag'),
    },
  ],
  finally: [{ kind: 'step', name: 'tidy', label: 'Tidy up', run: async (ctx) => note(ctx.run.id, 'tidy') }],
});

const flaky = defineWorkflow<Input>({
  id: 'test.flaky',
  skill: 'test',
  parseInput: (input) => input as Input,
  title: () => 'Flaky',
  steps: [
    {
      kind: 'step',
      name: 'flaky',
      label: 'Flaky call',
      retry: { attempts: 3, backoffMs: 150 },
      run: async (ctx) => {
        attemptsAt.set(ctx.run.id, [...(attemptsAt.get(ctx.run.id) ?? []), Date.now()]);
        if (ctx.step.attempt <= (ctx.input.failUntil ?? 0))
          throw new Error(`attempt ${ctx.step.attempt} failed`);
        return { attempt: ctx.step.attempt };
      },
    },
    {
      kind: 'step',
      name: 'optional',
      label: 'Optional extra',
      critical: false,
      run: async () => {
        throw new ChatOpsError('VALIDATION_FAILED', 'the extra is not available');
      },
    },
    { kind: 'step', name: 'last', label: 'Last', run: async (ctx) => note(ctx.run.id, 'last') },
  ],
});

const slow = defineWorkflow<Input>({
  id: 'test.slow',
  skill: 'test',
  parseInput: (input) => input as Input,
  title: () => 'Slow',
  steps: [
    {
      kind: 'step',
      name: 'slow',
      label: 'Slow call',
      timeoutMs: 200,
      retry: { attempts: 2, backoffMs: 50 },
      run: (ctx) =>
        new Promise((resolve) => {
          note(ctx.run.id, `slow-${ctx.step.attempt}`);
          setTimeout(resolve, 5_000).unref();
        }),
    },
  ],
});

const undoable = (trigger: 'automatic' | 'on-request') =>
  defineWorkflow<Input>({
    id: `test.undo-${trigger}`,
    skill: 'test',
    parseInput: (input) => input as Input,
    title: () => `Undo ${trigger}`,
    steps: [
      { kind: 'step', name: 'create', label: 'Create', run: async (ctx) => note(ctx.run.id, 'create') },
      {
        kind: 'step',
        name: 'break',
        label: 'Break',
        run: async () => {
          throw new ChatOpsError('SKILL_FAILED', 'it broke');
        },
      },
      { kind: 'step', name: 'never', label: 'Never', run: async (ctx) => note(ctx.run.id, 'never') },
    ],
    compensation: {
      trigger,
      steps: [
        {
          kind: 'step',
          name: 'remove',
          label: 'Remove what was created',
          when: (state) => state.statuses.create === 'succeeded',
          run: async (ctx) => note(ctx.run.id, `remove-after-${ctx.statuses.break}`),
        },
      ],
    },
    finally: [
      {
        kind: 'step',
        name: `release-${trigger}`,
        label: 'Release',
        run: async (ctx) => note(ctx.run.id, 'release'),
      },
    ],
  });

const waits = defineWorkflow<{ key: string; at: string }>({
  id: 'test.waits',
  skill: 'test',
  parseInput: (input) => input as { key: string; at: string },
  title: () => 'Waits',
  steps: [
    { kind: 'wait', name: 'until', label: 'Until a time', until: (state) => new Date(state.input.at) },
    {
      kind: 'wait',
      name: 'event',
      label: 'An event',
      event: (state) => `test:${state.input.key}`,
      onEvent: async (payload) =>
        (payload as { done: boolean }).done
          ? { done: true, output: payload }
          : { done: false, detail: `seen ${(payload as { n: number }).n}` },
    },
    {
      kind: 'wait',
      name: 'poll',
      label: 'A poll',
      poll: {
        intervalMs: 100,
        check: async (ctx) => ({ done: (ctx.outputs.event as { n: number }).n > 0, output: 'polled' }),
      },
      timeoutMs: 20_000,
    },
    {
      kind: 'wait',
      name: 'never',
      label: 'Never comes',
      event: () => 'test:never',
      timeoutMs: 300,
      critical: false,
    },
  ],
});

describe.each(['postgresql', 'pglite'] as const)('workflows on %s', (kind) => {
  let bed: WorkflowTestbed;

  beforeAll(async () => {
    bed = await workflowTestbed(kind, [
      shapes,
      flaky,
      slow,
      undoable('automatic'),
      undoable('on-request'),
      waits,
    ]);
    bed.startWorker();
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('runs steps in order, a parallel group together, and only the branch whose condition holds', async () => {
    const withFlag = await bed.engine.start('test.shapes', { flag: true }, bed.origin());
    const without = await bed.engine.start('test.shapes', { flag: false }, bed.origin());
    const done = await bed.finished(withFlag.id);
    const other = await bed.finished(without.id);
    expect(done.status).toBe('succeeded');
    expect(statuses(done)).toEqual({
      first: 'succeeded',
      left: 'succeeded',
      right: 'succeeded',
      'when-flag': 'succeeded',
      'unless-flag': 'skipped',
      tidy: 'succeeded',
    });
    expect(done.steps.find((step) => step.name === 'when-flag')?.output).toBe(220);
    expect(statuses(other)['when-flag']).toBe('skipped');
    const order = journal.get(withFlag.id) ?? [];
    expect(order[0]).toBe('first');
    expect(new Set(order.slice(1, 3))).toEqual(new Set(['left', 'right']));
    expect(order.slice(3)).toEqual(['when-flag', 'tidy']);
    expect(journal.get(without.id)?.slice(3)).toEqual(['unless-flag', 'tidy']);
    // One progress message per run, updated in place to the final state.
    const message = await eventually(async () => {
      const stored = await bed.messages.byDeliveryKey(`workflow.${withFlag.id}`);
      return stored?.text.includes('succeeded') ? stored : null;
    });
    expect(message?.reply?.blocks[0]).toMatchObject({ type: 'markdown' });
  });

  it('starts one run per start key however often it is asked', async () => {
    const origin = bed.origin();
    const [one, two] = await Promise.all([
      bed.engine.start('test.shapes', { flag: true }, origin),
      bed.engine.start('test.shapes', { flag: true }, origin),
    ]);
    expect(two.id).toBe(one.id);
    await bed.finished(one.id);
    expect(journal.get(one.id)?.filter((entry) => entry === 'first')).toHaveLength(1);
  });

  it('retries a failing step with exponential backoff, and a non-critical failure only warns', async () => {
    const run = await bed.engine.start('test.flaky', { flag: false, failUntil: 2 }, bed.origin());
    const done = await bed.finished(run.id);
    expect(done.status).toBe('succeeded');
    const flakyStep = done.steps.find((step) => step.name === 'flaky');
    expect(flakyStep).toMatchObject({
      status: 'succeeded',
      attempts: 3,
      maxAttempts: 3,
      output: { attempt: 3 },
    });
    const [first = 0, second = 0, third = 0] = attemptsAt.get(run.id) ?? [];
    // Backoff 150 ms, then 300 ms: each retry waits at least its delay (never less).
    expect(second - first).toBeGreaterThanOrEqual(150);
    expect(third - second).toBeGreaterThanOrEqual(300);
    expect(done.steps.find((step) => step.name === 'optional')).toMatchObject({
      status: 'failed',
      critical: false,
      attempts: 1,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(journal.get(run.id)).toEqual(['last']);
  });

  it('fails the run when a critical step runs out of attempts', async () => {
    const run = await bed.engine.start('test.flaky', { flag: false, failUntil: 5 }, bed.origin());
    const done = await bed.finished(run.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ step: 'flaky', message: expect.stringContaining('attempt 3 failed') });
    expect(done.steps.map((step) => step.name)).toEqual(['flaky']);
  });

  it('times out a step per attempt and retries it before giving up', async () => {
    const run = await bed.engine.start('test.slow', { flag: false }, bed.origin());
    const done = await bed.finished(run.id);
    expect(done.status).toBe('failed');
    expect(done.steps[0]).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'TIMEOUT' } });
    expect(journal.get(run.id)).toEqual(['slow-1', 'slow-2']);
  });

  it('compensates automatically after a critical failure, then runs the finally steps', async () => {
    const run = await bed.engine.start('test.undo-automatic', { flag: false }, bed.origin());
    const done = await bed.finished(run.id);
    expect(done.status).toBe('compensated');
    expect(done.error).toMatchObject({ step: 'break', message: 'it broke' });
    expect(journal.get(run.id)).toEqual(['create', 'remove-after-failed', 'release']);
  });

  it('offers compensation on request: the run fails, and rolls back when asked (once)', async () => {
    const run = await bed.engine.start('test.undo-on-request', { flag: false }, bed.origin());
    const failed = await bed.finished(run.id);
    expect(failed).toMatchObject({ status: 'failed', compensable: true });
    expect(journal.get(run.id)).toEqual(['create', 'release']);
    const [first, second] = await Promise.all([
      bed.engine.compensate(run.id, 'bob'),
      bed.engine.compensate(run.id, 'carol'),
    ]);
    expect([first.ok, second.ok].sort()).toEqual([false, true]);
    const done = await eventually(async () => {
      const view = await bed.engine.view(run.id);
      return view?.status === 'compensated' ? view : null;
    });
    expect(done.compensable).toBe(false);
    expect(journal.get(run.id)).toEqual(['create', 'release', 'remove-after-failed', 'release']);
    expect((await bed.engine.compensate(run.id, 'bob')).ok).toBe(false);
  });

  it('waits until a time, for an event stored before it waited, for a poll, and times out a wait', async () => {
    const key = `k${Date.now()}`;
    // The first event arrives before the step waits for it: it is stored and replayed.
    await bed.engine.signal(`test:${key}`, { done: false, n: 1 }, `${key}-1`);
    const run = await bed.engine.start(
      'test.waits',
      { key, at: new Date(Date.now() + 300).toISOString() },
      bed.origin(),
    );
    await eventually(async () => {
      const view = await bed.engine.view(run.id);
      return view?.steps.find((step) => step.name === 'event')?.detail === 'seen 1';
    });
    expect(await bed.engine.signal(`test:${key}`, { done: true, n: 2 }, `${key}-2`)).toBe(true);
    // A redelivered event (same dedupe key) is stored once.
    expect(await bed.engine.signal(`test:${key}`, { done: true, n: 2 }, `${key}-2`)).toBe(false);
    const done = await bed.finished(run.id);
    expect(statuses(done)).toEqual({
      until: 'succeeded',
      event: 'succeeded',
      poll: 'succeeded',
      never: 'failed',
    });
    expect(done.status).toBe('succeeded');
    expect(done.steps.find((step) => step.name === 'event')?.output).toEqual({ done: true, n: 2 });
    expect(done.steps.find((step) => step.name === 'never')?.error?.message).toContain('Nothing came');
  });

  it('cancels a waiting run at once and still runs its finally steps', async () => {
    const run = await bed.engine.start(
      'test.waits',
      { key: 'never-sent', at: new Date().toISOString() },
      bed.origin(),
    );
    await eventually(async () => {
      const view = await bed.engine.view(run.id);
      return view?.steps.find((step) => step.name === 'event')?.status === 'waiting';
    });
    expect((await bed.engine.cancel(run.id, 'alice')).ok).toBe(true);
    expect((await bed.engine.cancel(run.id, 'alice')).ok).toBe(false);
    const done = await bed.finished(run.id);
    expect(done).toMatchObject({
      status: 'cancelled',
      error: { code: 'CANCELLED', message: 'Cancelled by alice.' },
    });
    expect(statuses(done).event).toBe('cancelled');
  });

  it('stores the end of a step and the next step together only while the run may go on', async () => {
    const { runs, steps } = bed.engine;
    const next = (name: string) => ({
      phase: 'forward',
      name,
      kind: 'step' as const,
      status: 'queued' as const,
      position: 1,
      maxAttempts: 1,
      critical: true,
      input: null,
    });
    const started = async () => {
      const origin = bed.origin();
      const { run } = await runs.create({
        id: crypto.randomUUID(),
        tenantId: origin.tenantId,
        definition: 'test.shapes',
        skill: 'test',
        title: 'By hand',
        input: { flag: true },
        origin,
        startKey: `by-hand.${origin.id}`,
        requestedBy: 'api:alice',
      });
      await steps.insertAll(run.id, [{ ...next('first'), position: 0 }]);
      const claimed = await steps.claim({ runId: run.id, phase: 'forward', name: 'first' }, 1);
      expect(claimed.row?.status).toBe('running');
      expect(claimed.run?.id).toBe(run.id);
      expect(claimed.steps.map((step) => [step.name, step.status])).toEqual([['first', 'queued']]);
      return { runId: run.id, key: { runId: run.id, phase: 'forward', name: 'first' } };
    };
    const going = await started();
    expect(await steps.succeedAndInsert(going.key, 1, { value: 1 }, 'forward', [next('second')])).toEqual({
      ended: true,
      inserted: ['second'],
    });
    // A second delivery of the same end changes nothing.
    expect(await steps.succeedAndInsert(going.key, 1, { value: 1 }, 'forward', [next('second')])).toEqual({
      ended: false,
      inserted: [],
    });
    const afterCancel = await started();
    expect(await runs.requestCancel(afterCancel.runId, 'alice')).toBe(true);
    expect(await steps.succeedAndInsert(afterCancel.key, 1, null, 'forward', [next('second')])).toEqual({
      ended: true,
      inserted: [],
    });
    const moved = await started();
    expect(await steps.succeedAndInsert(moved.key, 1, null, 'forward.finally', [next('second')])).toEqual({
      ended: true,
      inserted: [],
    });
    const wrongAttempt = await started();
    expect(await steps.succeedAndInsert(wrongAttempt.key, 2, null, 'forward', [next('second')])).toEqual({
      ended: false,
      inserted: [],
    });
    const stored = await steps.ofRun(afterCancel.runId);
    expect(stored.map((step) => [step.name, step.status, step.output])).toEqual([
      ['first', 'succeeded', null],
    ]);
  });
});

function statuses(run: WorkflowRunView): Record<string, string> {
  return Object.fromEntries(run.steps.map((step) => [step.name, step.status]));
}
