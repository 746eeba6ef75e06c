import type { InboundMessage } from '../core/ports.ts';
import type { Task, TaskStatus } from '../core/task.ts';
import { conversationId } from './conversation-id.ts';
import type { Database } from './database.ts';

export interface RecordedTask {
  task: Task;
  created: boolean;
  /** The ledger's status: a duplicate of a task that is still queued may need enqueueing again. */
  status: TaskStatus;
}

interface LedgerHit {
  created: boolean;
  payload: Task | string;
  status: TaskStatus;
}

export interface TaskRow {
  id: string;
  status: TaskStatus;
  skill: string | null;
  attempts: number;
  payload: Task;
  error: { code: string; message: string; remedy?: string } | null;
  receivedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/**
 * The task ledger's hot statements, each one round trip. Recording is one atomic statement: the task
 * (unless its source event is already known), its conversation and the user's message.
 */
export class TaskLedger {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async record(task: Task, message?: InboundMessage): Promise<RecordedTask> {
    // The user's message lives in the conversation the replies go to, so a thread shows both sides even when
    // the request came from elsewhere (an MCP client, the scheduler) than where it is answered.
    const where = task.replyTo;
    const conversation = conversationId(task.tenantId, where.platform, where.channel, where.thread);
    const rows = await this.#database.sql<LedgerHit>(
      `with new_task as (
         insert into tasks (id, tenant_id, platform, source_event_id, kind, status, user_id, channel, thread, payload, received_at)
         values ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $9::jsonb, $10)
         on conflict (platform, source_event_id) do nothing
         returning id, payload, status
       ), new_conversation as (
         insert into conversations (id, tenant_id, platform, channel, thread)
         select $11, $2, $15, $16, $17 from new_task
         on conflict (id) do nothing
       ), user_message as (
         insert into messages (id, conversation_id, tenant_id, platform, channel, thread, author_kind, author_id, author_name, text, task_id)
         select $12::uuid, $11, $2, $15, $16, $17, 'user', $6, $13, $14, $1 from new_task where $12::uuid is not null
       )
       select true as created, payload, status from new_task
       union all
       select false as created, payload, status from tasks
        where platform = $3 and source_event_id = $4 and not exists (select 1 from new_task)`,
      [
        task.id,
        task.tenantId,
        task.platform,
        task.sourceEventId,
        task.kind,
        task.user.id,
        task.channel,
        task.thread,
        JSON.stringify(task),
        task.receivedAt,
        conversation,
        message?.id ?? null,
        task.user.name ?? task.user.id,
        message?.text ?? '',
        where.platform,
        where.channel,
        where.thread,
      ],
    );
    const row = rows[0] ?? (await this.#findBySource(task));
    return { task: parsePayload(row.payload), created: row.created, status: row.status };
  }

  // A concurrent duplicate commits after this statement's snapshot: the conflict is seen, the row is not.
  async #findBySource(task: Task): Promise<LedgerHit> {
    const rows = await this.#database.sql<{ payload: Task | string; status: TaskStatus }>(
      'select payload, status from tasks where platform = $1 and source_event_id = $2',
      [task.platform, task.sourceEventId],
    );
    const row = rows[0];
    if (!row) throw new Error(`task ledger lost the row for ${task.platform}/${task.sourceEventId}`);
    return { created: false, payload: row.payload, status: row.status };
  }

  /** Marks a task running; returns its attempt number, or null when it already ended (a duplicate run). */
  async start(taskId: string): Promise<number | null> {
    const rows = await this.#database.sql<{ attempts: number }>(
      `update tasks set status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()), updated_at = now()
        where id = $1 and status in ('queued', 'running') returning attempts`,
      [taskId],
    );
    return rows[0]?.attempts ?? null;
  }

  /**
   * Ends a running task. `threadSkill` makes the task's thread stick to the skill that answered (sticky
   * routing), in the same statement: one round trip and one commit on the hot path instead of two.
   */
  async finish(
    taskId: string,
    status: 'succeeded' | 'failed' | 'awaiting_approval',
    skill: string | null,
    error?: { code: string; message: string; remedy?: string },
    threadSkill?: { task: Task; skill: string },
  ): Promise<void> {
    const thread = threadSkill?.task;
    await this.#database.sql(
      `with finished as (
         update tasks set status = $2, skill = coalesce($3, skill), error = $4::jsonb, finished_at = now(), updated_at = now()
          where id = $1 and status = 'running' returning id
       )
       update conversations set skill = $6, updated_at = now()
        where $5::text is not null and id = $5 and skill is distinct from $6 and exists (select 1 from finished)`,
      [
        taskId,
        status,
        skill,
        error ? JSON.stringify(error) : null,
        thread
          ? conversationId(
              thread.tenantId,
              thread.replyTo.platform,
              thread.replyTo.channel,
              thread.replyTo.thread,
            )
          : null,
        threadSkill?.skill ?? null,
      ],
    );
  }

  /**
   * Ends a task that was waiting for approvals, once they are all decided (and executed or not). Only a
   * task still `awaiting_approval` changes; returns whether it did.
   */
  async settleAwaiting(
    taskId: string,
    status: 'succeeded' | 'failed',
    error?: { code: string; message: string; remedy?: string },
  ): Promise<boolean> {
    const rows = await this.#database.sql<{ id: string }>(
      `update tasks set status = $2, error = $3::jsonb, finished_at = now(), updated_at = now()
        where id = $1 and status = 'awaiting_approval' returning id`,
      [taskId, status, error ? JSON.stringify(error) : null],
    );
    return rows.length > 0;
  }

  /** Puts a task back to queued before a retry, keeping the error that caused it. */
  async release(taskId: string, error: { code: string; message: string }): Promise<void> {
    await this.#database.sql(
      `update tasks set status = 'queued', error = $2::jsonb, updated_at = now() where id = $1 and status = 'running'`,
      [taskId, JSON.stringify(error)],
    );
  }

  async get(taskId: string): Promise<TaskRow | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select id, status, skill, attempts, payload, error, received_at, started_at, finished_at from tasks where id = $1`,
      [taskId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: String(row.id),
      status: row.status as TaskStatus,
      skill: (row.skill as string | null) ?? null,
      attempts: Number(row.attempts),
      payload: parsePayload(row.payload as Task | string),
      error: (row.error as TaskRow['error']) ?? null,
      receivedAt: new Date(row.received_at as string),
      startedAt: row.started_at ? new Date(row.started_at as string) : null,
      finishedAt: row.finished_at ? new Date(row.finished_at as string) : null,
    };
  }

  /** Queued tasks not touched for a while: their enqueue may have been lost (Redis down at the time). */
  async stale(olderThanSeconds: number, limit: number): Promise<Task[]> {
    const rows = await this.#database.sql<{ payload: Task | string }>(
      `select payload from tasks where status = 'queued' and updated_at < now() - make_interval(secs => $1)
        order by updated_at limit $2`,
      [olderThanSeconds, limit],
    );
    return rows.map((row) => parsePayload(row.payload));
  }

  /** Marks a stale task as seen so the sweeper does not re-enqueue it on every pass. */
  async touch(taskId: string): Promise<void> {
    await this.#database.sql(`update tasks set updated_at = now() where id = $1 and status = 'queued'`, [
      taskId,
    ]);
  }
}

// pg parses jsonb; PGlite too, but a driver may hand back text: accept both.
function parsePayload(payload: Task | string): Task {
  return typeof payload === 'string' ? (JSON.parse(payload) as Task) : payload;
}
