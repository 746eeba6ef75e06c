import { ApprovalActionSchema, type ApprovalRequest, type ApprovalTicket } from '../../core/approvals.ts';
import { ChatOpsError } from '../../core/errors.ts';
import { stableHash, uuidv7 } from '../../core/ids.ts';
import type { Clock, Logger } from '../../core/ports.ts';
import { identityPlatform, type Task } from '../../core/task.ts';
import type { ApprovalRow, ApprovalStore } from '../../db/approval-store.ts';
import { type ApprovalAudit, actorOf } from './audit.ts';
import { type ApprovalPolicy, nobodyMayApprove, subjectKey } from './policy.ts';
import type { ApprovalBoard } from './visibility.ts';

/** Fires an approval's expiry at its time (a delayed queue job with a deterministic id). */
export interface ApprovalTimers {
  schedule(approvalId: string, at: Date): Promise<void>;
}

export interface RequestDependencies {
  approvals: ApprovalStore;
  policy: ApprovalPolicy;
  board: ApprovalBoard;
  audit: ApprovalAudit;
  timers: ApprovalTimers;
  clock: Clock;
  log: Logger;
}

/**
 * Asking for an approval: resolve the policy for exactly this action and environment, store the request
 * bound to the arguments' canonical hash, post it in the thread, arm its expiry and tell the approvers.
 * Asking again for the same thing in the same thread (a re-run after a crash, a repeated command) returns
 * the pending approval instead of a second one.
 */
export class ApprovalRequests {
  readonly #deps: RequestDependencies;

  constructor(deps: RequestDependencies) {
    this.#deps = deps;
  }

  async request(task: Task, request: ApprovalRequest): Promise<ApprovalTicket> {
    const { approvals, policy, board, audit, timers, clock, log } = this.#deps;
    const parsed = ApprovalActionSchema.safeParse(request.action);
    if (!parsed.success) {
      throw new ChatOpsError('SKILL_FAILED', `The approval request is malformed: ${parsed.error.message}`, {
        remedy: 'This is a bug in the skill that asked; nothing ran.',
      });
    }
    const action = parsed.data;
    const resolved = policy.resolve(action, request.environment, request.defaultPolicy);
    if (nobodyMayApprove(resolved)) {
      await audit.record('approval-refused', actorOf(task), null, {
        task,
        action: `${action.kind}:${action.name}`,
        argsHash: stableHash(action.args),
        rule: resolved.rule,
        reason: 'nobody may approve',
      });
      throw new ChatOpsError('FORBIDDEN', `Nobody may approve ${action.name} here, so it cannot run.`, {
        remedy: `The approvals policy (${resolved.rule} in APPROVALS_CONFIG) names no approvers for it; ask an administrator if it should be allowed.`,
      });
    }
    const now = clock.now();
    const { approval, created } = await approvals.create({
      id: uuidv7(now.getTime()),
      tenantId: task.tenantId,
      replyTo: task.replyTo,
      requestTaskId: task.id,
      requestedBy: subjectKey({ platform: identityPlatform(task.platform), id: task.user.id }),
      requestedByName: task.user.name ?? task.user.id,
      action,
      argsHash: stableHash(action.args),
      title: request.title.slice(0, 3000),
      summary: (request.summary ?? []).slice(0, 12),
      environment: request.environment ?? null,
      policy: { ...resolved },
      requiredApprovals: resolved.required,
      expiresAt: new Date(now.getTime() + resolved.expiresInMinutes * 60_000),
    });
    if (created) {
      await audit.record('approval-requested', actorOf(task), approval, {
        task,
        rule: resolved.rule,
        required: resolved.required,
        approvers: resolved.approvers,
        expiresAt: approval.expiresAt.toISOString(),
      });
    }
    const posted = approval.messageId ? approval : await board.post(approval);
    await timers.schedule(approval.id, approval.expiresAt).catch((error: unknown) => {
      // The sweeper expires it anyway; a lost timer only delays the notice.
      log.warn('approval-timer-not-set', { approvalId: approval.id, error });
    });
    if (created) {
      const notified = await board.notifyApprovers(posted);
      log.info('approval-approvers-notified', { approvalId: approval.id, notified });
    }
    return ticketOf(posted);
  }
}

export function ticketOf(approval: ApprovalRow): ApprovalTicket {
  return {
    approvalId: approval.id,
    status: approval.status,
    expiresAt: approval.expiresAt.toISOString(),
    requiredApprovals: approval.requiredApprovals,
  };
}
