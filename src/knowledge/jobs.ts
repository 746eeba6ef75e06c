import { TASK_VERSION, type Task } from '../core/task.ts';

/** The channel where queued knowledge-base jobs (ingests from the CLI and REST) post their progress. */
export const KB_JOBS_CHANNEL = 'kb-jobs';

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
    sourceEventId: `kb-ingest-${input.taskId}`,
    receivedAt: input.now.toISOString(),
  };
}

/** The recurring re-sync of a collection, as the scheduler stores it (SchedulesPort.upsert). */
export function syncScheduleName(collection: string): string {
  return `kb-sync-${collection}`;
}
