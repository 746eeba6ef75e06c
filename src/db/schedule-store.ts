import { Batcher } from '../core/batcher.ts';
import { uuidv7 } from '../core/ids.ts';
import type { ScheduleDefinition } from '../core/schedules.ts';
import type { Platform } from '../core/task.ts';
import type { AuditLog } from './audit-log.ts';
import type { Database } from './database.ts';

/** A stored schedule as the scheduler sees it: the definition, its id and when it last changed. */
export interface StoredSchedule extends ScheduleDefinition {
  id: string;
  /** Bumped by every change (cron, zone, pause, resume): fire times before it are never caught up. */
  updatedAt: string;
  lastRunAt: string | null;
}

const COLUMNS = `id, tenant_id, name, cron, timezone, platform, channel, command, text, args, created_by, enabled,
  reply_ref, last_run_at, updated_at`;

/**
 * The schedules table. Writes are audited; the scheduler reads every enabled schedule on each reload (a few
 * hundred rows at most), so there is no change feed to keep consistent.
 */
export class ScheduleStore {
  readonly #database: Database;
  readonly #audit: AuditLog;
  readonly #marks: Batcher<{ id: string; at: string }, undefined>;

  constructor(database: Database, audit: AuditLog) {
    this.#database = database;
    this.#audit = audit;
    // A thousand schedules due in one minute mark their runs in a few statements, not a thousand.
    this.#marks = new Batcher((marks) => this.#markMany(marks), { key: (mark) => mark.id });
  }

  async upsert(definition: ScheduleDefinition): Promise<StoredSchedule> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `insert into schedules (id, tenant_id, name, cron, timezone, platform, channel, command, text, args, created_by,
                              enabled, reply_ref)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13::jsonb)
       on conflict (tenant_id, name) do update set
         cron = excluded.cron, timezone = excluded.timezone, platform = excluded.platform,
         channel = excluded.channel, command = excluded.command, text = excluded.text, args = excluded.args,
         created_by = excluded.created_by, enabled = excluded.enabled, reply_ref = excluded.reply_ref,
         updated_at = clock_timestamp()
       returning ${COLUMNS}`,
      [
        uuidv7(),
        definition.tenantId,
        definition.name,
        definition.cron,
        definition.timezone,
        definition.platform,
        definition.channel,
        definition.command,
        definition.text,
        JSON.stringify(definition.args),
        definition.createdBy,
        definition.enabled,
        definition.replyRef ? JSON.stringify(definition.replyRef) : null,
      ],
    );
    const stored = toSchedule(rows[0] ?? {});
    await this.#audit.append({
      tenantId: definition.tenantId,
      actor: definition.createdBy,
      action: 'schedule-saved',
      target: definition.name,
      details: { cron: definition.cron, timezone: definition.timezone, command: definition.command },
    });
    return stored;
  }

  async remove(tenantId: string, name: string, actor: string): Promise<boolean> {
    const rows = await this.#database.sql(
      'delete from schedules where tenant_id = $1 and name = $2 returning id',
      [tenantId, name],
    );
    if (rows.length > 0) {
      await this.#audit.append({ tenantId, actor, action: 'schedule-removed', target: name });
    }
    return rows.length > 0;
  }

  async list(
    tenantId: string,
    where: { platform?: Platform; channel?: string } = {},
  ): Promise<StoredSchedule[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from schedules
        where tenant_id = $1 and ($2::text is null or platform = $2) and ($3::text is null or channel = $3)
        order by name`,
      [tenantId, where.platform ?? null, where.channel ?? null],
    );
    return rows.map(toSchedule);
  }

  /** Every enabled schedule of every tenant: what the scheduler keeps armed. */
  async enabled(): Promise<StoredSchedule[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from schedules where enabled order by tenant_id, name`,
    );
    return rows.map(toSchedule);
  }

  /** One schedule by tenant and name (digests use short names as their ids). */
  async byName(tenantId: string, name: string): Promise<StoredSchedule | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from schedules where tenant_id = $1 and name = $2`,
      [tenantId, name],
    );
    return rows[0] ? toSchedule(rows[0]) : null;
  }

  async byId(id: string): Promise<StoredSchedule | null> {
    if (!UUID.test(id)) return null;
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from schedules where id = $1`,
      [id],
    );
    return rows[0] ? toSchedule(rows[0]) : null;
  }

  /** Pauses or resumes; the change moves `updatedAt`, so fire times missed while paused are not caught up. */
  async setEnabled(
    tenantId: string,
    name: string,
    enabled: boolean,
    actor: string,
  ): Promise<StoredSchedule | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `update schedules set enabled = $3, updated_at = clock_timestamp() where tenant_id = $1 and name = $2
       returning ${COLUMNS}`,
      [tenantId, name, enabled],
    );
    if (!rows[0]) return null;
    await this.#audit.append({
      tenantId,
      actor,
      action: enabled ? 'schedule-resumed' : 'schedule-paused',
      target: name,
    });
    return toSchedule(rows[0]);
  }

  /** Records that a fire time ran (the latest wins); concurrent marks share one statement. */
  async markRun(id: string, at: Date): Promise<void> {
    await this.#marks.submit({ id, at: at.toISOString() });
  }

  async #markMany(marks: readonly { id: string; at: string }[]): Promise<undefined[]> {
    await this.#database.sql(
      `update schedules s set last_run_at = greatest(coalesce(s.last_run_at, m.at), m.at)
         from unnest($1::uuid[], $2::timestamptz[]) as m(id, at) where s.id = m.id`,
      [marks.map((mark) => mark.id), marks.map((mark) => mark.at)],
    );
    return marks.map(() => undefined);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function toSchedule(row: Record<string, unknown>): StoredSchedule {
  const args = json<Record<string, string> | null>(row.args);
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    name: String(row.name),
    cron: String(row.cron),
    timezone: String(row.timezone),
    platform: String(row.platform) as Platform,
    channel: String(row.channel),
    command: String(row.command),
    text: String(row.text ?? ''),
    args: (args ?? {}) as Record<string, string>,
    createdBy: String(row.created_by),
    enabled: Boolean(row.enabled),
    ...(row.reply_ref ? { replyRef: json(row.reply_ref) } : {}),
    lastRunAt: row.last_run_at ? new Date(row.last_run_at as string).toISOString() : null,
    updatedAt: new Date(row.updated_at as string).toISOString(),
  };
}
