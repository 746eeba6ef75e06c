import { Batcher } from '../core/batcher.ts';
import type { InboundMessage } from '../core/ports.ts';
import type { Task, TaskStatus } from '../core/task.ts';
import type { Database, SqlFunction } from './database.ts';
import {
  type FinishInput,
  finishTask,
  finishTasks,
  type LedgerHit,
  type RecordInput,
  recordTask,
  recordTasks,
  type StartInput,
  type StartResult,
  startTask,
  startTasks,
} from './ledger-statements.ts';

export type { StartResult } from './ledger-statements.ts';

export interface RecordedTask {
  task: Task;
  created: boolean;
  /** The ledger's status: a duplicate of a task that is still queued may need enqueueing again. */
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
 * The task ledger. Its three hot statements (record, start, finish) are batched: concurrent calls share one
 * statement and one commit (see Batcher and ledger-statements.ts); each call still gets its own answer.
 */
export class TaskLedger {
  readonly #database: Database;
  readonly #record: Batcher<RecordInput, LedgerHit>;
  readonly #start: Batcher<StartInput, StartResult>;
  readonly #finish: Batcher<FinishInput, undefined>;

  constructor(database: Database) {
    this.#database = database;
    const sql: SqlFunction = (text, params) => database.sql(text, params);
    // A source event or a task appears at most once per batch, so a batch never races with itself.
    this.#record = new Batcher((inputs) => recordTasks(sql, inputs), {
      one: (input) => recordTask(sql, input),
      key: ({ task }) => `${task.platform}\u0000${task.sourceEventId}`,
    });
    this.#start = new Batcher((tasks) => startTasks(sql, tasks), {
      one: (task) => startTask(sql, task),
      key: (task) => task.id,
    });
    this.#finish = new Batcher((inputs) => finishTasks(sql, inputs), {
      one: (input) => finishTask(sql, input),
      key: (input) => input.taskId,
    });
  }

  async record(task: Task, message?: InboundMessage): Promise<RecordedTask> {
    const hit = await this.#record.submit({ task, message });
    if (hit.created) return { task, created: true, status: 'queued' };
    const row = hit.payload === null || hit.status === null ? await this.#findBySource(task) : hit;
    return {
      task: parsePayload(row.payload as Task | string),
      created: row.created,
      status: row.status as TaskStatus,
    };
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

  /** Marks a task running: its attempt number, or why it did not start (see StartResult). */
  start(task: Task): Promise<StartResult> {
    return this.#start.submit({ id: task.id, platform: task.platform, sourceEventId: task.sourceEventId });
  }

  /**
   * Ends a running task. `threadSkill` makes the task's thread stick to the skill that answered (sticky
   * routing), in the same statement.
   */
  finish(
    taskId: string,
    status: 'succeeded' | 'failed' | 'awaiting_approval',
    skill: string | null,
    error?: { code: string; message: string; remedy?: string },
    threadSkill?: { task: Task; skill: string },
  ): Promise<void> {
    return this.#finish.submit({ taskId, status, skill, error, threadSkill });
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

  /**
   * Queued tasks not touched for a while: their enqueue may have been lost (Redis down at the time), or they
   * can never run. The payload is handed back as stored, unchecked: the sweeper checks it.
   */
  async stale(olderThanSeconds: number, limit: number): Promise<StaleTask[]> {
    const rows = await this.#database.sql<{ id: string; payload: unknown; requeues: number }>(
      `select id, payload, requeues from tasks where status = 'queued'
          and updated_at < now() - make_interval(secs => $1)
        order by updated_at limit $2`,
      [olderThanSeconds, limit],
    );
    return rows.map((row) => ({
      id: String(row.id),
      payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as unknown) : row.payload,
      requeues: Number(row.requeues),
    }));
  }

  /**
   * Marks a stale task as seen so the sweeper does not look at it on every pass; `requeued` counts one more
   * re-add of its job.
   */
  async touch(taskId: string, requeued = false): Promise<void> {
    await this.#database.sql(
      `update tasks set updated_at = now(), requeues = requeues + $2 where id = $1 and status = 'queued'`,
      [taskId, requeued ? 1 : 0],
    );
  }

  /**
   * Fails a queued task that can never run (its payload is invalid, or its job keeps vanishing). Only a task
   * still queued changes, so of several sweepers one wins, and only it tells the person.
   */
  async abandon(taskId: string, error: { code: string; message: string; remedy?: string }): Promise<boolean> {
    const rows = await this.#database.sql<{ id: string }>(
      `update tasks set status = 'failed', error = $2::jsonb, finished_at = now(), updated_at = now()
        where id = $1 and status = 'queued' returning id`,
      [taskId, JSON.stringify(error)],
    );
    return rows.length > 0;
  }
}

/** A queued task the sweeper looks at: its id, its stored payload (maybe not a valid Task) and its requeues. */
export interface StaleTask {
  id: string;
  payload: unknown;
  requeues: number;
}

// pg parses jsonb; PGlite too, but a driver may hand back text: accept both.
function parsePayload(payload: Task | string): Task {
  return typeof payload === 'string' ? (JSON.parse(payload) as Task) : payload;
}
