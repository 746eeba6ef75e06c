import type { WaitCheck, WaitStep } from '../core/workflow-definition.ts';
import { replay } from './approval-step.ts';
import type { WorkflowEngine } from './engine.ts';
import { stateOf } from './plan.ts';
import type { ClaimedStep, StepRunner } from './step-runner.ts';

/** What a wait step stores while it waits. */
interface WaitInput {
  until: string | null;
  event: string | null;
  timeoutMs: number | null;
  intervalMs: number | null;
}

function resolved<State>(value: number | ((state: State) => number), state: State): number {
  return typeof value === 'function' ? value(state) : value;
}

// biome-ignore lint/suspicious/noExplicitAny: the engine runs definitions of every input type
type AnyWait = WaitStep<any>;

/**
 * Wait steps: until a time (a delayed timer job), for events under a key (webhooks, approvals; stored
 * first, replayed when the step starts waiting), with an optional poll as the fallback when events do
 * not come, and an optional timeout. Events, polls and timers race; the first to end the step wins
 * (compare-and-set on its status), the others find it done and do nothing.
 */
export const waitStep = {
  async start(engine: WorkflowEngine, runner: StepRunner, claimed: ClaimedStep): Promise<void> {
    const { run, key } = claimed;
    const node = claimed.node as AnyWait;
    const state = stateOf(run.input, await engine.steps.ofRun(run.id));
    const until = node.until?.(state) ?? null;
    const event = node.event?.(state) ?? null;
    if (until && until.getTime() <= Date.now() && !event) {
      await engine.steps.finish(key, ['running'], 'succeeded', {
        output: { waitedUntil: until.toISOString() },
      });
      return engine.advance(run.id);
    }
    const timeoutMs = node.timeoutMs === undefined ? null : resolved(node.timeoutMs, state);
    const intervalMs = node.poll ? resolved(node.poll.intervalMs, state) : null;
    const deadline = until ?? (timeoutMs ? new Date(Date.now() + timeoutMs) : null);
    const input: WaitInput = { until: until?.toISOString() ?? null, event, timeoutMs, intervalMs };
    const detail = until ? `until ${until.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'waiting';
    if (!(await engine.steps.wait(key, { waitKey: event, deadline, input, detail }))) return;
    const queue = engine.options.queue;
    if (deadline) {
      await queue.add(
        { type: 'timer', runId: run.id, phase: key.phase, name: key.name, at: deadline.getTime() },
        deadline.getTime() - Date.now(),
      );
    }
    if (intervalMs) {
      await queue.add(
        { type: 'poll', runId: run.id, phase: key.phase, name: key.name, round: 1 },
        intervalMs,
      );
    }
    await engine.refresh(run);
    if (event)
      await replay(engine, runner, { ...claimed, row: { ...claimed.row, status: 'waiting', input } }, event);
  },

  async poll(
    engine: WorkflowEngine,
    runner: StepRunner,
    runId: string,
    phase: string,
    name: string,
    round: number,
  ): Promise<void> {
    const claimed = await waiting(engine, runId, phase, name);
    const node = claimed?.node as AnyWait | undefined;
    if (!claimed || !node?.poll) return;
    let check: WaitCheck;
    try {
      check = await node.poll.check(await runner.contextFor(claimed, new AbortController().signal));
    } catch (error) {
      engine.log.warn('workflow-poll-failed', { runId, step: name, round, error });
      check = { done: false };
    }
    await runner.applyCheck(claimed, check);
    const after = await engine.steps.get(claimed.key);
    const pastDeadline = after?.deadline && after.deadline.getTime() <= Date.now();
    if (after?.status === 'waiting' && !pastDeadline) {
      const intervalMs = (after.input as Partial<WaitInput> | null)?.intervalMs ?? 15_000;
      await engine.options.queue.add({ type: 'poll', runId, phase, name, round: round + 1 }, intervalMs);
    }
  },

  /** The time came: a wait until then succeeds; a timeout (or an approval's expiry) fails the step. */
  async timer(engine: WorkflowEngine, runner: StepRunner, runId: string, phase: string, name: string) {
    const claimed = await waiting(engine, runId, phase, name);
    if (!claimed) return;
    if (claimed.row.deadline && claimed.row.deadline.getTime() > Date.now() + 1000) {
      // An early timer (clock skew between Redis and us): look again at the deadline.
      const at = claimed.row.deadline.getTime();
      await engine.options.queue.add({ type: 'timer', runId, phase, name, at }, at - Date.now());
      return;
    }
    const input = claimed.row.input as Partial<WaitInput> | null;
    if (claimed.node.kind === 'wait' && input?.until) {
      return runner.applyCheck(claimed, { done: true, output: { waitedUntil: input.until } });
    }
    const what = claimed.node.kind === 'approval' ? 'The approval expired' : 'Nothing came';
    return runner.applyCheck(claimed, {
      failed: `${what} before the deadline (${claimed.row.deadline?.toISOString() ?? 'now'}).`,
    });
  },

  /** A stored event: every step waiting for its key reads it. */
  async signal(engine: WorkflowEngine, runner: StepRunner, signalId: string): Promise<void> {
    const signal = await engine.effects.signalById(signalId);
    if (!signal) return;
    for (const row of await engine.steps.waitingFor(signal.key)) {
      const claimed = await waiting(engine, row.runId, row.phase, row.name);
      if (claimed) await runner.evaluate(claimed, signal.payload);
    }
  },
};

/** The step, when it still waits, with its run and definition. */
async function waiting(
  engine: WorkflowEngine,
  runId: string,
  phase: string,
  name: string,
): Promise<ClaimedStep | null> {
  const key = { runId, phase, name };
  const row = await engine.steps.get(key);
  if (row?.status !== 'waiting') return null;
  const run = await engine.runs.get(runId);
  const definition = run ? engine.registry.find(run.definition) : undefined;
  const node = definition ? engine.registry.step(definition, phase, name) : undefined;
  if (!run || !definition || !node) return null;
  return { run, definition, node, row, key };
}
