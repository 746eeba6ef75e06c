import { setTimeout as sleep } from 'node:timers/promises';
import type { Task } from '../core/task.ts';
import { TaskNotRecordedError } from '../core/task-outcome.ts';
import type { StartResult, TaskLedger } from '../db/task-ledger.ts';

// The pause before each ask: the record is usually a millisecond behind its job (~40 ms in all).
const PAUSES_BEFORE_ASKING_MS = [0, 2, 5, 10, 25];

/**
 * A receiver enqueues a task while its ledger record is still being written (TaskIntake does both at
 * once, so Slack is answered after the slower of the two, not after both in turn). A worker that takes the
 * job first finds no row yet, so the claim asks again a few times before it hands the job back to the
 * queue (TaskNotRecordedError).
 */
export async function claimTask(ledger: Pick<TaskLedger, 'start'>, task: Task): Promise<StartResult> {
  for (const delay of PAUSES_BEFORE_ASKING_MS) {
    if (delay > 0) await sleep(delay);
    const result = await ledger.start(task);
    if (result.started || result.reason !== 'unrecorded') return result;
  }
  throw new TaskNotRecordedError(task.id);
}
