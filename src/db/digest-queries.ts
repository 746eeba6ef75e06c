import type { KnowledgeActivity, UsageSummary } from '../core/digests.ts';
import type { ReaderScope } from '../knowledge/domain.ts';
import type { Database } from './database.ts';
import { READABLE_COLLECTIONS, scopeParams } from './knowledge-search.ts';

/** A period as digests read it: after `start`, up to and including `end`. */
export interface Period {
  start: Date;
  end: Date;
}

const MAX_LISTED = 25;

/**
 * The reads behind the knowledge and usage digests, one statement per figure, each bounded by the period
 * and the tenant (indexes from migrations/Migration20261208300000_digests.ts). Documents come only from
 * collections the place may read (the knowledge base's own access rule, in the SQL); question texts only
 * from the digest's own channel unless an operator asked for every place, others are counted.
 */
export class DigestQueries {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async knowledgeActivity(
    scope: ReaderScope,
    place: { platform: string; channel: string },
    period: Period,
    questionsFrom: 'here' | 'all',
  ): Promise<KnowledgeActivity> {
    const range = [period.start.toISOString(), period.end.toISOString()];
    const documents = await this.#database.sql<Record<string, unknown>>(
      `select c.name as collection, d.title, d.uri, d.version, d.ingested_at
         from kb_documents d join kb_collections c on c.id = d.collection_id
        where ${READABLE_COLLECTIONS} and d.tenant_id = $1 and d.ingested_at > $6 and d.ingested_at <= $7
        order by d.ingested_at desc limit ${MAX_LISTED}`,
      [...scopeParams(scope), ...range],
    );
    const everywhere = questionsFrom === 'all';
    const unanswered = await this.#database.sql<Record<string, unknown>>(
      `select a.question, a.created_at, ($5::boolean or (m.platform = $2 and m.channel = $3)) as shown
         from kb_answers a left join messages m on m.id = a.message_id
        where a.tenant_id = $1 and a.mode = 'unknown' and a.created_at > $4 and a.created_at <= $6
        order by a.created_at desc limit 200`,
      [scope.tenantId, place.platform, place.channel, range[0], everywhere, range[1]],
    );
    const downvoted = await this.#database.sql<Record<string, unknown>>(
      `select max(f.question) as question, max(f.updated_at) as at, count(*) as votes,
              bool_or($5::boolean or (f.platform = $2 and f.channel = $3)) as shown
         from feedback f
        where f.tenant_id = $1 and f.vote = 'down' and f.updated_at > $4 and f.updated_at <= $6
        group by f.message_id order by max(f.updated_at) desc limit 200`,
      [scope.tenantId, place.platform, place.channel, range[0], everywhere, range[1]],
    );
    const shown = (rows: Record<string, unknown>[]) => rows.filter((row) => row.shown === true);
    return {
      documents: documents.map((row) => ({
        collection: String(row.collection),
        title: String(row.title),
        uri: String(row.uri),
        change: Number(row.version) > 1 ? 'updated' : 'added',
        version: Number(row.version),
        at: iso(row.ingested_at),
      })),
      unanswered: shown(unanswered)
        .slice(0, MAX_LISTED)
        .map((row) => ({ question: String(row.question), at: iso(row.created_at), votes: 0 })),
      unansweredElsewhere: unanswered.length - shown(unanswered).length,
      downvoted: shown(downvoted)
        .slice(0, MAX_LISTED)
        .map((row) => ({ question: String(row.question ?? ''), at: iso(row.at), votes: Number(row.votes) })),
      downvotedElsewhere: downvoted.length - shown(downvoted).length,
    };
  }

  async usage(tenantId: string, period: Period): Promise<UsageSummary> {
    const range = [tenantId, period.start.toISOString(), period.end.toISOString()];
    const bySkill = await this.#database.sql<Record<string, unknown>>(
      `select coalesce(skill, '(unrouted)') as skill, count(*) as tasks,
              count(*) filter (where status = 'failed') as failed
         from tasks where tenant_id = $1 and received_at > $2 and received_at <= $3
        group by 1 order by 2 desc, 1`,
      range,
    );
    const failures = await this.#database.sql<Record<string, unknown>>(
      `select coalesce(error->>'code', 'UNKNOWN') as code, count(*) as count
         from tasks where tenant_id = $1 and received_at > $2 and received_at <= $3 and status = 'failed'
        group by 1 order by 2 desc, 1 limit 10`,
      range,
    );
    const model = await this.#database.sql<Record<string, unknown>>(
      `select count(*) as calls, coalesce(sum(input_tokens), 0) as input, coalesce(sum(output_tokens), 0) as output,
              coalesce(sum(cache_read_tokens), 0) as cache_read, coalesce(sum(cache_write_tokens), 0) as cache_write,
              coalesce(sum(cost_usd), 0) as cost
         from llm_usage where tenant_id = $1 and created_at > $2 and created_at <= $3`,
      range,
    );
    const totals = model[0] ?? {};
    const skills = bySkill.map((row) => ({
      skill: String(row.skill),
      tasks: Number(row.tasks),
      failed: Number(row.failed),
    }));
    return {
      tasks: skills.reduce((sum, row) => sum + row.tasks, 0),
      failed: skills.reduce((sum, row) => sum + row.failed, 0),
      bySkill: skills,
      failures: failures.map((row) => ({ code: String(row.code), count: Number(row.count) })),
      model: {
        calls: Number(totals.calls ?? 0),
        inputTokens: Number(totals.input ?? 0),
        outputTokens: Number(totals.output ?? 0),
        cacheReadTokens: Number(totals.cache_read ?? 0),
        cacheWriteTokens: Number(totals.cache_write ?? 0),
        costUsd: Number(totals.cost ?? 0),
      },
    };
  }
}

function iso(value: unknown): string {
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}
