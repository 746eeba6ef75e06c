import type { AcceptedTask, InboundMessage, Intake, Logger, TaskQueue } from '../core/ports.ts';
import { redactSecrets, redactTaskSecrets } from '../core/redact.ts';
import type { Task } from '../core/task.ts';
import { checkTask } from '../core/task-check.ts';
import type { TaskLedger } from '../db/task-ledger.ts';
import type { Metrics } from '../observability/metrics.ts';

/**
 * The path every receiver (Slack, Teams, the web adapter, MCP, the scheduler) shares after verifying a
 * request: record the task in the ledger, enqueue its job, and return. This comment is the one explanation of
 * that protocol; the worker's claim (src/worker/claim-task.ts), the queue worker (src/queue/task-worker.ts),
 * the ledger's start statement (src/db/ledger-statements.ts) and the stale-task sweeper
 * (src/queue/stale-task-sweeper.ts) each do their part of it and point here.
 *
 * Why at once. The record (PostgreSQL, with the person's message) and the enqueue (Redis, job id derived
 * from the task id) run together, and the platform is answered after the slower of the two rather than after
 * both in turn: the Slack acknowledgement p99 went from 13–19.5 ms to 7–12 ms.
 *
 * What holds:
 * - A request answered 2xx is recorded and queued. A task that breaks a limit of the Task schema is
 *   neither: accept throws an InputLimitError, which the receiver turns into an answer naming the limit.
 * - Each platform event runs at most once: the ledger is unique on (platform, source event id), the job id
 *   is derived from the task id, and a worker starts a task only by a compare-and-set in the ledger
 *   (queued or running → running), which skips a task that ended and the job of a duplicate event.
 * - Nothing recorded is lost: a recorded task whose job never ran is enqueued again, or ended with one
 *   reply saying why, by the sweeper.
 *
 * What can go wrong, and what happens:
 * - The job reaches a worker before its record commits (the usual race, not a failure): the ledger answers
 *   `unrecorded`, and the claim asks again within ~40 ms (claimTask). Still missing, the claim throws
 *   TaskNotRecordedError and the queue worker puts the job back, delayed by its age (50 ms to 2 s) without
 *   using an attempt, until the record lands or a minute has passed.
 * - The record fails: the caller sees the error and the platform sends the request again, which becomes a
 *   task of its own. The job enqueued for the failed record finds no record for a minute, then ends without
 *   running. Should that record land after all, it is a queued task without a job: see the sweeper below.
 * - The enqueue fails: the task stays recorded as queued and the caller still sees the error (503). A retry
 *   of the same event lands on the same task (below); without one, the sweeper enqueues it.
 * - A duplicate event (a platform retry, a double delivery, a repeated Idempotency-Key): the ledger returns
 *   the task recorded first. The job just added is withdrawn; a worker that took it already finds the event
 *   held by another task (`superseded`) and skips it. A recorded task still queued is enqueued again (same
 *   job id: a no-op while its job exists) in case its first enqueue was lost.
 * - The sweeper (every 30 s, tasks queued and untouched for a minute) asks the queue about each: a job still
 *   waiting, delayed or running is left alone; a missing job is added again; a task that can never run
 *   (a payload no worker reads, a job failed for good, re-added too often) is failed with one reply.
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
