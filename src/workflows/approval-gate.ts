import type { ApprovalRequest, ApprovalTicket } from '../core/approvals.ts';
import type { Task } from '../core/task.ts';

/**
 * The one thing the workflow engine needs from the approvals engine: post an approval request in a run's
 * thread, on behalf of whoever started the run. Everything else comes back as events: the approval's
 * continuation (run by the `workflows` skill) signals a grant, and the approvals engine's settle hook
 * signals a rejection, expiry or cancellation. Kept this narrow so the approvals engine can move.
 */
export interface WorkflowApprovalGate {
  /** Idempotent: asking again for the same action and arguments in the same thread returns the pending one. */
  request(origin: Task, request: ApprovalRequest): Promise<ApprovalTicket>;
}

export { WORKFLOWS_SKILL } from '../core/workflows.ts';

/** The event key an approval step waits on. */
export function approvalEventKey(approvalId: string): string {
  return `approval:${approvalId}`;
}

/** What an approval's outcome signals to its step. */
export type ApprovalEvent =
  | { outcome: 'approved'; binding: string; approvers: string[]; args: Record<string, unknown> }
  | { outcome: 'rejected' | 'expired' | 'cancelled'; by?: string; reason?: string };
