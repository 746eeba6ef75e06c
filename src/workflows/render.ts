import { type Button, REPLY_VERSION, type Reply, ReplySchema } from '../core/reply.ts';
import type {
  WorkflowNode,
  WorkflowRunStatus,
  WorkflowRunView,
  WorkflowStepView,
} from '../core/workflow-definition.ts';
import { WORKFLOW_CANCEL_ACTION } from '../core/workflows.ts';
import type { AnyDefinition } from './registry.ts';

const STEP_MARK: Record<WorkflowStepView['status'], string> = {
  queued: '◻️',
  running: '🔄',
  waiting: '⏳',
  retrying: '🔁',
  succeeded: '✅',
  failed: '❌',
  skipped: '⏭️',
  cancelled: '🚫',
};

const RUN_LABEL: Record<WorkflowRunStatus, string> = {
  running: '🔄 running',
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  cancelled: '🚫 cancelled',
  compensating: '↩️ rolling back',
  compensated: '↩️ rolled back',
  compensation_failed: '❌ rollback failed',
};

/**
 * The run's one progress message: its title and state, a line per step (done, running, waiting, still to
 * come), what failed and why, and the buttons that apply now. The same Reply on every platform.
 */
export function progressReply(run: WorkflowRunView, definition: AnyDefinition | undefined): Reply {
  const lines = [`*${escapeStars(run.title)}* — ${RUN_LABEL[run.status]}`];
  const shown = new Set<string>();
  for (const step of run.steps) {
    if (step.phase === 'finally' && step.status === 'succeeded' && !step.detail) continue;
    shown.add(step.name);
    lines.push(stepLine(step));
  }
  if (definition && run.finishedAt === null) {
    const upcoming = run.phase === 'compensation' ? (definition.compensation?.steps ?? []) : definition.steps;
    for (const label of upcomingLabels(upcoming, shown)) lines.push(`◻️ ${label}`);
  }
  if (run.error && run.status !== 'succeeded') {
    lines.push(`*Why:* ${run.error.message}${run.error.step ? ` (step ${run.error.step})` : ''}`);
  }
  const text = lines.join('\n');
  const buttons = buttonsOf(run, definition);
  return ReplySchema.parse({
    v: REPLY_VERSION,
    text: `${run.title}: ${run.status}`.slice(0, 40_000),
    blocks: [
      { type: 'markdown', text: text.slice(0, 40_000) },
      {
        type: 'context',
        text: `Workflow run ${run.id} · ${run.definition} · requested by ${run.requestedBy.replace(/^api:/, '')} · started ${utc(run.createdAt)}${run.finishedAt ? ` · ended ${utc(run.finishedAt)}` : ''}`,
      },
      ...(buttons.length > 0 ? [{ type: 'buttons' as const, buttons }] : []),
    ],
  });
}

function stepLine(step: WorkflowStepView): string {
  const mark = step.status === 'failed' && !step.critical ? '⚠️' : STEP_MARK[step.status];
  const retry =
    step.status === 'retrying'
      ? ` — attempt ${step.attempts} of ${step.maxAttempts} failed, retrying${step.nextAttemptAt ? ` at ${utc(step.nextAttemptAt)}` : ''}`
      : step.attempts > 1 && step.status !== 'queued'
        ? ` (attempt ${step.attempts})`
        : '';
  const detail = step.detail ? ` — ${step.detail}` : '';
  const error = step.error && step.status === 'failed' ? ` — ${step.error.message}` : '';
  const phase = step.phase === 'compensation' ? ' (rollback)' : '';
  return `${mark} ${step.label}${phase}${retry}${detail}${error}`.slice(0, 1500);
}

function upcomingLabels(nodes: readonly WorkflowNode<unknown>[], shown: ReadonlySet<string>): string[] {
  const labels: string[] = [];
  for (const node of nodes) {
    const names = node.kind === 'parallel' ? node.steps.map((step) => step.name) : [node.name];
    if (names.some((name) => shown.has(name))) continue;
    labels.push(node.label);
  }
  return labels;
}

function buttonsOf(run: WorkflowRunView, definition: AnyDefinition | undefined): Button[] {
  const buttons: Button[] = [];
  const cancellable =
    run.status === 'running' && run.phase === 'forward' && run.finishedAt === null && !run.error;
  if (cancellable) {
    buttons.push({ id: WORKFLOW_CANCEL_ACTION, label: 'Cancel', value: run.id, style: 'danger' });
  }
  return [...buttons, ...(definition?.buttons?.(run) ?? [])].slice(0, 25);
}

function utc(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

function escapeStars(text: string): string {
  return text.replace(/\*/g, '');
}
