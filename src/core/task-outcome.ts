import type { ChatOpsError } from './errors.ts';

/**
 * What running one task comes to, shared by the worker that runs it (src/worker/process-task.ts) and the
 * queue that schedules it (src/queue/task-worker.ts), so the queue needs nothing from the layers above it.
 */
export interface Attempt {
  /** 1 for the first run. */
  number: number;
  max: number;
}

export type TaskOutcome =
  | { status: 'succeeded' | 'failed' | 'awaiting_approval'; skill: string | null; error?: ChatOpsError }
  | { status: 'skipped' };

/** Thrown when the queue should run the task again later (transient failure, attempts left). */
export class RetryLaterError extends Error {
  override readonly cause: ChatOpsError;
  constructor(cause: ChatOpsError) {
    super(cause.message);
    this.name = 'RetryLaterError';
    this.cause = cause;
  }
}

/**
 * The task's job arrived but its record has not (yet): the queue runs the job again later, and past its wait
 * for records ends it without running (the intake protocol, src/intake/task-intake.ts).
 */
export class TaskNotRecordedError extends Error {
  constructor(taskId: string) {
    super(`Task ${taskId} is queued but not in the task ledger (yet).`);
    this.name = 'TaskNotRecordedError';
  }
}
