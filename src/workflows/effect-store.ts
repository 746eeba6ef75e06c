import { uuidv7 } from '../core/ids.ts';
import type { Database } from '../db/database.ts';
import { fromJson, toDate } from './run-store.ts';

export interface EffectRow {
  runId: string;
  key: string;
  step: string;
  status: 'started' | 'succeeded' | 'failed';
  attempts: number;
  result: unknown;
}

export interface SignalRow {
  id: string;
  key: string;
  dedupeKey: string;
  payload: unknown;
  receivedAt: Date;
}

/**
 * Idempotency keys of side effects, and stored events. An effect's row is written (`started`) before the
 * call is made, and its result after; a run that finds `started` knows the call may have happened.
 */
export class EffectStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  /** Records the intent to call; returns the existing row instead when the key was used before. */
  async begin(runId: string, key: string, step: string): Promise<{ row: EffectRow; created: boolean }> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `insert into workflow_effects (run_id, key, step, status) values ($1, $2, $3, 'started')
       on conflict (run_id, key) do nothing returning run_id, key, step, status, attempts, result::text as result`,
      [runId, key, step],
    );
    if (rows[0]) return { row: toEffect(rows[0]), created: true };
    const existing = await this.#database.sql<Record<string, unknown>>(
      'select run_id, key, step, status, attempts, result::text as result from workflow_effects where run_id = $1 and key = $2',
      [runId, key],
    );
    if (!existing[0]) throw new Error(`effect ${key} vanished`);
    return { row: toEffect(existing[0]), created: false };
  }

  /** An effect found not to have happened (or that failed) is tried again: counts the attempt. */
  async retry(runId: string, key: string): Promise<void> {
    await this.#database.sql(
      `update workflow_effects set status = 'started', attempts = attempts + 1, error = null,
         started_at = clock_timestamp() where run_id = $1 and key = $2`,
      [runId, key],
    );
  }

  async succeed(runId: string, key: string, result: unknown): Promise<void> {
    await this.#database.sql(
      `update workflow_effects set status = 'succeeded', result = $3::jsonb, finished_at = clock_timestamp()
        where run_id = $1 and key = $2`,
      [runId, key, JSON.stringify(result ?? null)],
    );
  }

  async fail(runId: string, key: string, error: { code: string; message: string }): Promise<void> {
    await this.#database.sql(
      `update workflow_effects set status = 'failed', error = $3::jsonb, finished_at = clock_timestamp()
        where run_id = $1 and key = $2 and status = 'started'`,
      [runId, key, JSON.stringify(error)],
    );
  }

  /** How long ago (database clock) the effect's current attempt started. */
  async ageMs(runId: string, key: string): Promise<number> {
    const rows = await this.#database.sql<{ age: number | string }>(
      `select extract(epoch from clock_timestamp() - started_at) * 1000 as age
         from workflow_effects where run_id = $1 and key = $2`,
      [runId, key],
    );
    return Number(rows[0]?.age ?? Number.POSITIVE_INFINITY);
  }

  async ofRun(runId: string): Promise<EffectRow[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      'select run_id, key, step, status, attempts, result::text as result from workflow_effects where run_id = $1 order by started_at',
      [runId],
    );
    return rows.map(toEffect);
  }

  /** Stores an event once per dedupe key; null when it was stored before (a redelivered webhook). */
  async signal(key: string, dedupeKey: string, payload: unknown): Promise<SignalRow | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `insert into workflow_signals (id, key, dedupe_key, payload) values ($1, $2, $3, $4::jsonb)
       on conflict (dedupe_key) do nothing returning id, key, dedupe_key, payload::text as payload, received_at`,
      [uuidv7(), key, dedupeKey, JSON.stringify(payload ?? null)],
    );
    return rows[0] ? toSignal(rows[0]) : null;
  }

  async signalById(id: string): Promise<SignalRow | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      'select id, key, dedupe_key, payload::text as payload, received_at from workflow_signals where id = $1',
      [id],
    );
    return rows[0] ? toSignal(rows[0]) : null;
  }

  /** Every event stored under a key, oldest first (a step that starts waiting replays them). */
  async signals(key: string): Promise<SignalRow[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      'select id, key, dedupe_key, payload::text as payload, received_at from workflow_signals where key = $1 order by received_at, id',
      [key],
    );
    return rows.map(toSignal);
  }
}

function toEffect(row: Record<string, unknown>): EffectRow {
  return {
    runId: String(row.run_id),
    key: String(row.key),
    step: String(row.step),
    status: row.status as EffectRow['status'],
    attempts: Number(row.attempts),
    result: fromJson(row.result),
  };
}

function toSignal(row: Record<string, unknown>): SignalRow {
  return {
    id: String(row.id),
    key: String(row.key),
    dedupeKey: String(row.dedupe_key),
    payload: fromJson(row.payload),
    receivedAt: toDate(row.received_at),
  };
}
