import type { Platform } from '../core/task.ts';
import { conversationId } from './conversation-id.ts';
import type { Database } from './database.ts';

export interface ThreadEntry {
  seq: number;
  author: 'user' | 'bot';
  authorName: string;
  text: string;
  skill: string | null;
  taskId: string | null;
}

export interface ThreadAddress {
  tenantId: string;
  platform: Platform;
  channel: string;
  thread: string;
}

/**
 * What the supervisor remembers of a thread: its messages (oldest first), a summary of the older ones, and
 * the skill that answered last (sticky routing).
 */
export class ThreadMemoryStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  /** The latest `limit` messages of the thread, oldest first; progress-only bot messages are left out. */
  async recent(address: ThreadAddress, limit: number): Promise<ThreadEntry[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select seq, author_kind, author_name, text, skill, task_id from (
         select seq, author_kind, author_name, text, skill, task_id from messages
          where conversation_id = $1
            and not (author_kind = 'bot' and reply is not null and reply->'blocks'->0->>'type' = 'progress')
          order by seq desc limit $2) latest
        order by seq`,
      [idOf(address), limit],
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      author: row.author_kind as 'user' | 'bot',
      authorName: String(row.author_name),
      text: String(row.text),
      skill: (row.skill as string | null) ?? null,
      taskId: (row.task_id as string | null) ?? null,
    }));
  }

  /** Messages older than `beforeSeq` and newer than `afterSeq` (what a summary must cover). */
  async between(
    address: ThreadAddress,
    afterSeq: number,
    beforeSeq: number,
    limit = 400,
  ): Promise<ThreadEntry[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select seq, author_kind, author_name, text, skill, task_id from messages
        where conversation_id = $1 and seq > $2 and seq < $3 order by seq limit $4`,
      [idOf(address), afterSeq, beforeSeq, limit],
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      author: row.author_kind as 'user' | 'bot',
      authorName: String(row.author_name),
      text: String(row.text),
      skill: (row.skill as string | null) ?? null,
      taskId: (row.task_id as string | null) ?? null,
    }));
  }

  async summary(address: ThreadAddress): Promise<{ throughSeq: number; summary: string } | null> {
    const rows = await this.#database.sql<{ through_seq: string | number; summary: string }>(
      'select through_seq, summary from conversation_summaries where conversation_id = $1',
      [idOf(address)],
    );
    const row = rows[0];
    return row ? { throughSeq: Number(row.through_seq), summary: row.summary } : null;
  }

  async saveSummary(address: ThreadAddress, throughSeq: number, summary: string): Promise<void> {
    await this.#database.sql(
      `insert into conversation_summaries (conversation_id, through_seq, summary) values ($1, $2, $3)
       on conflict (conversation_id) do update set through_seq = excluded.through_seq, summary = excluded.summary,
         updated_at = now() where conversation_summaries.through_seq < excluded.through_seq`,
      [idOf(address), throughSeq, summary],
    );
  }

  async stickySkill(address: ThreadAddress): Promise<string | null> {
    const rows = await this.#database.sql<{ skill: string | null }>(
      'select skill from conversations where id = $1',
      [idOf(address)],
    );
    return rows[0]?.skill ?? null;
  }
}

function idOf(address: ThreadAddress): string {
  return conversationId(address.tenantId, address.platform, address.channel, address.thread);
}
