import type { WorkflowStepStatus } from '../core/workflow-definition.ts';
import type { Database } from '../db/database.ts';
import { type RunRow, UUID } from './run-store.ts';
import {
  COLUMNS,
  fromRunAndSteps,
  insertNewSteps,
  KEY,
  type NewStep,
  newStepColumns,
  RUN_AND_STEPS,
  type StepKey,
  type StepRow,
  toStep,
} from './step-rows.ts';

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
    const rows = await this.#database.sql<{ name: string }>(insertNewSteps(), [
      runId,
      ...newStepColumns(steps),
    ]);
    return rows.map((row) => row.name);
  }

  /**
   * Ends a running step as succeeded and inserts the steps that follow it, in one statement: the path
   * every step of a sequence takes costs one round trip here instead of three (end, read, insert). The
   * steps are inserted only when the end was (compare-and-set on status and attempt) and the run is still
   * in `phase`, unfinished and not asked to cancel; otherwise the caller's full advance decides.
   */
  async succeedAndInsert(
    key: StepKey,
    attempt: number,
    output: unknown,
    phase: string,
    next: readonly NewStep[],
  ): Promise<{ ended: boolean; inserted: string[] }> {
    const [row] = await this.#database.sql<{ ended: boolean; inserted: string[] | null }>(
      `with ended as (
         update workflow_steps set status = 'succeeded', output = $11::jsonb, error = null, wait_key = null,
           finished_at = clock_timestamp(), updated_at = clock_timestamp()
          where run_id = $1 and phase = $12 and name = $13 and status = 'running' and attempts = $14
          returning run_id
       ), inserted as (
         ${insertNewSteps(
           `exists (select 1 from ended)
           and exists (select 1 from workflow_runs r where r.id = $1 and r.phase = $10
                         and r.finished_at is null and r.cancel_requested_by is null)`,
           true,
         )}
       )
       select exists (select 1 from ended) as ended, (select array_agg(name) from inserted) as inserted`,
      [
        key.runId,
        ...newStepColumns(next),
        phase,
        JSON.stringify(output ?? null),
        key.phase,
        key.name,
        attempt,
      ],
    );
    return { ended: Boolean(row?.ended), inserted: row?.inserted ?? [] };
  }

  /**
   * Claims attempt `attempt` of a step for running, and reads what it runs on: its run, and the run's
   * steps as they were just before the claim (the earlier steps' outputs the state is built from are
   * final). One statement, not three: on this path every round trip is a pair of system calls on each
   * side. A step already `running` at that same attempt is taken over without a write: either the step
   * that came before stored it so (succeedAndInsert), or its worker died (the queue gave the job to us)
   * and its effects make a re-run safe. `row` is null when the step is not there to claim.
   */
  async claim(
    key: StepKey,
    attempt: number,
  ): Promise<{ run: RunRow | null; row: StepRow | null; steps: StepRow[] }> {
    const [found] = await this.#database.sql<{
      run: string | null;
      row: string | null;
      steps: string | null;
    }>(
      `with claimed as (
         update workflow_steps set status = 'running', attempts = $4, next_attempt_at = null,
           started_at = coalesce(started_at, clock_timestamp()), updated_at = clock_timestamp()
          where ${KEY} and status in ('queued', 'retrying') and attempts = $4 - 1
          returning ${COLUMNS}
       )
       select coalesce((select row_to_json(c)::text from claimed c),
                       (select row_to_json(t)::text from (select ${COLUMNS} from workflow_steps
                          where ${KEY} and status = 'running' and attempts = $4) t)) as row,
              ${RUN_AND_STEPS}`,
      [key.runId, key.phase, key.name, attempt],
    );
    return { ...fromRunAndSteps(found), row: found?.row ? toStep(JSON.parse(found.row)) : null };
  }

  /** A run and its steps, read in one statement (a run's view, its progress message). */
  async withRun(runId: string): Promise<{ run: RunRow | null; steps: StepRow[] }> {
    if (!UUID.test(runId)) return { run: null, steps: [] };
    const [found] = await this.#database.sql<{ run: string | null; steps: string | null }>(
      `select ${RUN_AND_STEPS}`,
      [runId],
    );
    return fromRunAndSteps(found);
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
