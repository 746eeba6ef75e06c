import { setTimeout as sleep } from 'node:timers/promises';
import type { Task } from '../core/task.ts';
import { TaskNotRecordedError } from '../core/task-outcome.ts';
import type { StartResult, TaskLedger } from '../db/task-ledger.ts';

// The pause before each ask: the record is usually a millisecond behind its job (~40 ms in all).
const PAUSES_BEFORE_ASKING_MS = [0, 2, 5, 10, 25];

/**
 * Starts a task in the ledger for the worker: the worker's part of the intake protocol (explained once in
 * src/intake/task-intake.ts). A job can arrive before its record, so a missing record is asked for again a
 * few times before the job is handed back to the queue (TaskNotRecordedError).
 */
export async function claimTask(ledger: Pick<TaskLedger, 'start'>, task: Task): Promise<StartResult> {
  for (const delay of PAUSES_BEFORE_ASKING_MS) {
    if (delay > 0) await sleep(delay);
    const result = await ledger.start(task);
    if (result.started || result.reason !== 'unrecorded') return result;
  }
  throw new TaskNotRecordedError(task.id);
}
