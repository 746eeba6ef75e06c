import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { toChatOpsError } from '../core/errors.ts';
import type { Logger } from '../core/ports.ts';
import { type Task, TaskSchema } from '../core/task.ts';
import {
  type Attempt,
  RetryLaterError,
  TaskNotRecordedError,
  type TaskOutcome,
} from '../core/task-outcome.ts';
import { retryDelayMs } from './retry-after.ts';

export interface TaskWorkerSettings {
  name: string;
  prefix: string;
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  shutdownTimeoutMs: number;
  /** How long a job waits for its task's ledger record before it ends without running (default a minute). */
  recordWaitMs?: number;
}

export type TaskProcessor = (task: Task, attempt: Attempt) => Promise<TaskOutcome>;

/**
 * The BullMQ side of the worker. Locks are short (10 s by default, renewed while a task runs) and the
 * stalled check frequent, so a task whose worker was killed is picked up again within about 15 s instead
 * of BullMQ's default minute. Bad input and failed-for-good tasks end as UnrecoverableError (no retries);
 * transient failures are thrown and retried with exponential backoff, or after a platform's Retry-After.
 */
export function startTaskWorker(
  connection: Redis,
  settings: TaskWorkerSettings,
  processor: TaskProcessor,
  log: Logger,
): { worker: Worker<Task>; close(): Promise<void> } {
  const worker = new Worker<Task>(
    settings.name,
    async (job: Job<Task>, token?: string) => {
      const parsed = TaskSchema.safeParse(job.data);
      if (!parsed.success) {
        log.error('task-payload-invalid', { jobId: job.id, issues: parsed.error.issues.slice(0, 5) });
        throw new UnrecoverableError(`VALIDATION_FAILED: job ${job.id} does not hold a valid task`);
      }
      const attempt = { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 };
      try {
        const outcome = await processor(parsed.data, attempt);
        if (outcome.status === 'failed' && outcome.error) {
          throw new UnrecoverableError(`${outcome.error.code}: ${outcome.error.message}`);
        }
        return outcome.status;
      } catch (error) {
        if (error instanceof TaskNotRecordedError) {
          return waitForRecord(job, token, settings.recordWaitMs ?? DEFAULT_RECORD_WAIT_MS, log);
        }
        if (error instanceof UnrecoverableError || error instanceof RetryLaterError) throw error;
        // The failure happened outside a skill (database down while claiming the task): retry.
        const wrapped = toChatOpsError(error);
        log.error('task-processing-error', { jobId: job.id, error: wrapped });
        throw wrapped;
      }
    },
    {
      connection,
      prefix: settings.prefix,
      concurrency: settings.concurrency,
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.stalledIntervalMs,
      maxStalledCount: 2,
      // Honours a platform's Retry-After on 429; exponential backoff otherwise (see retry-after.ts).
      settings: {
        backoffStrategy: (attemptsMade, _type, error, job) => retryDelayMs(attemptsMade, error, job),
      },
      removeOnComplete: { count: 0 },
      removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    },
  );
  worker.on('error', (error) => log.error('worker-error', { error }));
  worker.on('stalled', (jobId) => log.warn('task-stalled', { jobId, action: 'returned to the queue' }));
  let closing: Promise<void> | null = null;
  return {
    worker,
    close() {
      closing ??= closeGracefully(worker, settings.shutdownTimeoutMs, log);
      return closing;
    },
  };
}

const DEFAULT_RECORD_WAIT_MS = 60_000;

/**
 * A job whose record is not in the ledger yet goes back to the queue, delayed by its age (50 ms to 2 s),
 * without using up an attempt; past `waitMs` it ends without running (the intake protocol,
 * src/intake/task-intake.ts, says why that is safe).
 */
async function waitForRecord(job: Job<Task>, token: string | undefined, waitMs: number, log: Logger) {
  const age = Date.now() - job.timestamp;
  if (age >= waitMs) {
    log.warn('task-never-recorded', { jobId: job.id, waitedMs: age, action: 'dropped without running' });
    return 'skipped';
  }
  await job.moveToDelayed(Date.now() + Math.min(2_000, Math.max(50, age)), token);
  throw new DelayedError();
}

/**
 * Stop taking jobs and let the running ones finish; past the timeout, close by force: their locks lapse and
 * another worker picks them up after the lock duration (the ledger makes the second run safe).
 */
async function closeGracefully(worker: Worker, timeoutMs: number, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const result = await Promise.race([worker.close().then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    log.warn('worker-close-forced', { timeoutMs, action: 'running tasks released to other workers' });
    await worker.close(true);
  }
}
