import type { ApprovalRequest, ApprovalsPort, ApprovalTicket } from '../../src/core/approvals.ts';
import type { Task } from '../../src/core/task.ts';

/**
 * A recording approvals port: what the engine of the approvals issue receives, kept for assertions. It
 * never approves anything by itself; tests that need a continuation build `ctx.approved` explicitly.
 */
export class RecordingApprovals {
  readonly requests: { task: Task; request: ApprovalRequest; ticket: ApprovalTicket }[] = [];

  readonly port = (task: Task): ApprovalsPort => ({
    request: async (request) => {
      const ticket: ApprovalTicket = {
        approvalId: `approval-${this.requests.length + 1}`,
        status: 'pending',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        requiredApprovals: 1,
      };
      this.requests.push({ task, request, ticket });
      return ticket;
    },
  });
}
