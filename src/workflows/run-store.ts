import type { Task } from '../core/task.ts';
import type { WorkflowRunStatus } from '../core/workflow-definition.ts';
import type { Database } from '../db/database.ts';

/** A run as stored. `phase` is where it is: forward, forward.finally, compensation, compensation.finally. */
export interface RunRow {
  id: string;
  tenantId: string;
  definition: string;
  skill: string;
  title: string;
  status: WorkflowRunStatus;
  phase: string;
  outcome: WorkflowRunStatus | null;
  input: unknown;
  origin: Task;
  startKey: string;
  requestedBy: string;
  error: { code: string; message: string; step?: string } | null;
  compensable: boolean;
  cancelRequestedBy: string | null;
  progressMessageId: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface NewRun {
  id: string;
  tenantId: string;
  definition: string;
  skill: string;
  title: string;
  input: unknown;
  origin: Task;
  startKey: string;
  requestedBy: string;
}

export interface RunFilter {
  definition?: string;
  status?: WorkflowRunStatus;
  /** Runs asked for by this `platform:user`. */
  requestedBy?: string;
  limit?: number;
  /** Runs created before this one (paging, newest first). */
  before?: string;
}

// JSON columns are read as text and parsed here: a driver hands back a JSON string value as a plain string,
// which could not be told apart from JSON text.
export const RUN_COLUMNS = `id, tenant_id, definition, skill, title, status, phase, outcome, input::text as input,
  origin::text as origin, start_key, requested_by, error::text as error, compensable, cancel_requested_by, progress_message_id, created_at, updated_at, finished_at`;

/** The workflow_runs table. */
export class RunStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  /** Creates the run, or returns the one this start key already created (a repeated request). */
  async create(run: NewRun): Promise<{ run: RunRow; created: boolean }> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `insert into workflow_runs (id, tenant_id, definition, skill, title, status, phase, input, origin, start_key, requested_by)
       values ($1, $2, $3, $4, $5, 'running', 'forward', $6::jsonb, $7::jsonb, $8, $9)
       on conflict (tenant_id, start_key) do nothing returning ${RUN_COLUMNS}`,
      [
        run.id,
        run.tenantId,
        run.definition,
        run.skill,
        run.title,
        JSON.stringify(run.input ?? null),
        JSON.stringify(run.origin),
        run.startKey,
        run.requestedBy,
      ],
    );
    if (rows[0]) return { run: toRun(rows[0]), created: true };
    const existing = await this.#database.sql<Record<string, unknown>>(
      `select ${RUN_COLUMNS} from workflow_runs where tenant_id = $1 and start_key = $2`,
      [run.tenantId, run.startKey],
    );
    if (!existing[0]) throw new Error(`workflow run ${run.startKey} vanished`);
    return { run: toRun(existing[0]), created: false };
  }

  async get(id: string): Promise<RunRow | null> {
    if (!UUID.test(id)) return null;
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${RUN_COLUMNS} from workflow_runs where id = $1`,
      [id],
    );
    return rows[0] ? toRun(rows[0]) : null;
  }

  /**
   * Moves a running run on from phase `from` (compare-and-set: false when another worker moved it first,
   * or it ended); returns the run as stored after the move.
   */
  async move(
    id: string,
    from: string,
    change: Partial<Pick<RunRow, 'status' | 'phase' | 'outcome' | 'error' | 'compensable'>> & {
      finished?: boolean;
    },
  ): Promise<RunRow | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `update workflow_runs set
         status = coalesce($2, status), phase = coalesce($3, phase),
         outcome = case when $4::boolean then $5 else outcome end,
         error = case when $6::boolean then $7::jsonb else error end,
         compensable = coalesce($8, compensable),
         finished_at = case when $9::boolean then clock_timestamp() else finished_at end,
         updated_at = clock_timestamp()
       where id = $1 and phase = $10 and finished_at is null returning ${RUN_COLUMNS}`,
      [
        id,
        change.status ?? null,
        change.phase ?? null,
        'outcome' in change,
        change.outcome ?? null,
        'error' in change,
        change.error ? JSON.stringify(change.error) : null,
        change.compensable ?? null,
        change.finished ?? false,
        from,
      ],
    );
    return rows[0] ? toRun(rows[0]) : null;
  }

  /** Asks a running run to stop; false when it already ended (or a cancel was already asked for). */
  async requestCancel(id: string, by: string): Promise<boolean> {
    const rows = await this.#database.sql(
      `update workflow_runs set cancel_requested_by = $2, updated_at = clock_timestamp()
        where id = $1 and status = 'running' and phase = 'forward' and cancel_requested_by is null returning id`,
      [id, by],
    );
    return rows.length > 0;
  }

  /** Starts the rollback of a failed run that offers one; false when it is not (or no longer) possible. */
  async startCompensation(id: string): Promise<boolean> {
    const rows = await this.#database.sql(
      `update workflow_runs set status = 'compensating', phase = 'compensation', outcome = null,
         compensable = false, finished_at = null, updated_at = clock_timestamp()
        where id = $1 and status = 'failed' and compensable returning id`,
      [id],
    );
    return rows.length > 0;
  }

  async setProgressMessage(id: string, messageId: string): Promise<void> {
    await this.#database.sql(
      'update workflow_runs set progress_message_id = coalesce(progress_message_id, $2) where id = $1',
      [id, messageId],
    );
  }

  async list(tenantId: string, filter: RunFilter = {}): Promise<RunRow[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${RUN_COLUMNS} from workflow_runs
        where tenant_id = $1 and ($2::text is null or definition = $2) and ($3::text is null or status = $3)
          and ($4::text is null or requested_by = $4) and ($5::uuid is null or id < $5)
        order by id desc limit $6`,
      [
        tenantId,
        filter.definition ?? null,
        filter.status ?? null,
        filter.requestedBy ?? null,
        filter.before && UUID.test(filter.before) ? filter.before : null,
        Math.min(Math.max(filter.limit ?? 50, 1), 500),
      ],
    );
    return rows.map(toRun);
  }

  /** Runs that are still going but whose last change is older than `seconds` (the sweeper looks at them). */
  async quiet(seconds: number, limit = 200): Promise<string[]> {
    const rows = await this.#database.sql<{ id: string }>(
      `select id from workflow_runs where status in ('running', 'compensating')
          and updated_at < clock_timestamp() - make_interval(secs => $1) order by updated_at limit $2`,
      [seconds, limit],
    );
    return rows.map((row) => row.id);
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function json<T>(value: unknown): T {
  return (value === null || value === undefined ? null : JSON.parse(String(value))) as T;
}

function date(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

export function toRun(row: Record<string, unknown>): RunRow {
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    definition: String(row.definition),
    skill: String(row.skill),
    title: String(row.title),
    status: row.status as WorkflowRunStatus,
    phase: String(row.phase),
    outcome: (row.outcome as WorkflowRunStatus | null) ?? null,
    input: json(row.input),
    origin: json<Task>(row.origin),
    startKey: String(row.start_key),
    requestedBy: String(row.requested_by),
    error: row.error ? json(row.error) : null,
    compensable: Boolean(row.compensable),
    cancelRequestedBy: (row.cancel_requested_by as string | null) ?? null,
    progressMessageId: (row.progress_message_id as string | null) ?? null,
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
    finishedAt: row.finished_at ? date(row.finished_at) : null,
  };
}

export { date as toDate, json as fromJson };
