import type { WorkflowPhase, WorkflowRunView, WorkflowStepView } from '../core/workflow-definition.ts';
import type { AnyDefinition, WorkflowRegistry } from './registry.ts';
import type { RunRow } from './run-store.ts';
import type { StepRow } from './step-rows.ts';

/** A stored run and its steps as people, the API and the CLI see them. */
export function runView(run: RunRow, steps: readonly StepRow[], registry: WorkflowRegistry): WorkflowRunView {
  const definition = registry.find(run.definition);
  return {
    id: run.id,
    tenantId: run.tenantId,
    definition: run.definition,
    skill: run.skill,
    title: run.title,
    status: run.status,
    phase: phaseOf(run.phase),
    input: run.input,
    error: run.error,
    compensable: run.compensable,
    requestedBy: run.requestedBy,
    channel: run.origin.replyTo.channel,
    thread: run.origin.replyTo.thread,
    createdAt: run.createdAt.toISOString(),
    updatedAt: run.updatedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    steps: ordered(steps).map((step) => stepView(step, definition, registry)),
  };
}

const PHASE_ORDER = ['forward', 'forward.finally', 'compensation', 'compensation.finally'];

function ordered(steps: readonly StepRow[]): StepRow[] {
  return [...steps].sort(
    (left, right) =>
      PHASE_ORDER.indexOf(left.phase) - PHASE_ORDER.indexOf(right.phase) ||
      left.position - right.position ||
      left.createdAt.getTime() - right.createdAt.getTime(),
  );
}

function stepView(
  step: StepRow,
  definition: AnyDefinition | undefined,
  registry: WorkflowRegistry,
): WorkflowStepView {
  return {
    name: step.name,
    label: definition ? registry.label(definition, step.phase, step.name) : step.name,
    phase: phaseOf(step.phase),
    kind: step.kind,
    status: step.status,
    critical: step.critical,
    attempts: step.attempts,
    maxAttempts: step.maxAttempts,
    input: step.input,
    output: step.output,
    error: step.error,
    detail: step.detail,
    startedAt: step.startedAt?.toISOString() ?? null,
    finishedAt: step.finishedAt?.toISOString() ?? null,
    nextAttemptAt: step.nextAttemptAt?.toISOString() ?? null,
  };
}

function phaseOf(phase: string): WorkflowPhase {
  return phase.endsWith('.finally') ? 'finally' : phase === 'compensation' ? 'compensation' : 'forward';
}
