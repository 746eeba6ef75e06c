import type { Database } from './database.ts';
import { AuditEntry } from './entities/index.ts';

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

  constructor(database: Database) {
    this.#database = database;
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
