import type { Database } from './database.ts';

export type DigestRunStatus = 'claimed' | 'sending' | 'posted' | 'skipped' | 'unknown';

export interface DigestRun {
  scheduleId: string;
  periodKey: string;
  tenantId: string;
  taskId: string;
  status: DigestRunStatus;
  fireTime: Date;
  periodStart: Date;
  periodEnd: Date;
  catchUp: boolean;
  /** Sends started so far (the compare-and-set token of the next one). */
  attempts: number;
  messageId: string | null;
  platformMessageId: string | null;
  figures: Record<string, number>;
  sendingAt: Date | null;
  postedAt: Date | null;
  updatedAt: Date;
}

export interface DigestClaim {
  scheduleId: string;
  periodKey: string;
  tenantId: string;
  taskId: string;
  fireTime: Date;
  periodStart: Date;
  periodEnd: Date;
  catchUp: boolean;
}

const COLUMNS = `schedule_id, period_key, tenant_id, task_id, status, fire_time, period_start, period_end, catch_up,
  attempts, message_id, platform_message_id, figures, sending_at, posted_at, updated_at`;

/**
 * The digest runs ledger: one row per schedule and period, claimed before anything is built or posted. The
 * row carries the send's state so a second attempt knows whether a post may already be in the channel:
 * `sending` means a send started and its outcome was not recorded (a crash, a timeout, a lost response),
 * so the channel is looked at before posting again; `unknown` means it could not be looked at (Teams) and
 * is held rather than risk a second post. Every transition is one conditional statement.
 */
export class DigestRunStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  /** Claims the period; `claimed` is false when a run for it already exists (returned as it stands). */
  async claim(input: DigestClaim): Promise<{ run: DigestRun; claimed: boolean }> {
    const inserted = await this.#database.sql<Record<string, unknown>>(
      `insert into digest_runs (schedule_id, period_key, tenant_id, task_id, status, fire_time, period_start,
                                period_end, catch_up)
       values ($1, $2, $3, $4, 'claimed', $5, $6, $7, $8)
       on conflict (schedule_id, period_key) do nothing returning ${COLUMNS}`,
      [
        input.scheduleId,
        input.periodKey,
        input.tenantId,
        input.taskId,
        input.fireTime.toISOString(),
        input.periodStart.toISOString(),
        input.periodEnd.toISOString(),
        input.catchUp,
      ],
    );
    if (inserted[0]) return { run: toRun(inserted[0]), claimed: true };
    const existing = await this.get(input.scheduleId, input.periodKey);
    if (!existing) throw new Error(`digest run ${input.scheduleId}/${input.periodKey} vanished`);
    return { run: existing, claimed: false };
  }

  async get(scheduleId: string, periodKey: string): Promise<DigestRun | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from digest_runs where schedule_id = $1 and period_key = $2`,
      [scheduleId, periodKey],
    );
    return rows[0] ? toRun(rows[0]) : null;
  }

  /**
   * Starts a send: the one caller whose `attempts` still matches wins (a second worker on the same run
   * gets null and must not send). The message to be posted is recorded with it.
   */
  async beginSend(
    run: DigestRun,
    messageId: string,
    figures: Record<string, number>,
  ): Promise<DigestRun | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `update digest_runs set status = 'sending', attempts = attempts + 1, message_id = $4, figures = $5::jsonb,
              sending_at = clock_timestamp(), updated_at = now()
        where schedule_id = $1 and period_key = $2 and attempts = $3 and status in ('claimed', 'sending')
        returning ${COLUMNS}`,
      [run.scheduleId, run.periodKey, run.attempts, messageId, JSON.stringify(figures)],
    );
    return rows[0] ? toRun(rows[0]) : null;
  }

  /** The platform took the post (or it was found in the channel). */
  async posted(run: DigestRun, platformMessageId: string | null): Promise<void> {
    await this.#database.sql(
      `update digest_runs set status = 'posted', platform_message_id = $3,
              posted_at = coalesce(posted_at, clock_timestamp()), updated_at = now()
        where schedule_id = $1 and period_key = $2`,
      [run.scheduleId, run.periodKey, platformMessageId],
    );
  }

  /** Nothing happened in the period and the schedule skips quiet periods. */
  async skipped(run: DigestRun, figures: Record<string, number>): Promise<void> {
    await this.#set(run, 'skipped', { figures: JSON.stringify(figures) });
  }

  /** The send surely did not reach the platform: the next attempt sends without looking first. */
  async notSent(run: DigestRun): Promise<void> {
    await this.#set(run, 'claimed', {});
  }

  /** The send's outcome is unknown and the platform cannot be read back: held, never posted twice. */
  async held(run: DigestRun): Promise<void> {
    await this.#set(run, 'unknown', {});
  }

  /** The latest run of each schedule (for listings). */
  async latest(scheduleIds: readonly string[]): Promise<Map<string, DigestRun>> {
    if (scheduleIds.length === 0) return new Map();
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select distinct on (schedule_id) ${COLUMNS} from digest_runs where schedule_id = any($1::uuid[])
        order by schedule_id, period_end desc, updated_at desc`,
      [scheduleIds],
    );
    return new Map(rows.map((row) => [String(row.schedule_id), toRun(row)]));
  }

  async #set(run: DigestRun, status: DigestRunStatus, columns: Record<string, string | null>): Promise<void> {
    const names = Object.keys(columns);
    const assignments = names.map((name, index) =>
      name === 'figures' ? `${name} = $${index + 4}::jsonb` : `${name} = $${index + 4}`,
    );
    await this.#database.sql(
      `update digest_runs set status = $3, ${[...assignments, 'updated_at = now()'].join(', ')}
        where schedule_id = $1 and period_key = $2`,
      [run.scheduleId, run.periodKey, status, ...names.map((name) => columns[name] ?? null)],
    );
  }
}

function date(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

function toRun(row: Record<string, unknown>): DigestRun {
  const figures = typeof row.figures === 'string' ? JSON.parse(row.figures) : row.figures;
  return {
    scheduleId: String(row.schedule_id),
    periodKey: String(row.period_key),
    tenantId: String(row.tenant_id),
    taskId: String(row.task_id),
    status: row.status as DigestRunStatus,
    fireTime: date(row.fire_time),
    periodStart: date(row.period_start),
    periodEnd: date(row.period_end),
    catchUp: Boolean(row.catch_up),
    attempts: Number(row.attempts),
    messageId: (row.message_id as string | null) ?? null,
    platformMessageId: (row.platform_message_id as string | null) ?? null,
    figures: (figures ?? {}) as Record<string, number>,
    sendingAt: row.sending_at ? date(row.sending_at) : null,
    postedAt: row.posted_at ? date(row.posted_at) : null,
    updatedAt: date(row.updated_at),
  };
}
