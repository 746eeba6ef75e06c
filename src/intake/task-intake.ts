import type { AcceptedTask, InboundMessage, Intake, Logger, TaskQueue } from '../core/ports.ts';
import { redactSecrets, redactTaskSecrets } from '../core/redact.ts';
import type { Task } from '../core/task.ts';
import type { TaskLedger } from '../db/task-ledger.ts';
import type { Metrics } from '../observability/metrics.ts';

/**
 * The path every receiver shares after verifying a request: record in the ledger (atomically with the
 * user's message), enqueue, return. A duplicate event returns the task recorded first and enqueues nothing
 * new, unless that task never reached the queue (then the same job id is added again, which is safe).
 * If the enqueue fails, the task stays recorded as queued and the stale-task sweeper enqueues it later;
 * the caller still sees the error (503), and a retry of the same event lands on the same task.
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
    const recorded = await this.#ledger.record(task, message);
    if (!recorded.created) {
      this.#metrics.tasksDuplicate.inc({ platform: task.platform });
      this.#log.info('task-duplicate', { taskId: recorded.task.id, sourceEventId: task.sourceEventId });
      if (recorded.status === 'queued') await this.#queue.enqueue(recorded.task);
      return { task: recorded.task, duplicate: true };
    }
    this.#metrics.tasksReceived.inc({ platform: task.platform, kind: task.kind });
    await this.#queue.enqueue(recorded.task);
    return { task: recorded.task, duplicate: false };
  }
}
