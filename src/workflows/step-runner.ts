import { ChatOpsError, toChatOpsError } from '../core/errors.ts';
import type { ActionStep, RetryPolicy, WaitCheck } from '../core/workflow-definition.ts';
import { approvalStep } from './approval-step.ts';
import { stepJob, type WorkflowEngine } from './engine.ts';
import { stateOf, stepsAfter } from './plan.ts';
import type { WorkflowJob } from './queue.ts';
import type { AnyDefinition, AnyStep } from './registry.ts';
import type { RunRow } from './run-store.ts';
import { stepContext } from './step-context.ts';
import type { StepKey, StepRow } from './step-rows.ts';
import { waitStep } from './wait-step.ts';

/** One claimed step with everything its handlers need. */
export interface ClaimedStep {
  run: RunRow;
  definition: AnyDefinition;
  node: AnyStep;
  row: StepRow;
  key: StepKey;
}

/**
 * The workflows queue's job handler: runs a step attempt, a wait's poll or timer, or an event; each ends
 * by storing the step's new state and advancing the run. A job that finds its step already moved on (a
 * duplicate, or a re-delivery after the step finished) only advances the run, which is always safe.
 */
export class StepRunner {
  readonly #engine: WorkflowEngine;
  readonly #running = new Map<string, Set<AbortController>>();

  constructor(engine: WorkflowEngine) {
    this.#engine = engine;
  }

  async handle(job: WorkflowJob): Promise<void> {
    switch (job.type) {
      case 'step':
        return this.#step(job.runId, job.phase, job.name, job.attempt);
      case 'poll':
        return waitStep.poll(this.#engine, this, job.runId, job.phase, job.name, job.round);
      case 'timer':
        return waitStep.timer(this.#engine, this, job.runId, job.phase, job.name);
      case 'signal':
        return waitStep.signal(this.#engine, this, job.signalId);
      case 'advance':
        this.abortLocal(job.runId);
        return this.#engine.advance(job.runId);
    }
  }

  /** Aborts this process's running attempts of a run (a cancel); other processes finish theirs. */
  abortLocal(runId: string): void {
    for (const controller of this.#running.get(runId) ?? []) controller.abort(new Error('cancelled'));
  }

  async #step(runId: string, phase: string, name: string, attempt: number): Promise<void> {
    const engine = this.#engine;
    const key = { runId, phase, name };
    const { run, row, steps } = await engine.steps.claim(key, attempt);
    const definition = run ? engine.registry.find(run.definition) : undefined;
    if (!run || !definition) return;
    const node = engine.registry.step(definition, phase, name);
    if (!row) return engine.advance(runId, run);
    if (!node) {
      await engine.steps.finish(key, ['running'], 'failed', {
        error: { code: 'NOT_FOUND', message: `The workflow no longer has a step "${name}".` },
      });
      return engine.advance(runId);
    }
    if (run.finishedAt || (run.cancelRequestedBy && phase === 'forward')) {
      await engine.steps.finish(key, ['running'], 'cancelled', {
        error: { code: 'CANCELLED', message: 'The run was cancelled.' },
      });
      return engine.advance(runId);
    }
    const claimed: ClaimedStep = { run, definition, node, row, key };
    if (node.kind === 'approval') return approvalStep.start(engine, this, claimed);
    if (node.kind === 'wait') return waitStep.start(engine, this, claimed);
    return this.#action(claimed, node, steps);
  }

  // biome-ignore lint/suspicious/noExplicitAny: the engine runs definitions of every input type
  async #action(claimed: ClaimedStep, node: ActionStep<any>, steps: readonly StepRow[]): Promise<void> {
    const engine = this.#engine;
    const { run, row, key } = claimed;
    const controller = new AbortController();
    const timer = node.timeoutMs
      ? setTimeout(() => controller.abort(new StepTimeoutError(node.timeoutMs ?? 0)), node.timeoutMs)
      : undefined;
    this.#track(run.id, controller, true);
    void engine.refresh(run);
    try {
      const context = await this.contextFor(claimed, controller.signal, steps);
      const output = await abortable(node.run(context), controller.signal);
      if (await this.#succeed(claimed, steps, output ?? null)) return;
    } catch (thrown) {
      const error = toChatOpsError(controller.signal.aborted ? controller.signal.reason : thrown);
      const detail = { code: error.code, message: error.message.slice(0, 2000) };
      const retry = error.retryable && row.attempts < row.maxAttempts;
      if (retry) {
        const delay = backoffMs(node.retry, row.attempts);
        const at = new Date(Date.now() + delay);
        if (await engine.steps.retryAt(key, row.attempts, at, detail)) {
          engine.log.warn('workflow-step-retry', {
            runId: run.id,
            step: key.name,
            attempt: row.attempts,
            delay,
          });
          await engine.options.queue.add(
            { type: 'step', runId: run.id, phase: key.phase, name: key.name, attempt: row.attempts + 1 },
            delay,
          );
          await engine.refresh(run);
          return;
        }
      } else {
        await engine.steps.finish(key, ['running'], 'failed', { error: detail, attempt: row.attempts });
        engine.log.warn('workflow-step-failed', { runId: run.id, step: key.name, error: detail });
      }
    } finally {
      clearTimeout(timer);
      this.#track(run.id, controller, false);
    }
    await engine.advance(run.id, run);
  }

  /**
   * Stores a step's success. In a sequence (nothing else of the run open) the steps that follow are
   * decided from the state read at the claim, stored in the same statement as the success, and queued:
   * true, the run has moved on. Otherwise (a parallel sibling still running, the end of a phase, a run
   * moved or cancelled meanwhile) false, and the caller advances the run from what is stored.
   */
  async #succeed(claimed: ClaimedStep, steps: readonly StepRow[], output: unknown): Promise<boolean> {
    const engine = this.#engine;
    const { run, row, key, definition } = claimed;
    const next = stepsAfter(definition, run, steps, key, output);
    if (!next) {
      await engine.steps.finish(key, ['running'], 'succeeded', { output, attempt: row.attempts });
      await engine.options.pause?.('step-finished', run.id, key.name);
      return false;
    }
    const { ended, inserted } = await engine.steps.succeedAndInsert(
      key,
      row.attempts,
      output,
      run.phase,
      next,
    );
    // Both crash boundaries are this one point here: the end and the next steps are stored, not queued.
    await engine.options.pause?.('step-finished', run.id, key.name);
    const jobs = next
      .filter((step) => step.status === 'queued' && inserted.includes(step.name))
      .map((step) => stepJob(run.id, step.phase, step.name, 1));
    if (!ended || jobs.length === 0) return false;
    await engine.options.pause?.('advance-committed', run.id);
    await engine.options.queue.addAll(jobs);
    void engine.refresh(run);
    return true;
  }

  /** The step context of a claimed (or waiting) step, with the run's current state. */
  async contextFor(claimed: ClaimedStep, signal: AbortSignal, steps?: readonly StepRow[]) {
    const engine = this.#engine;
    const { run, row, key } = claimed;
    const state = stateOf(run.input, steps ?? (await engine.steps.ofRun(run.id)));
    return stepContext(
      run,
      { name: key.name, attempt: Math.max(1, row.attempts), phase: key.phase },
      state,
      signal,
      {
        effects: engine.effects,
        services: engine.options.services(run),
        log: engine.log,
        settleMs: engine.options.effectSettleMs ?? 15_000,
        progress: async (detail) => {
          await engine.steps.setDetail(key, detail);
          await engine.refresh(run);
        },
        say: (postKey, reply) => engine.options.board.say(run, postKey, reply),
      },
    );
  }

  /** Reads one event for a waiting approval or wait step, and applies what it says. */
  async evaluate(claimed: ClaimedStep, payload: unknown): Promise<void> {
    const node = claimed.node;
    let check: WaitCheck;
    try {
      if (node.kind === 'approval') check = await approvalStep.check(this.#engine, claimed, payload);
      else if (node.kind === 'wait' && node.onEvent) {
        check = await node.onEvent(payload, await this.contextFor(claimed, new AbortController().signal));
      } else check = { done: true, output: payload ?? null };
    } catch (error) {
      this.#engine.log.warn('workflow-event-unreadable', {
        runId: claimed.run.id,
        step: claimed.key.name,
        error,
      });
      return;
    }
    await this.applyCheck(claimed, check);
  }

  /** Applies what an event, poll or timer found to a waiting step, and advances the run when it ended. */
  async applyCheck(claimed: ClaimedStep, check: WaitCheck): Promise<void> {
    const engine = this.#engine;
    if ('failed' in check) {
      const ended = await engine.steps.finish(claimed.key, ['waiting'], 'failed', {
        error: { code: 'STEP_FAILED', message: check.failed.slice(0, 2000) },
      });
      if (ended) await engine.advance(claimed.run.id, claimed.run);
      return;
    }
    if (check.done) {
      const ended = await engine.steps.finish(claimed.key, ['waiting'], 'succeeded', {
        output: check.output ?? null,
      });
      if (ended) await engine.advance(claimed.run.id, claimed.run);
      return;
    }
    if (check.detail) {
      await engine.steps.setDetail(claimed.key, check.detail);
      await engine.refresh(claimed.run);
    }
  }

  #track(runId: string, controller: AbortController, add: boolean): void {
    const set = this.#running.get(runId) ?? new Set();
    if (add) set.add(controller);
    else set.delete(controller);
    if (set.size === 0) this.#running.delete(runId);
    else this.#running.set(runId, set);
  }
}

export class StepTimeoutError extends ChatOpsError {
  constructor(ms: number) {
    super('TIMEOUT', `The step did not finish within ${Math.round(ms / 1000)} s.`, {
      remedy: 'It is retried when it has attempts left; otherwise look at what it waits for.',
    });
  }
}

/** Exponential backoff: `backoffMs × 2^(attempt-1)`, at most `maxBackoffMs` (an hour by default). */
export function backoffMs(policy: RetryPolicy | undefined, attempt: number): number {
  const base = policy?.backoffMs ?? 1000;
  return Math.min(base * 2 ** Math.max(0, attempt - 1), policy?.maxBackoffMs ?? 3_600_000);
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
