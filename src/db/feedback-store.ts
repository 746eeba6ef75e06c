import { uuidv7 } from '../core/ids.ts';
import type { KnowledgeAnswer, KnowledgeSource } from '../core/knowledge.ts';
import type { Platform } from '../core/task.ts';
import type { Database } from './database.ts';
import { textArray } from './knowledge-store.ts';

/**
 * What the knowledge base answered (per answer message) and the 👍/👎 people gave it, stored with the
 * question, the answer and its sources: an evaluation set that grows with use (`chatops kb feedback`).
 */
export interface StoredAnswer {
  messageId: string;
  tenantId: string;
  question: string;
  answer: string;
  mode: string;
  model: string | null;
  sources: CitedSource[];
  collections: string[];
}

/** A source as stored with an answer: enough to cite it and to check it later, without the chunk text. */
export interface CitedSource {
  number: number;
  collection: string;
  uri: string;
  title: string;
  headingPath: string[];
  chunkId: string;
  score: number;
}

export interface FeedbackEntry {
  messageId: string;
  userId: string;
  vote: 'up' | 'down';
  question: string | null;
  answer: string;
  sources: CitedSource[];
  platform: string;
  channel: string;
  updatedAt: string;
}

export function citedSources(sources: readonly KnowledgeSource[]): CitedSource[] {
  return sources.map(({ number, collection, uri, title, headingPath, chunkId, score }) => ({
    number,
    collection,
    uri,
    title,
    headingPath,
    chunkId,
    score,
  }));
}

export class FeedbackStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async recordAnswer(
    tenantId: string,
    messageId: string,
    question: string,
    answer: KnowledgeAnswer,
  ): Promise<void> {
    await this.#database.sql(
      `insert into kb_answers (message_id, tenant_id, question, answer, mode, model, sources, collections)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::text[])
       on conflict (message_id) do update set question = excluded.question, answer = excluded.answer,
         mode = excluded.mode, model = excluded.model, sources = excluded.sources, collections = excluded.collections`,
      [
        messageId,
        tenantId,
        question,
        answer.text,
        answer.mode,
        answer.model,
        JSON.stringify(citedSources(answer.sources)),
        answer.collections,
      ],
    );
  }

  async answer(messageId: string): Promise<StoredAnswer | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      'select * from kb_answers where message_id = $1',
      [messageId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      messageId: String(row.message_id),
      tenantId: String(row.tenant_id),
      question: String(row.question),
      answer: String(row.answer),
      mode: String(row.mode),
      model: row.model === null ? null : String(row.model),
      sources: json<CitedSource[]>(row.sources),
      collections: textArray(row.collections),
    };
  }

  /** One vote per person and message: voting again replaces the earlier vote. */
  async recordFeedback(input: {
    tenantId: string;
    messageId: string;
    platform: Platform;
    channel: string;
    userId: string;
    vote: 'up' | 'down';
    skill: string | null;
    question: string | null;
    answer: string;
    sources: CitedSource[];
  }): Promise<void> {
    await this.#database.sql(
      `insert into feedback (id, tenant_id, message_id, platform, channel, user_id, vote, skill, question, answer, sources)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)
       on conflict (message_id, user_id) do update set vote = excluded.vote, updated_at = now()`,
      [
        uuidv7(),
        input.tenantId,
        input.messageId,
        input.platform,
        input.channel,
        input.userId,
        input.vote,
        input.skill,
        input.question,
        input.answer,
        JSON.stringify(input.sources),
      ],
    );
  }

  async feedback(tenantId: string, limit = 1000): Promise<FeedbackEntry[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select message_id, user_id, vote, question, answer, sources, platform, channel, updated_at from feedback
       where tenant_id = $1 order by updated_at desc limit $2`,
      [tenantId, limit],
    );
    return rows.map((row) => ({
      messageId: String(row.message_id),
      userId: String(row.user_id),
      vote: row.vote === 'down' ? 'down' : 'up',
      question: row.question === null ? null : String(row.question),
      answer: String(row.answer),
      sources: json<CitedSource[]>(row.sources),
      platform: String(row.platform),
      channel: String(row.channel),
      updatedAt: new Date(
        String(row.updated_at instanceof Date ? row.updated_at.toISOString() : row.updated_at),
      ).toISOString(),
    }));
  }
}

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
