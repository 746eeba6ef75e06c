import { Batcher } from '../core/batcher.ts';
import type { Database } from './database.ts';
import { AuditEntry } from './entities/index.ts';
import { transpose } from './sql-arrays.ts';

export interface AuditInput {
  tenantId: string;
  /** Who did it: `platform:user`, `cli`, `system`. */
  actor: string;
  /** Noun-verb: `role-granted`, `approval-decided`, `api-key-created`. */
  action: string;
  target?: string;
  details?: Record<string, unknown>;
}

/** The append-only audit log (the database refuses updates and deletes of its rows). */
export class AuditLog {
  readonly #database: Database;
  // Entries written on a request's hot path (an API key acting for someone) share one insert under load.
  readonly #batched: Batcher<AuditInput, undefined>;

  constructor(database: Database) {
    this.#database = database;
    this.#batched = new Batcher(async (entries) => {
      const rows = entries.map((entry) => [
        entry.tenantId,
        entry.actor,
        entry.action,
        entry.target ?? null,
        JSON.stringify(entry.details ?? {}),
      ]);
      await database.sql(
        `insert into audit_log (tenant_id, actor, action, target, details)
         select tenant_id, actor, action, target, details::jsonb
           from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
             as entry(tenant_id, actor, action, target, details)`,
        transpose(rows, 5),
      );
      return entries.map(() => undefined);
    });
  }

  async append(entry: AuditInput): Promise<void> {
    const em = this.#database.em();
    em.create(AuditEntry, {
      tenantId: entry.tenantId,
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      details: entry.details ?? {},
    });
    await em.flush();
  }

  /** The same as `append`, for hot paths: concurrent entries go to the database as one statement. */
  appendBatched(entry: AuditInput): Promise<void> {
    return this.#batched.submit(entry);
  }

  async recent(tenantId: string, limit = 50): Promise<AuditInput[]> {
    const rows = await this.#database.em().find(AuditEntry, { tenantId }, { orderBy: { id: 'desc' }, limit });
    return rows.map((row) => ({
      tenantId: row.tenantId,
      actor: row.actor,
      action: row.action,
      ...(row.target ? { target: row.target } : {}),
      details: row.details,
    }));
  }
}
