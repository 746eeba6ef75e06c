import type { WorkflowStepStatus } from '../core/workflow-definition.ts';
import { fromJson, RUN_COLUMNS, type RunRow, toDate, toRun } from './run-store.ts';

/** The workflow_steps table's rows and the SQL pieces that read and insert them (StepStore runs them). */

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

export const COLUMNS = `run_id, phase, name, kind, status, position, attempts, max_attempts, critical, input::text as input,
  output::text as output, error::text as error, detail, wait_key, deadline, next_attempt_at, created_at, started_at, finished_at, updated_at`;
export const KEY = 'run_id = $1 and phase = $2 and name = $3';
/** Run $1's row and its steps as two JSON text columns, `run` and `steps` (see fromRunAndSteps). */
export const RUN_AND_STEPS = `(select row_to_json(r)::text from (select ${RUN_COLUMNS} from workflow_runs where id = $1) r) as run,
  (select json_agg(s order by s.created_at, s.position)::text
     from (select ${COLUMNS} from workflow_steps where run_id = $1) s) as steps`;

/**
 * Inserts new steps of run $1 from the arrays $2..$9 (newStepColumns) when `condition` holds, keeping the
 * steps that exist; returns the names inserted. `claimed`: steps to run are stored as `running` at attempt
 * 1 (their job, queued next, takes them over without a write of its own; see StepStore.claim).
 */
export function insertNewSteps(condition = 'true', claimed = false): string {
  const status = claimed ? `case when status = 'queued' then 'running' else status end` : 'status';
  const attempts = claimed ? `case when status = 'queued' then 1 else 0 end` : '0';
  const started = claimed ? `case when status = 'queued' then clock_timestamp() end` : 'null::timestamptz';
  return `insert into workflow_steps (run_id, phase, name, kind, status, position, attempts, max_attempts,
      critical, input, started_at, finished_at)
    select $1, phase, name, kind, ${status}, position, ${attempts}, max_attempts, critical, input::jsonb,
           ${started}, case when status = 'skipped' then clock_timestamp() end
      from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::boolean[], $9::text[])
        as s(phase, name, kind, status, position, max_attempts, critical, input)
     where ${condition}
    on conflict (run_id, phase, name) do nothing returning name`;
}

export function fromRunAndSteps(found: { run: string | null; steps: string | null } | undefined): {
  run: RunRow | null;
  steps: StepRow[];
} {
  return {
    run: found?.run ? toRun(JSON.parse(found.run)) : null,
    steps: found?.steps ? (JSON.parse(found.steps) as Record<string, unknown>[]).map(toStep) : [],
  };
}

export function newStepColumns(steps: readonly NewStep[]): unknown[] {
  return [
    steps.map((step) => step.phase),
    steps.map((step) => step.name),
    steps.map((step) => step.kind),
    steps.map((step) => step.status),
    steps.map((step) => step.position),
    steps.map((step) => step.maxAttempts),
    steps.map((step) => step.critical),
    steps.map((step) => JSON.stringify(step.input ?? null)),
  ];
}

export function toStep(row: Record<string, unknown>): StepRow {
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
