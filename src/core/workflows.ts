import type { ApprovedAction } from './approvals.ts';
import type { WorkflowRunStatus, WorkflowRunView } from './workflow-definition.ts';

/**
 * The workflows port (`ctx.workflows`): how a skill starts and follows runs of the workflows it defines,
 * bound to the task's tenant and caller. The engine behind it lives in src/workflows.
 */
export interface WorkflowsPort {
  /**
   * Starts a run in the task's thread. The same task (or `startKey`) starting it again gets the same run,
   * so a skill re-run after a crash does not start a second one.
   */
  start(definition: string, input: unknown, options?: { startKey?: string }): Promise<WorkflowRunView>;
  /** A run of this tenant, or null. */
  get(id: string): Promise<WorkflowRunView | null>;
  list(filter?: WorkflowListFilter): Promise<WorkflowRunView[]>;
  /** Cancels a running run, if the caller asked for it or holds one of the definition's cancel roles. */
  cancel(id: string): Promise<WorkflowActionResult>;
  /** Starts the rollback (compensation) a failed run offers. */
  compensate(id: string): Promise<WorkflowActionResult>;
  /** Delivers an event to the runs waiting for `key`, once per `dedupeKey`. */
  signal(key: string, payload: unknown, dedupeKey: string): Promise<void>;
  /** The continuation of an approved workflow approval: hands the grant to its waiting step. */
  approvalGranted(approved: ApprovedAction): Promise<WorkflowActionResult>;
}

export interface WorkflowListFilter {
  definition?: string;
  status?: WorkflowRunStatus;
  /** Only runs the caller asked for. */
  mine?: boolean;
  limit?: number;
}

export interface WorkflowActionResult {
  ok: boolean;
  /** What the person is told. */
  message: string;
}

/** The skill that executes workflow approvals' continuations and the Cancel button of progress messages. */
export const WORKFLOWS_SKILL = 'workflows';
/** The Cancel button under a running run's progress message; its value is the run id. */
export const WORKFLOW_CANCEL_ACTION = 'workflows.cancel';
