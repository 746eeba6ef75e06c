import type { ApprovalSummary, ApprovalsQuery } from '../../core/approvals.ts';
import { redactDeep } from '../../core/redact.ts';
import { revealInvisible } from '../../core/visible-text.ts';
import type { ApprovalDecisionStore } from '../../db/approval-decision-store.ts';
import type { ApprovalRow, ApprovalStore } from '../../db/approval-store.ts';
import type { Directory } from '../../db/directory.ts';
import { policyOf } from './card.ts';
import { eligibility, subjectKey } from './policy.ts';

/** A pending approval as lists show it, with the message that carries its buttons. */
export interface PendingApproval extends ApprovalSummary {
  messageId: string | null;
  action: string;
}

/**
 * "What is waiting for me?": the pending, unexpired approvals a person may decide (named by the stored
 * policy, not the requester unless allowed, not yet decided by them). Slack's App Home, the Teams
 * personal chat, the web console and `/approvals` all ask this.
 */
export class ApprovalListing implements ApprovalsQuery {
  readonly #approvals: ApprovalStore;
  readonly #decisions: ApprovalDecisionStore;
  readonly #directory: Directory;

  constructor(approvals: ApprovalStore, decisions: ApprovalDecisionStore, directory: Directory) {
    this.#approvals = approvals;
    this.#decisions = decisions;
    this.#directory = directory;
  }

  async pendingFor(tenantId: string, platform: string, userId: string): Promise<PendingApproval[]> {
    const [roles, pending] = await Promise.all([
      this.#directory.rolesOf(tenantId, platform, userId),
      this.#approvals.pending(tenantId, platform),
    ]);
    const subject = { platform, id: userId, roles };
    const key = subjectKey(subject);
    return pending
      .filter(
        (approval) =>
          !approval.deciders.includes(key) &&
          eligibility(policyOf(approval), subject, approval.requestedBy) === 'eligible',
      )
      .map(summaryOf);
  }

  /** The web console's and the API's name for `pendingFor`. */
  waitingFor(tenantId: string, platform: string, userId: string): Promise<PendingApproval[]> {
    return this.pendingFor(tenantId, platform, userId);
  }

  /** One approval in full: what, who asked, the policy, every decision and what became of it. */
  async detail(tenantId: string, approvalId: string): Promise<Record<string, unknown> | null> {
    const approval = await this.#approvals.get(approvalId);
    if (!approval || approval.tenantId !== tenantId) return null;
    const decisions = await this.#decisions.of(approval.id);
    return {
      ...summaryOf(approval),
      status: approval.status,
      action: { ...approval.action, args: redactDeep(approval.action.args) },
      argsHash: approval.argsHash,
      environment: approval.environment,
      policy: approval.policy,
      decidedAt: approval.decidedAt?.toISOString() ?? null,
      cancelledBy: approval.cancelledBy,
      cancelReason: approval.cancelReason,
      execution: {
        status: approval.executionStatus,
        taskId: approval.continuationTaskId,
        at: approval.executedAt?.toISOString() ?? null,
      },
      decisions: decisions.map((decision) => ({
        by: decision.userName,
        user: `${decision.platform}:${decision.userId}`,
        decision: decision.decision,
        reason: decision.reason,
        at: decision.createdAt.toISOString(),
      })),
    };
  }

  /** The person's own requests that are still waiting. */
  async requestedBy(tenantId: string, platform: string, userId: string): Promise<PendingApproval[]> {
    const key = subjectKey({ platform, id: userId });
    const pending = await this.#approvals.pending(tenantId, platform);
    return pending.filter((approval) => approval.requestedBy === key).map(summaryOf);
  }
}

export function summaryOf(approval: ApprovalRow): PendingApproval {
  return {
    approvalId: approval.id,
    // Lists are read by approvers on every platform: bidi and invisible characters are shown, not obeyed.
    title: revealInvisible(approval.title),
    requestedBy: revealInvisible(approval.requestedByName),
    channel: approval.channel,
    thread: approval.thread,
    createdAt: approval.createdAt.toISOString(),
    expiresAt: approval.expiresAt.toISOString(),
    approvalsGiven: approval.approvalsGiven,
    approvalsRequired: approval.requiredApprovals,
    messageId: approval.messageId,
    action: `${approval.action.kind === 'command' ? '/' : ''}${approval.action.name}`,
  };
}
