import type { WorkflowStepStatus } from '../core/workflow-definition.ts';
import type { Database } from '../db/database.ts';
import { fromJson, toDate } from './run-store.ts';

export type StepKind = 'step' | 'approval' | 'wait';

export interface StepRow {
  runId: string;
  phase: string;
  name: string;
  kind: StepKind;
  status: WorkflowStepStatus;
  position: number;
  attempts: number;
  maxAttempts: number;
  critical: boolean;
  input: unknown;
  output: unknown;
  error: { code: string; message: string } | null;
  detail: string | null;
  waitKey: string | null;
  deadline: Date | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

export interface NewStep {
  phase: string;
  name: string;
  kind: StepKind;
  status: 'queued' | 'skipped';
  position: number;
  maxAttempts: number;
  critical: boolean;
  input: unknown;
}

export interface StepKey {
  runId: string;
  phase: string;
  name: string;
}

const COLUMNS = `run_id, phase, name, kind, status, position, attempts, max_attempts, critical, input::text as input,
  output::text as output, error::text as error, detail, wait_key, deadline, next_attempt_at, created_at, started_at, finished_at, updated_at`;
const KEY = 'run_id = $1 and phase = $2 and name = $3';

/** The workflow_steps table: every change is a compare-and-set on the step's status and attempt. */
export class StepStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async ofRun(runId: string): Promise<StepRow[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from workflow_steps where run_id = $1 order by created_at, position`,
      [runId],
    );
    return rows.map(toStep);
  }

  async get(key: StepKey): Promise<StepRow | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from workflow_steps where ${KEY}`,
      [key.runId, key.phase, key.name],
    );
    return rows[0] ? toStep(rows[0]) : null;
  }

  /**
   * Inserts steps that do not exist yet, in one statement (a parallel group is stored whole or not at
   * all); returns the names it inserted.
   */
  async insertAll(runId: string, steps: readonly NewStep[]): Promise<string[]> {
    if (steps.length === 0) return [];
    const rows = await this.#database.sql<{ name: string }>(
      `insert into workflow_steps (run_id, phase, name, kind, status, position, max_attempts, critical, input,
         finished_at)
       select $1, phase, name, kind, status, position, max_attempts, critical, input::jsonb,
              case when status = 'skipped' then clock_timestamp() end
         from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::boolean[], $9::text[])
           as s(phase, name, kind, status, position, max_attempts, critical, input)
       on conflict (run_id, phase, name) do nothing returning name`,
      [
        runId,
        steps.map((step) => step.phase),
        steps.map((step) => step.name),
        steps.map((step) => step.kind),
        steps.map((step) => step.status),
        steps.map((step) => step.position),
        steps.map((step) => step.maxAttempts),
        steps.map((step) => step.critical),
        steps.map((step) => JSON.stringify(step.input ?? null)),
      ],
    );
    return rows.map((row) => row.name);
  }

  /**
   * Claims attempt `attempt` of a step for running. A step still `running` at that same attempt is taken
   * over: its worker died (the queue gave the job to us), and its effects make a re-run safe.
   */
  async claim(key: StepKey, attempt: number): Promise<StepRow | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `update workflow_steps set status = 'running', attempts = $4, next_attempt_at = null,
         started_at = coalesce(started_at, clock_timestamp()), updated_at = clock_timestamp()
        where ${KEY} and ((status in ('queued', 'retrying') and attempts = $4 - 1)
                          or (status = 'running' and attempts = $4))
        returning ${COLUMNS}`,
      [key.runId, key.phase, key.name, attempt],
    );
    return rows[0] ? toStep(rows[0]) : null;
  }

  /** Ends a step from one of `from` (at `attempt` when given); false when someone else changed it first. */
  async finish(
    key: StepKey,
    from: readonly WorkflowStepStatus[],
    to: 'succeeded' | 'failed' | 'cancelled',
    result: { output?: unknown; error?: { code: string; message: string }; attempt?: number },
  ): Promise<boolean> {
    const rows = await this.#database.sql(
      `update workflow_steps set status = $4, output = $5::jsonb, error = $6::jsonb, wait_key = null,
         finished_at = clock_timestamp(), updated_at = clock_timestamp()
        where ${KEY} and status = any($7::text[]) and ($8::int is null or attempts = $8) returning name`,
      [
        key.runId,
        key.phase,
        key.name,
        to,
        JSON.stringify(result.output ?? null),
        result.error ? JSON.stringify(result.error) : null,
        from,
        result.attempt ?? null,
      ],
    );
    return rows.length > 0;
  }

  /** A failed attempt with attempts left: retried at `at`. */
  async retryAt(
    key: StepKey,
    attempt: number,
    at: Date,
    error: { code: string; message: string },
  ): Promise<boolean> {
    const rows = await this.#database.sql(
      `update workflow_steps set status = 'retrying', next_attempt_at = $5, error = $6::jsonb,
         updated_at = clock_timestamp()
        where ${KEY} and status = 'running' and attempts = $4 returning name`,
      [key.runId, key.phase, key.name, attempt, at.toISOString(), JSON.stringify(error)],
    );
    return rows.length > 0;
  }

  /** A running wait or approval step starts waiting (for `waitKey`, until `deadline`). */
  async wait(
    key: StepKey,
    change: { waitKey: string | null; deadline: Date | null; input: unknown; detail: string | null },
  ): Promise<boolean> {
    const rows = await this.#database.sql(
      `update workflow_steps set status = 'waiting', wait_key = $4, deadline = $5, input = $6::jsonb,
         detail = $7, updated_at = clock_timestamp()
        where ${KEY} and status = 'running' returning name`,
      [
        key.runId,
        key.phase,
        key.name,
        change.waitKey,
        change.deadline?.toISOString() ?? null,
        JSON.stringify(change.input ?? null),
        change.detail,
      ],
    );
    return rows.length > 0;
  }

  async setDetail(key: StepKey, detail: string): Promise<void> {
    await this.#database.sql(
      `update workflow_steps set detail = $4, updated_at = clock_timestamp() where ${KEY}`,
      [key.runId, key.phase, key.name, detail.slice(0, 500)],
    );
  }

  /** Steps waiting for this key (an event or an approval). */
  async waitingFor(waitKey: string): Promise<StepRow[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from workflow_steps where wait_key = $1 and status = 'waiting'`,
      [waitKey],
    );
    return rows.map(toStep);
  }

  /** Cancels the run's steps that have not started or only wait; returns how many. */
  async cancelIdle(runId: string): Promise<number> {
    const rows = await this.#database.sql(
      `update workflow_steps set status = 'cancelled', wait_key = null, finished_at = clock_timestamp(),
         updated_at = clock_timestamp(), error = '{"code":"CANCELLED","message":"The run was cancelled."}'::jsonb
        where run_id = $1 and status in ('queued', 'waiting', 'retrying') returning name`,
      [runId],
    );
    return rows.length;
  }

  /** Open steps untouched for `seconds`: their job may have been lost with Redis. */
  async stale(seconds: number, limit = 200): Promise<StepRow[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from workflow_steps
        where status in ('queued', 'running', 'retrying') and updated_at < clock_timestamp() - make_interval(secs => $1)
          and (next_attempt_at is null or next_attempt_at < clock_timestamp())
        order by updated_at limit $2`,
      [seconds, limit],
    );
    return rows.map(toStep);
  }

  /** Waiting steps past their deadline by `seconds` (their timer job was lost). */
  async overdueWaits(seconds: number, limit = 200): Promise<StepRow[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from workflow_steps
        where status = 'waiting' and deadline < clock_timestamp() - make_interval(secs => $1) limit $2`,
      [seconds, limit],
    );
    return rows.map(toStep);
  }

  /** Waiting steps with an event stored for their key (a signal job lost with Redis). */
  async waitingWithSignals(limit = 200): Promise<StepRow[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS.replace(/\b(input|output|error)::/g, 's.$1::')} from workflow_steps s
        where s.status = 'waiting' and s.wait_key is not null
          and exists (select 1 from workflow_signals g where g.key = s.wait_key and g.received_at > s.updated_at)
        limit $1`,
      [limit],
    );
    return rows.map(toStep);
  }
}

function toStep(row: Record<string, unknown>): StepRow {
  return {
    runId: String(row.run_id),
    phase: String(row.phase),
    name: String(row.name),
    kind: row.kind as StepKind,
    status: row.status as WorkflowStepStatus,
    position: Number(row.position),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    critical: Boolean(row.critical),
    input: fromJson(row.input),
    output: fromJson(row.output),
    error: row.error ? fromJson(row.error) : null,
    detail: (row.detail as string | null) ?? null,
    waitKey: (row.wait_key as string | null) ?? null,
    deadline: row.deadline ? toDate(row.deadline) : null,
    nextAttemptAt: row.next_attempt_at ? toDate(row.next_attempt_at) : null,
    createdAt: toDate(row.created_at),
    startedAt: row.started_at ? toDate(row.started_at) : null,
    finishedAt: row.finished_at ? toDate(row.finished_at) : null,
    updatedAt: toDate(row.updated_at),
  };
}
