import { canonicalJson } from '../../core/ids.ts';
import { redactSecrets } from '../../core/redact.ts';
import { REPLY_VERSION, type Reply, type ReplyBlock, ReplySchema } from '../../core/reply.ts';
import type { DecisionRow } from '../../db/approval-decision-store.ts';
import type { ApprovalRow } from '../../db/approval-store.ts';
import { describeApprovers, type ResolvedApprovalPolicy } from './policy.ts';

/**
 * The approval as people see it, the same Reply on every platform: who asked, what exactly (action and
 * arguments), who may approve and until when, who approved or rejected and when, and what became of it.
 * Renderers turn the `approval` block into Block Kit, an Adaptive Card or HTML, with the buttons while
 * it is pending.
 */
export function approvalCard(approval: ApprovalRow, decisions: readonly DecisionRow[]): Reply {
  const policy = policyOf(approval);
  const block: ReplyBlock = {
    type: 'approval',
    approvalId: approval.id,
    title: cut(approval.title, 3000),
    summary: [
      { label: 'Requested by', value: approval.requestedByName },
      { label: 'Action', value: actionLabel(approval) },
      { label: 'Arguments', value: argumentsLabel(approval.action.args) },
      ...(approval.environment ? [{ label: 'Environment', value: approval.environment }] : []),
      { label: 'Needs', value: describeApprovers(policy) },
      { label: 'Expires', value: utc(approval.expiresAt) },
      ...approval.summary.filter((item) => !['Arguments', 'Tool'].includes(item.label)),
    ].slice(0, 20),
    status: approval.status,
    decisions: decisions.map((decision) => ({
      by: decision.userName,
      decision: decision.decision,
      at: decision.createdAt.toISOString(),
      ...(decision.reason ? { reason: cut(decision.reason, 500) } : {}),
    })),
    expiresAt: approval.expiresAt.toISOString(),
  };
  const line = statusLine(approval, decisions);
  return ReplySchema.parse({
    v: REPLY_VERSION,
    text: `${statusEmoji(approval)} Approval ${approval.status}: ${approval.title} — ${line}`.slice(
      0,
      40_000,
    ),
    blocks: [block, { type: 'context', text: line }],
  });
}

/** One line of what is happening now, e.g. "Approved by bob (14:02 UTC) · ran at 14:02 UTC". */
export function statusLine(approval: ApprovalRow, decisions: readonly DecisionRow[]): string {
  const approvers = decisions.filter((decision) => decision.decision === 'approved');
  const by = approvers.map((decision) => `${decision.userName} (${utc(decision.createdAt)})`).join(', ');
  switch (approval.status) {
    case 'pending':
      return `Waiting: ${approval.approvalsGiven} of ${approval.requiredApprovals} approvals${by ? ` (so far ${by})` : ''} · expires ${utc(approval.expiresAt)}`;
    case 'approved':
      return `Approved by ${by}${executionNote(approval)}`;
    case 'rejected': {
      const rejection = decisions.find((decision) => decision.decision === 'rejected');
      return `Rejected by ${rejection?.userName ?? 'an approver'}${rejection ? ` (${utc(rejection.createdAt)})` : ''}${rejection?.reason ? `: ${cut(rejection.reason, 300)}` : ''} · nothing ran`;
    }
    case 'expired':
      return `Expired ${utc(approval.expiresAt)} with ${approval.approvalsGiven} of ${approval.requiredApprovals} approvals · nothing ran`;
    case 'cancelled':
      return `Cancelled by ${approval.cancelledBy ?? 'the requester'}${approval.cancelReason ? `: ${cut(approval.cancelReason, 300)}` : ''} · nothing ran`;
  }
}

function executionNote(approval: ApprovalRow): string {
  switch (approval.executionStatus) {
    case null:
      return ' · queued to run';
    case 'running':
    case 'retrying':
      return ' · running';
    case 'succeeded':
      return ` · ran ${approval.executedAt ? utc(approval.executedAt) : ''}`.trimEnd();
    case 'failed':
      return ' · ran and failed (see the thread)';
    case 'interrupted':
      return ' · interrupted: not run again automatically (see the thread)';
    case 'blocked':
      return ' · blocked: the run did not match what was approved, nothing ran';
  }
}

function statusEmoji(approval: ApprovalRow): string {
  return { pending: '⏳', approved: '✅', rejected: '⛔', expired: '⌛', cancelled: '🚫' }[approval.status];
}

export function actionLabel(approval: ApprovalRow): string {
  return approval.action.kind === 'command' ? `/${approval.action.name}` : `tool ${approval.action.name}`;
}

function argumentsLabel(args: Record<string, unknown>): string {
  const text = redactSecrets(canonicalJson(args));
  return text === '{}' ? '(none)' : cut(text, 2000);
}

export function policyOf(approval: ApprovalRow): ResolvedApprovalPolicy {
  return approval.policy as unknown as ResolvedApprovalPolicy;
}

/** `2026-12-02 14:02 UTC`: the same for everyone, whatever their time zone. */
export function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
