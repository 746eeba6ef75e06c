import { TASK_VERSION, type Task } from '../core/task.ts';

/** The channel where queued knowledge-base jobs (ingests from the CLI and REST) post their progress. */
export const KB_JOBS_CHANNEL = 'kb-jobs';

/**
 * Event ids of ingest jobs. Only the CLI and the `knowledge`-scoped REST route make them; POST /messages
 * builds its event ids from message ids or scoped Idempotency-Keys, so a chat message cannot pass as one.
 */
const INGEST_JOB_EVENT_PREFIX = 'kb-ingest-';

/**
 * An ingest job queued by an operator (`chatops kb ingest --queue`, POST /api/v1/kb/ingest with the
 * `knowledge` scope): already authorised where it was accepted, so the skill does not ask for editor rights.
 */
export function isIngestJob(task: Task): boolean {
  return (
    task.platform === 'api' &&
    task.channel === KB_JOBS_CHANNEL &&
    task.sourceEventId === `${INGEST_JOB_EVENT_PREFIX}${task.id}`
  );
}

/**
 * A large ingest as a task on the ordinary queue: the worker runs it through the knowledge skill
 * (`/kb ingest <source> collection=<name>`), its progress is the task's progress message, retries and
 * crash recovery are the queue's, and GET /api/v1/tasks/{id} shows where it is.
 */
export function ingestJobTask(input: {
  taskId: string;
  tenantId: string;
  user: string;
  collection: string;
  source: string;
  now: Date;
}): Task {
  return {
    v: TASK_VERSION,
    id: input.taskId,
    tenantId: input.tenantId,
    platform: 'api',
    kind: 'command',
    user: { id: input.user, name: input.user },
    channel: KB_JOBS_CHANNEL,
    thread: input.taskId,
    text: `ingest ${input.source}`,
    command: 'kb',
    args: { collection: input.collection },
    replyTo: { platform: 'api', tenantId: input.tenantId, channel: KB_JOBS_CHANNEL, thread: input.taskId },
    sourceEventId: `${INGEST_JOB_EVENT_PREFIX}${input.taskId}`,
    receivedAt: input.now.toISOString(),
  };
}

/** The recurring re-sync of a collection, as the scheduler stores it (SchedulesPort.upsert). */
export function syncScheduleName(collection: string): string {
  return `kb-sync-${collection}`;
}
