import type { AcceptedTask, InboundMessage, Intake, Logger, TaskQueue } from '../core/ports.ts';
import { redactSecrets, redactTaskSecrets } from '../core/redact.ts';
import type { Task } from '../core/task.ts';
import { checkTask } from '../core/task-check.ts';
import type { TaskLedger } from '../db/task-ledger.ts';
import type { Metrics } from '../observability/metrics.ts';

/**
 * The path every receiver shares after verifying a request: record the task in the ledger (atomically with
 * the user's message) and enqueue it, both at once, and return when both are done: the platform is answered
 * after the slower of the two, not after the sum (the Slack ack p99 went from 13–19.5 ms to 7–12 ms). The
 * job may reach a worker before the record commits; the worker waits for it (claimTask).
 * - A duplicate event returns the task recorded first. The job just added is withdrawn (a worker that took
 *   it already skips it: another task holds the event), and a recorded task still queued is enqueued
 *   again (same job id: safe) in case its first enqueue was lost.
 * - If the enqueue fails, the task stays recorded as queued and the stale-task sweeper enqueues it later;
 *   the caller still sees the error (503), and a retry of the same event lands on the same task.
 * - If the record fails, the caller sees the error and the platform retries (a new task); the job waits
 *   for a record that never comes and ends without running.
 * - A task that breaks a limit of the Task schema is neither recorded nor queued: accept throws an
 *   InputLimitError, which the receiver turns into an answer naming the limit.
 */
export class TaskIntake implements Intake {
  readonly #ledger: TaskLedger;
  readonly #queue: TaskQueue;
  readonly #metrics: Metrics;
  readonly #log: Logger;

  constructor(ledger: TaskLedger, queue: TaskQueue, metrics: Metrics, log: Logger) {
    this.#ledger = ledger;
    this.#queue = queue;
    this.#metrics = metrics;
    this.#log = log;
  }

  async accept(received: Task, inbound?: InboundMessage): Promise<AcceptedTask> {
    // Secrets people paste never reach the queue, the database, the logs or the model.
    const task = redactTaskSecrets(received);
    const message = inbound ? { ...inbound, text: redactSecrets(inbound.text) } : undefined;
    // A task the worker would refuse is refused here, before it is recorded or queued: the receiver
    // answers the person with the limit, instead of a task that stays queued forever.
    const refused = checkTask(task, message);
    if (refused) {
      this.#metrics.tasksRefused.inc({ platform: task.platform });
      this.#log.info('task-refused', {
        platform: task.platform,
        limits: refused.problems.map((p) => p.field),
      });
      throw refused;
    }
    const [recording, enqueueing] = await Promise.allSettled([
      this.#ledger.record(task, message),
      this.#queue.enqueue(task),
    ]);
    if (recording.status === 'rejected') throw recording.reason;
    const recorded = recording.value;
    if (!recorded.created) {
      this.#metrics.tasksDuplicate.inc({ platform: task.platform });
      this.#log.info('task-duplicate', { taskId: recorded.task.id, sourceEventId: task.sourceEventId });
      // A duplicate with the same task id (every scheduler replica builds the same task for a fire time)
      // shares the recorded task's job: withdrawing it would withdraw the one job there is.
      const ownJob = enqueueing.status === 'fulfilled' && recorded.task.id !== task.id;
      await Promise.all([
        ownJob ? this.#withdraw(task) : undefined,
        recorded.status === 'queued' ? this.#queue.enqueue(recorded.task) : undefined,
      ]);
      return { task: recorded.task, duplicate: true };
    }
    this.#metrics.tasksReceived.inc({ platform: task.platform, kind: task.kind });
    if (enqueueing.status === 'rejected') throw enqueueing.reason;
    return { task: recorded.task, duplicate: false };
  }

  async #withdraw(duplicate: Task): Promise<void> {
    try {
      await this.#queue.withdraw(duplicate);
    } catch (error) {
      // Harmless: the worker that runs the job finds the event taken by another task and skips it.
      this.#log.debug('task-withdraw-failed', { taskId: duplicate.id, error: String(error) });
    }
  }
}
