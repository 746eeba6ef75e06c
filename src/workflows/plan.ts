import type {
  ActionStep,
  WorkflowDefinition,
  WorkflowNode,
  WorkflowRunStatus,
  WorkflowState,
} from '../core/workflow-definition.ts';
import type { RunRow } from './run-store.ts';
import type { NewStep, StepRow } from './step-rows.ts';

/**
 * What a run does next, decided from its stored state alone (a pure function, so any worker can decide
 * it after any crash): start the next node, wait for the running ones, move to the next phase, or end.
 * Phases: `forward` → `forward.finally` → end; after a critical failure `compensation` (automatically, or
 * when asked) → `compensation.finally` → end.
 */
export type Decision =
  | { kind: 'wait' }
  | { kind: 'start'; steps: NewStep[] }
  | {
      kind: 'phase';
      phase: string;
      status?: WorkflowRunStatus;
      outcome: WorkflowRunStatus;
      error?: RunRow['error'];
      compensable?: boolean;
    }
  | { kind: 'finish'; status: WorkflowRunStatus };

const OPEN = new Set(['queued', 'running', 'waiting', 'retrying']);

// biome-ignore lint/suspicious/noExplicitAny: the engine runs definitions of every input type
type AnyDefinition = WorkflowDefinition<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
type AnyState = WorkflowState<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
type AnyAction = ActionStep<any>;

export function decide(definition: AnyDefinition, run: RunRow, steps: readonly StepRow[]): Decision {
  const state = stateOf(run.input, steps);
  const rows = new Map(steps.map((step) => [`${step.phase}:${step.name}`, step]));
  const phase = run.phase;
  if (phase.endsWith('.finally')) {
    const result = evaluate(definition.finally ?? [], phase, rows, state, false, true);
    if (result.kind === 'start' || result.kind === 'pending') return result.kind === 'start' ? result : WAIT;
    return { kind: 'finish', status: run.outcome ?? 'failed' };
  }
  const compensating = phase === 'compensation';
  const nodes = compensating ? (definition.compensation?.steps ?? []) : definition.steps;
  const result = evaluate(nodes, phase, rows, state, !compensating && Boolean(run.cancelRequestedBy), false);
  if (result.kind === 'start') return result;
  if (result.kind === 'pending') return WAIT;
  if (compensating) {
    return result.kind === 'succeeded'
      ? { kind: 'phase', phase: 'compensation.finally', outcome: 'compensated' }
      : { kind: 'phase', phase: 'compensation.finally', outcome: 'compensation_failed', error: result.error };
  }
  if (result.kind === 'succeeded') return { kind: 'phase', phase: 'forward.finally', outcome: 'succeeded' };
  if (result.kind === 'cancelled') {
    const error = {
      code: 'CANCELLED',
      message: `Cancelled by ${run.cancelRequestedBy ?? 'someone'}.`,
      ...(result.error?.step ? { step: result.error.step } : {}),
    };
    return { kind: 'phase', phase: 'forward.finally', outcome: 'cancelled', error };
  }
  const compensation = definition.compensation;
  if (compensation && compensation.steps.length > 0 && compensation.trigger === 'automatic') {
    return {
      kind: 'phase',
      phase: 'compensation',
      status: 'compensating',
      outcome: 'compensating',
      error: result.error,
    };
  }
  return {
    kind: 'phase',
    phase: 'forward.finally',
    outcome: 'failed',
    error: result.error,
    compensable: Boolean(compensation && compensation.steps.length > 0),
  };
}

/**
 * The steps to start after `finished` succeeds with `output`, when that can be decided without reading
 * the run again: nothing else of the run is open (so no sibling can end at the same time and the stored
 * state is final), and what comes next is starting steps. Null otherwise: the full advance decides.
 */
export function stepsAfter(
  definition: AnyDefinition,
  run: RunRow,
  steps: readonly StepRow[],
  finished: { phase: string; name: string },
  output: unknown,
): NewStep[] | null {
  const after = steps.map((step) =>
    step.phase === finished.phase && step.name === finished.name
      ? { ...step, status: 'succeeded' as const, output }
      : step,
  );
  if (!after.some((step) => step.phase === finished.phase && step.name === finished.name)) return null;
  if (after.some((step) => OPEN.has(step.status))) return null;
  const decision = decide(definition, run, after);
  return decision.kind === 'start' ? decision.steps : null;
}

const WAIT: Decision = { kind: 'wait' };

type PhaseResult =
  | { kind: 'start'; steps: NewStep[] }
  | { kind: 'pending' }
  | { kind: 'succeeded' }
  | { kind: 'failed' | 'cancelled'; error: RunRow['error'] };

// biome-ignore lint/suspicious/noExplicitAny: as above
type AnyNode = WorkflowNode<any>;

function evaluate(
  nodes: readonly AnyNode[],
  phase: string,
  rows: ReadonlyMap<string, StepRow>,
  state: AnyState,
  cancelRequested: boolean,
  finallyPhase: boolean,
): PhaseResult {
  for (const [index, node] of nodes.entries()) {
    const children = node.kind === 'parallel' ? node.steps : [node];
    const found = children
      .map((child) => rows.get(`${phase}:${child.name}`))
      .filter((row) => row !== undefined);
    if (found.length === 0) {
      if (cancelRequested) return { kind: 'cancelled', error: null };
      return { kind: 'start', steps: startOf(node, index, phase, state, finallyPhase) };
    }
    if (found.some((row) => OPEN.has(row.status))) return { kind: 'pending' };
    if (finallyPhase) continue;
    const cancelled = found.find((row) => row.status === 'cancelled');
    if (cancelled) return { kind: 'cancelled', error: { ...errorOf(cancelled), step: cancelled.name } };
    const failed = found.find((row) => row.status === 'failed' && row.critical);
    if (failed) return { kind: 'failed', error: { ...errorOf(failed), step: failed.name } };
  }
  return { kind: 'succeeded' };
}

function startOf(
  node: AnyNode,
  position: number,
  phase: string,
  state: AnyState,
  finallyPhase: boolean,
): NewStep[] {
  const skipped = node.when ? !node.when(state) : false;
  if (node.kind === 'parallel') {
    return node.steps.map((child) =>
      actionStep(
        child as AnyAction,
        position,
        phase,
        state,
        skipped || (child.when ? !child.when(state) : false),
        finallyPhase,
      ),
    );
  }
  if (node.kind === 'step') return [actionStep(node, position, phase, state, skipped, finallyPhase)];
  return [
    {
      phase,
      name: node.name,
      kind: node.kind,
      status: skipped ? 'skipped' : 'queued',
      position,
      maxAttempts: 1,
      critical: node.kind === 'approval' ? true : (node.critical ?? true),
      input: null,
    },
  ];
}

function actionStep(
  step: AnyAction,
  position: number,
  phase: string,
  state: AnyState,
  skipped: boolean,
  finallyPhase: boolean,
): NewStep {
  return {
    phase,
    name: step.name,
    kind: 'step',
    status: skipped ? 'skipped' : 'queued',
    position,
    maxAttempts: Math.max(1, step.retry?.attempts ?? 1),
    critical: finallyPhase ? false : (step.critical ?? true),
    input: skipped ? null : (step.inputOf?.(state) ?? null),
  };
}

function errorOf(row: StepRow): { code: string; message: string } {
  return row.error ?? { code: 'SKILL_FAILED', message: `${row.name} ${row.status}` };
}

/** What conditions, requests and steps see: the input, the outputs of succeeded steps, every status. */
export function stateOf<Input>(input: Input, steps: readonly StepRow[]): WorkflowState<Input> {
  const outputs: Record<string, unknown> = {};
  const statuses: Record<string, string> = {};
  for (const step of steps) {
    statuses[step.name] = step.status;
    if (step.status === 'succeeded') outputs[step.name] = step.output;
  }
  return { input, outputs, statuses };
}
