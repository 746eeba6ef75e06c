import type { ApprovalRequest } from './approvals.ts';
import type { DeploymentsPort } from './deployments.ts';
import { ChatOpsError } from './errors.ts';
import type { KnowledgePort } from './knowledge.ts';
import type { LanguageModel } from './language-model.ts';
import type { Logger } from './ports.ts';
import type { Button, ReplyInput } from './reply.ts';
import type { ReplyAddress } from './task.ts';
import type { WorkflowsPort } from './workflows.ts';

/**
 * A workflow is defined in code by a skill, as data plus functions: a sequence of nodes (steps, parallel
 * groups, approvals, waits), optional compensation nodes that roll back, and `finally` steps that run when
 * a phase ends, whatever its outcome. The engine (src/workflows) stores every run and step and runs each
 * step as a queue job, so a killed worker resumes a run without repeating a finished step or side effect.
 */

/** Exponential backoff: attempt n waits `backoffMs × 2^(n-1)`, at most `maxBackoffMs`. */
export interface RetryPolicy {
  /** Attempts in all (1 = no retry). */
  attempts: number;
  backoffMs: number;
  maxBackoffMs?: number;
}

/** What conditions and requests see: the run's input and what earlier steps returned. */
export interface WorkflowState<Input> {
  readonly input: Input;
  /** Outputs of the steps that succeeded so far, by step name. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Status of every step started so far, by step name (`succeeded`, `failed`, `skipped`, …). */
  readonly statuses: Readonly<Record<string, string>>;
}

/** Where the run was asked for and by whom: its replies go to that thread. */
export interface WorkflowRunInfo {
  readonly id: string;
  readonly definition: string;
  readonly tenantId: string;
  readonly title: string;
  readonly requester: { readonly platform: string; readonly id: string; readonly name: string };
  readonly replyTo: ReplyAddress;
}

/** The ports a run's steps may use, bound to the place the run was asked for. */
export interface WorkflowServices {
  readonly llm: LanguageModel | null;
  readonly knowledge?: KnowledgePort;
  readonly deployments?: DeploymentsPort;
  /** Runs started from a step (e.g. a cluster's expiry), in the run's thread, on its requester's behalf. */
  readonly workflows?: WorkflowsPort;
}

export interface StepContext<Input> extends WorkflowState<Input> {
  readonly run: WorkflowRunInfo;
  readonly step: { readonly name: string; readonly attempt: number; readonly phase: WorkflowPhase };
  /** Aborted when the step times out or the run is cancelled. */
  readonly signal: AbortSignal;
  readonly services: WorkflowServices;
  readonly log: Logger;
  /**
   * Runs a side effect once per run, step and key. The key is recorded before the call; a finished effect
   * returns its recorded result without calling again. An effect that started but never recorded its
   * result (the worker died mid-call) is looked up with `recover` (e.g. a deployment found by its
   * correlation id); only when `recover` says it never happened is it performed again. Without `recover`
   * such an effect fails the step rather than risk doing it twice.
   */
  effect<T>(key: string, perform: () => Promise<T>, options?: EffectOptions<T>): Promise<T>;
  /** The step's current line in the run's progress message (updated in place). */
  progress(detail: string): Promise<void>;
  /** Posts a message in the run's thread, once per key however often the step runs. */
  post(key: string, reply: ReplyInput | string): Promise<void>;
}

export interface EffectOptions<T> {
  /** Finds the result of an earlier call that may have happened; `undefined` means it did not. */
  recover?: () => Promise<T | undefined>;
}

export type WorkflowPhase = 'forward' | 'compensation' | 'finally';

interface NodeBase<Input> {
  /** Unique in the workflow: lower-case letters, digits and dashes. */
  name: string;
  /** What people read in the progress message, e.g. "Provision". */
  label: string;
  /** Runs the node only when this holds for the state at the time it is reached; otherwise skipped. */
  when?(state: WorkflowState<Input>): boolean;
}

export interface ActionStep<Input> extends NodeBase<Input> {
  kind: 'step';
  run(context: StepContext<Input>): Promise<unknown>;
  retry?: RetryPolicy;
  /** Per attempt; an attempt past it fails (and may be retried). */
  timeoutMs?: number;
  /** A critical step's failure fails the run (default); a non-critical one warns and the run goes on. */
  critical?: boolean;
  /** What the step starts from, stored with it (default: nothing beyond the run's input). */
  inputOf?(state: WorkflowState<Input>): unknown;
}

/** The approval a step asks for, bound to a hash of `binding`: if that changes before the grant, it is void. */
export interface WorkflowApprovalRequest extends Omit<ApprovalRequest, 'action'> {
  /** The action people approve, e.g. `deploy-cluster`; matched by APPROVALS_CONFIG rules. */
  action: string;
  /** Arguments shown on the card and matched by policy rules. */
  args: Record<string, string>;
  /** Exactly what will be executed (e.g. the plan); its hash is what the approval is bound to. */
  binding: unknown;
}

export interface ApprovalStep<Input> extends NodeBase<Input> {
  kind: 'approval';
  request(state: WorkflowState<Input>): WorkflowApprovalRequest;
}

/** The outcome of looking at a waited-for event or poll. */
export type WaitCheck =
  | { done: true; output?: unknown }
  | { done: false; detail?: string }
  | { failed: string; details?: Record<string, unknown> };

export interface WaitStep<Input> extends NodeBase<Input> {
  kind: 'wait';
  /** Waits until this time (then succeeds). */
  until?(state: WorkflowState<Input>): Date;
  /** Waits for events signalled under this key (e.g. a webhook's correlation id). */
  event?(state: WorkflowState<Input>): string;
  /** Reads one event; `done` ends the wait. Default: the first event ends it. */
  onEvent?(payload: unknown, context: StepContext<Input>): Promise<WaitCheck>;
  /** Asks the outside world every `intervalMs` (the fallback when events do not come). */
  poll?: {
    intervalMs: number | ((state: WorkflowState<Input>) => number);
    check(context: StepContext<Input>): Promise<WaitCheck>;
  };
  /** Gives up (fails) after this long without `done`. */
  timeoutMs?: number | ((state: WorkflowState<Input>) => number);
  critical?: boolean;
}

export interface ParallelGroup<Input> extends NodeBase<Input> {
  kind: 'parallel';
  steps: ActionStep<Input>[];
}

export type WorkflowNode<Input> =
  | ActionStep<Input>
  | ApprovalStep<Input>
  | WaitStep<Input>
  | ParallelGroup<Input>;

export interface WorkflowDefinition<Input> {
  /** `<skill>.<name>`, e.g. `provisioning.deploy`. */
  id: string;
  /** The skill that owns it (and whose buttons its progress message carries). */
  skill: string;
  /** Checks and normalises the input when a run starts. */
  parseInput(input: unknown): Input;
  title(input: Input): string;
  steps: WorkflowNode<Input>[];
  /**
   * Rollback: nodes run after a critical failure, automatically or when someone asks
   * (`WorkflowsPort.compensate`). They see the forward steps' statuses and outputs.
   */
  compensation?: { trigger: 'automatic' | 'on-request'; steps: WorkflowNode<Input>[] };
  /** Run when a phase ends, whatever its outcome (releasing a lock). */
  finally?: ActionStep<Input>[];
  /** Buttons under the progress message (e.g. Roll back after a failure). */
  buttons?(run: WorkflowRunView): Button[];
  /** Roles that may cancel someone else's run (the requester always may). */
  cancelRoles?: string[];
}

const NAME = /^[a-z][a-z0-9-]{0,40}$/;

/** Identity helper for typing, plus a check of names so a bad definition fails at start-up. */
export function defineWorkflow<Input>(definition: WorkflowDefinition<Input>): WorkflowDefinition<Input> {
  if (!/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/.test(definition.id)) {
    throw definitionError(definition.id, 'its id must look like "<skill>.<name>"');
  }
  const names = new Set<string>();
  const nodes: WorkflowNode<Input>[] = [
    ...definition.steps,
    ...(definition.compensation?.steps ?? []),
    ...(definition.finally ?? []),
  ];
  const all = nodes.flatMap((node): WorkflowNode<Input>[] =>
    node.kind === 'parallel' ? [node, ...node.steps] : [node],
  );
  for (const node of all) {
    if (!NAME.test(node.name)) throw definitionError(definition.id, `step name "${node.name}" is not valid`);
    if (names.has(node.name)) throw definitionError(definition.id, `two steps are named "${node.name}"`);
    names.add(node.name);
    if (node.kind === 'wait' && !node.until && !node.event && !node.poll) {
      throw definitionError(definition.id, `wait step "${node.name}" waits for nothing`);
    }
  }
  return definition;
}

function definitionError(id: string, problem: string): ChatOpsError {
  return new ChatOpsError('CONFIG_INVALID', `Workflow ${id}: ${problem}.`, {
    remedy: 'Fix the workflow definition in its skill; step names are lower-case letters, digits and dashes.',
  });
}

/** A run as people and the API see it. */
export interface WorkflowRunView {
  id: string;
  tenantId: string;
  definition: string;
  skill: string;
  title: string;
  status: WorkflowRunStatus;
  phase: WorkflowPhase;
  input: unknown;
  error: { code: string; message: string; step?: string } | null;
  compensable: boolean;
  requestedBy: string;
  channel: string;
  thread: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  steps: WorkflowStepView[];
}

/** Every status a run can have: the REST API, the CLI and the table accept exactly these. */
export const WORKFLOW_RUN_STATUSES = [
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'compensating',
  'compensated',
  'compensation_failed',
] as const;

export type WorkflowRunStatus = (typeof WORKFLOW_RUN_STATUSES)[number];

export type WorkflowStepStatus =
  | 'queued'
  | 'running'
  | 'waiting'
  | 'retrying'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'cancelled';

export interface WorkflowStepView {
  name: string;
  label: string;
  phase: WorkflowPhase;
  kind: 'step' | 'approval' | 'wait';
  status: WorkflowStepStatus;
  critical: boolean;
  attempts: number;
  maxAttempts: number;
  input: unknown;
  output: unknown;
  error: { code: string; message: string } | null;
  detail: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  nextAttemptAt: string | null;
}
