import { ChatOpsError } from '../core/errors.ts';
import { startPeriodic } from '../core/periodic.ts';
import type { Logger, TaskQueue } from '../core/ports.ts';
import { TaskSchema } from '../core/task.ts';
import { checkTask, type InputLimitError } from '../core/task-check.ts';
import type { StaleTask, TaskLedger } from '../db/task-ledger.ts';

export interface StaleTaskSweeperDependencies {
  ledger: TaskLedger;
  queue: TaskQueue;
  log: Logger;
  /**
   * Ends a task that can never run: failed in the ledger, and one reply to the person where it has a reply
   * address (see abandonTask). True when this call ended it (another sweeper may have been first). Without
   * it, the task is only failed in the ledger.
   */
  abandon?: (stale: StaleTask, error: ChatOpsError) => Promise<boolean>;
}

export interface StaleTaskSweeperOptions {
  intervalMs: number;
  olderThanSeconds: number;
  /** Re-adds of a task whose job keeps vanishing before it is failed (default 5). */
  maxRequeues?: number;
}

export interface SweepResult {
  requeued: number;
  abandoned: number;
  /** Tasks whose job is still waiting or running: only marked as seen. */
  pending: number;
}

const DEFAULT_MAX_REQUEUES = 5;

/**
 * Looks at tasks recorded as queued that nothing touched for a while, and for each asks the queue (its part
 * of the intake protocol, src/intake/task-intake.ts):
 * - its job is waiting, delayed or running (a backlog): nothing to do;
 * - its job is gone (Redis was down when the gateway enqueued, or lost its data): add it again, with the
 *   job id derived from the task;
 * - it can never run, because its payload is not a valid task, its job failed for good (a re-add with the
 *   same id is ignored while the failed job is kept), or it was re-added `maxRequeues` times and never ran:
 *   fail it, saying why, in the ledger and in one reply to the person — instead of requeueing it forever.
 */
export async function sweepStaleTasks(
  dependencies: StaleTaskSweeperDependencies,
  options: Pick<StaleTaskSweeperOptions, 'olderThanSeconds' | 'maxRequeues'>,
): Promise<SweepResult> {
  const { ledger, queue, log } = dependencies;
  const abandon = dependencies.abandon ?? ((stale, error) => ledger.abandon(stale.id, detailOf(error)));
  const maxRequeues = options.maxRequeues ?? DEFAULT_MAX_REQUEUES;
  const result: SweepResult = { requeued: 0, abandoned: 0, pending: 0 };
  for (const stale of await ledger.stale(options.olderThanSeconds, 100)) {
    const parsed = TaskSchema.safeParse(stale.payload);
    if (!parsed.success) {
      const why = neverRuns(checkTask(stale.payload));
      if (await abandon(stale, why)) result.abandoned += 1;
      log.warn('stale-task-abandoned', { taskId: stale.id, reason: 'invalid payload', error: why.message });
      continue;
    }
    const job = await queue.jobState(stale.id);
    if (job.state === 'pending') {
      await ledger.touch(stale.id);
      result.pending += 1;
      continue;
    }
    const why =
      job.state === 'failed'
        ? jobFailed(job.reason)
        : stale.requeues >= maxRequeues
          ? requeuedTooOften(stale.requeues)
          : null;
    if (why) {
      if (await abandon(stale, why)) result.abandoned += 1;
      log.warn('stale-task-abandoned', { taskId: stale.id, reason: job.state, error: why.message });
      continue;
    }
    await queue.enqueue(parsed.data);
    await ledger.touch(stale.id, true);
    result.requeued += 1;
  }
  if (result.requeued > 0) log.info('stale-tasks-requeued', { count: result.requeued });
  return result;
}

/** Runs a sweep every `intervalMs` (one at a time); returns the function that stops it. */
export function startStaleTaskSweeper(
  dependencies: StaleTaskSweeperDependencies,
  options: StaleTaskSweeperOptions,
): () => void {
  return startPeriodic({
    intervalMs: options.intervalMs,
    failureEvent: 'stale-task-sweep-failed',
    log: dependencies.log,
    run: async () => {
      await sweepStaleTasks(dependencies, options);
    },
  });
}

function detailOf(error: ChatOpsError): { code: string; message: string; remedy?: string } {
  return { code: error.code, message: error.message, ...(error.remedy ? { remedy: error.remedy } : {}) };
}

/** A recorded payload the worker refuses: the limits it breaks when it is too large, else that it is unreadable. */
function neverRuns(limits: InputLimitError | null): ChatOpsError {
  if (limits) {
    const problems = limits.problems.map((problem) => problem.problem).join(' ');
    return new ChatOpsError('VALIDATION_FAILED', `This request was recorded but can never run. ${problems}`, {
      ...(limits.remedy ? { remedy: limits.remedy } : {}),
      details: limits.details,
    });
  }
  return new ChatOpsError('VALIDATION_FAILED', 'This request was recorded in a form no worker can read.', {
    remedy: 'Send it again; if it fails again, report the task id in the message below.',
  });
}

function jobFailed(reason: string): ChatOpsError {
  return new ChatOpsError(
    'INTERNAL',
    `This request was queued, but its job failed for good (${reason.slice(0, 300)}), so it never ran.`,
    {
      remedy: 'Send it again; if it fails again, an administrator finds the task id in the worker log.',
      retryable: false,
    },
  );
}

function requeuedTooOften(requeues: number): ChatOpsError {
  return new ChatOpsError(
    'DEPENDENCY_UNAVAILABLE',
    `This request was put back on the queue ${requeues} times and no worker ever ran it.`,
    {
      remedy:
        'Send it again. If this repeats, check that workers are running and that Redis keeps its data (maxmemory-policy noeviction).',
      retryable: false,
    },
  );
}
