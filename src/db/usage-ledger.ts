import type { TokenUsage } from '../core/language-model.ts';
import type { Database } from './database.ts';

export interface UsageEntry {
  taskId: string | null;
  tenantId: string;
  purpose: string;
  model: string;
  usage: TokenUsage;
  costUsd: number;
  durationMs: number;
}

export interface TaskUsage extends TokenUsage {
  calls: number;
  costUsd: number;
  models: string[];
}

/** Model usage and estimated cost per call, summed per task for the API, the console and reports. */
export class UsageLedger {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async record(entry: UsageEntry): Promise<void> {
    await this.#database.sql(
      `insert into llm_usage (task_id, tenant_id, purpose, model, input_tokens, output_tokens, cache_read_tokens,
                              cache_write_tokens, cost_usd, duration_ms)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        entry.taskId,
        entry.tenantId,
        entry.purpose,
        entry.model,
        entry.usage.inputTokens,
        entry.usage.outputTokens,
        entry.usage.cacheReadTokens,
        entry.usage.cacheWriteTokens,
        entry.costUsd,
        entry.durationMs,
      ],
    );
  }

  async forTask(taskId: string): Promise<TaskUsage> {
    const rows = await this.#database.sql<Record<string, string | number | null>>(
      `select count(*) as calls, coalesce(sum(input_tokens), 0) as input, coalesce(sum(output_tokens), 0) as output,
              coalesce(sum(cache_read_tokens), 0) as cache_read, coalesce(sum(cache_write_tokens), 0) as cache_write,
              coalesce(sum(cost_usd), 0) as cost, string_agg(distinct model, ',') as models
         from llm_usage where task_id = $1`,
      [taskId],
    );
    const row = rows[0] ?? {};
    return {
      calls: Number(row.calls ?? 0),
      inputTokens: Number(row.input ?? 0),
      outputTokens: Number(row.output ?? 0),
      cacheReadTokens: Number(row.cache_read ?? 0),
      cacheWriteTokens: Number(row.cache_write ?? 0),
      costUsd: Number(row.cost ?? 0),
      models: row.models ? String(row.models).split(',') : [],
    };
  }
}
