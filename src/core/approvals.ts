import { z } from 'zod';

/**
 * The approvals port: how a skill (or the supervisor, or `/run`) asks people to approve a side effect, and
 * what a run that resumes after approval is told. The engine behind it lives in src/agent/approvals/; the
 * platforms render the `approval` Reply block with the buttons named here.
 */

/** What would run once approved: a skill command (`deploy-cluster`) or a tool (`filesystem__write_file`). */
export const ApprovalActionSchema = z.object({
  kind: z.enum(['command', 'tool']),
  name: z.string().min(1).max(200),
  /** The exact arguments; the approval is bound to their canonical hash (`stableHash`). */
  args: z.record(z.string(), z.unknown()),
  /** The skill whose run executes the action after approval (for MCP tools: the skill that runs tools). */
  executor: z.string().min(1).max(64),
});
export type ApprovalAction = z.infer<typeof ApprovalActionSchema>;

export interface ApprovalRequest {
  action: ApprovalAction;
  /** One line people read on the card: "Deploy cluster *payments* to prod". */
  title: string;
  /** Extra lines for the card; the action's arguments are always shown too. */
  summary?: { label: string; value: string }[];
  /** The environment the policy matches on (e.g. `prod`), when the action has one. */
  environment?: string;
  /**
   * Who approves when APPROVALS_CONFIG has no rule for this action (a skill's own default, e.g. two `sre`
   * for prod deploys); without it the built-in default applies. The requester never approves their own.
   */
  defaultPolicy?: { roles: string[]; required: number; expiresInMinutes?: number };
}

/** An approval that ended without a grant, as the approvals engine reports it to whoever listens. */
export interface SettledApproval {
  approvalId: string;
  status: 'rejected' | 'expired' | 'cancelled';
  /** Who rejected or cancelled it. */
  by?: string;
  reason?: string;
}

export interface ApprovalTicket {
  approvalId: string;
  /** Already decided when an identical pending request existed (same action, args hash and thread). */
  status: 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled';
  expiresAt: string;
  requiredApprovals: number;
}

/** A person's decision from a click: Approve, or Reject with an optional reason. */
export interface ApprovalDecisionRequest {
  approvalId: string;
  decision: 'approve' | 'reject';
  /** Why, as the platform collected it (the click's `inputs.reason`: a web form, a Slack modal, a card input). */
  reason?: string;
}

/** Why a click changed nothing; every refusal is audited. */
export type ApprovalRefusal =
  | 'unknown-approval'
  | 'other-tenant'
  | 'forged'
  | 'not-pending'
  | 'expired'
  | 'self-approval'
  | 'not-an-approver'
  | 'already-counted'
  | 'not-allowed-to-cancel'
  /** An API key acted for the person (`act-as`) without the right to decide for them (`decide-as`). */
  | 'not-own-identity';

export interface ApprovalDecisionResult {
  /** `recorded`: the decision counts (and may have completed the approval); `refused`: nothing changed. */
  outcome: 'recorded' | 'refused';
  status: ApprovalTicket['status'];
  /** What the person who clicked is told, e.g. "Already approved by bob at 14:02 UTC." */
  message: string;
  refusal?: ApprovalRefusal;
  approvalsGiven: number;
  approvalsRequired: number;
}

/**
 * What a skill context offers. Requesting ends the task as `awaiting_approval` once the skill returns. The
 * other methods serve the approvals skill (`/approvals`, the Approve / Reject buttons); they are absent
 * where no approvals engine is wired, and always act as the person behind the task.
 */
export interface ApprovalsPort {
  request(request: ApprovalRequest): Promise<ApprovalTicket>;
  /** The approvals the caller may decide now, oldest first. */
  pending?(): Promise<ApprovalSummary[]>;
  /** Decides the approval this run's click names, checked against the clicker's identity, roles and tenant. */
  decide?(decision: ApprovalDecisionRequest): Promise<ApprovalDecisionResult>;
  /** Withdraws a pending approval, when the policy lets the caller cancel it. */
  cancel?(approvalId: string, reason?: string): Promise<ApprovalDecisionResult>;
}

/** Set on the skill context when this run is the continuation of an approved action. */
export interface ApprovedAction {
  approvalId: string;
  action: ApprovalAction;
  /** Who approved, in order (display names). */
  approvers: string[];
}

/** Pending approvals a person may decide (App Home, Teams personal chat, web console, `/chatops approvals`). */
export interface ApprovalSummary {
  approvalId: string;
  title: string;
  requestedBy: string;
  channel: string;
  thread: string;
  createdAt: string;
  expiresAt: string;
  approvalsGiven: number;
  approvalsRequired: number;
}

export interface ApprovalsQuery {
  pendingFor(tenantId: string, platform: string, userId: string): Promise<ApprovalSummary[]>;
}

/** The skill that owns the approval buttons and `/approvals` (the worker routes decisions to it). */
export const APPROVALS_SKILL = 'approvals';
/** The click input that carries a rejection reason (`TaskAction.inputs`). */
export const APPROVAL_REASON_INPUT = 'reason';

/** Button ids every renderer uses for the approval block; the click's value is the approval id. */
export const APPROVAL_APPROVE_ACTION = 'approval.approve';
export const APPROVAL_REJECT_ACTION = 'approval.reject';
/** The continuation task's action id: the worker runs the approved action once. */
export const APPROVAL_EXECUTE_ACTION = 'approval.execute';
/** Feedback buttons under an answer (`Reply.feedback`); the value is our message id. */
export const FEEDBACK_UP_ACTION = 'feedback.up';
export const FEEDBACK_DOWN_ACTION = 'feedback.down';

/** Decisions (approve, reject, 👍, 👎) count once per person and message, however often they click. */
export function isOncePerPersonAction(actionId: string): boolean {
  return [APPROVAL_APPROVE_ACTION, APPROVAL_REJECT_ACTION, FEEDBACK_UP_ACTION, FEEDBACK_DOWN_ACTION].includes(
    actionId,
  );
}
