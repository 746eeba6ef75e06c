import type {
  ApprovalDecisionRequest,
  ApprovalDecisionResult,
  ApprovalRefusal,
} from '../../core/approvals.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Clock, Logger } from '../../core/ports.ts';
import { identityPlatform, type Task } from '../../core/task.ts';
import type { ApprovalDecisionStore, DecisionRow } from '../../db/approval-decision-store.ts';
import type { ApprovalRow, ApprovalStore } from '../../db/approval-store.ts';
import type { Directory } from '../../db/directory.ts';
import type { MessageStore } from '../../db/message-store.ts';
import { type ApprovalAudit, actorOf } from './audit.ts';
import { clickMismatch, continuationTask } from './binding.ts';
import { actionLabel, policyOf, utc } from './card.ts';
import type { ApprovalContinuationRunner } from './continuation.ts';
import { describeApprovers, eligibility, mayCancel, subjectKey } from './policy.ts';
import type { ApprovalBoard } from './visibility.ts';

export interface DecisionDependencies {
  approvals: ApprovalStore;
  decisions: ApprovalDecisionStore;
  directory: Directory;
  board: ApprovalBoard;
  audit: ApprovalAudit;
  continuations: ApprovalContinuationRunner;
  /** Expires an approval whose time is up (a late click shows the expiry to everyone at once). */
  expire(approvalId: string): Promise<unknown>;
  /** Looks up a clicked message that is not the approval's own (a digest carrying its card). */
  messages?: Pick<MessageStore, 'byId'>;
  clock: Clock;
  log: Logger;
}

/**
 * Deciding: the server checks who clicked (identity from the platform, roles from the directory, tenant),
 * that the button belongs to this approval, and that it is pending and unexpired; then the decision is
 * recorded with one compare-and-set. Every refusal is audited and explained to the clicker; every
 * recorded decision updates the message for everyone, and the last approval needed starts the action.
 */
export class ApprovalDecisions {
  readonly #deps: DecisionDependencies;

  constructor(deps: DecisionDependencies) {
    this.#deps = deps;
  }

  async decide(task: Task, request: ApprovalDecisionRequest): Promise<ApprovalDecisionResult> {
    const { approvals, decisions, directory } = this.#deps;
    const approval = await approvals.get(request.approvalId);
    if (!approval)
      return this.#refuse(
        task,
        null,
        'unknown-approval',
        `There is no approval ${request.approvalId.slice(0, 80)} here.`,
        request,
      );
    const clicked = task.action?.messageId;
    const carrier =
      clicked && clicked !== approval.messageId && this.#deps.messages
        ? await this.#deps.messages.byId(clicked)
        : null;
    const mismatch = clickMismatch(approval, task, carrier);
    if (mismatch === 'other-tenant')
      return this.#refuse(
        task,
        approval,
        mismatch,
        'This approval belongs to another tenant; you cannot decide it.',
        request,
      );
    if (mismatch)
      return this.#refuse(
        task,
        approval,
        mismatch,
        'This button does not belong to that approval, so nothing was decided.',
        request,
      );
    const earlier = await decisions.byTask(task.id);
    if (earlier?.approvalId === approval.id) return this.#repeat(approval, earlier);
    const refusal = await this.#stateRefusal(task, approval, request);
    if (refusal) return refusal;
    if (task.onBehalfOf && task.onBehalfOf.scope !== 'decide-as') {
      return this.#refuse(task, approval, 'not-own-identity', notOwnIdentity(task), request);
    }
    const platform = identityPlatform(task.platform);
    const roles = await directory.rolesOf(task.tenantId, platform, task.user.id);
    const subject = { platform, id: task.user.id, roles };
    const key = subjectKey(subject);
    const policy = policyOf(approval);
    if (request.decision === 'reject' && key === approval.requestedBy && mayCancel(policy, subject, key)) {
      return this.cancel(task, approval.id, request.reason);
    }
    const allowed = eligibility(policy, subject, approval.requestedBy);
    if (allowed === 'self-approval') {
      return this.#refuse(
        task,
        approval,
        allowed,
        `You asked for this yourself, so you cannot ${request.decision} it: it needs ${describeApprovers(policy)}.`,
        request,
      );
    }
    if (allowed === 'not-an-approver') {
      const role = policy.approvers.roles[0];
      return this.#refuse(
        task,
        approval,
        allowed,
        `You may not decide this: it needs ${describeApprovers(policy)}.${role ? ` (An administrator can run: chatops role grant ${task.platform === 'api' ? '' : `${task.platform}:`}${task.user.id} ${role})` : ''}`,
        request,
      );
    }
    if (approval.deciders.includes(key)) return this.#alreadyCounted(task, approval, request);
    return this.#record(task, approval, request, key);
  }

  /** Withdraws a pending approval, if the policy lets this person cancel it. */
  async cancel(task: Task, approvalId: string, reason?: string): Promise<ApprovalDecisionResult> {
    const { approvals, directory, audit, board } = this.#deps;
    const approval = await approvals.get(approvalId);
    if (!approval || approval.tenantId !== task.tenantId) {
      return this.#refuse(
        task,
        approval,
        approval ? 'other-tenant' : 'unknown-approval',
        `There is no approval ${approvalId.slice(0, 80)} here.`,
        { approvalId, decision: 'reject' },
      );
    }
    const platform = identityPlatform(task.platform);
    const roles = await directory.rolesOf(task.tenantId, platform, task.user.id);
    const subject = { platform, id: task.user.id, roles };
    // A key acting for the requester may withdraw their request; cancelling as anyone else is deciding.
    const onBehalf = task.onBehalfOf;
    if (onBehalf && onBehalf.scope !== 'decide-as' && subjectKey(subject) !== approval.requestedBy) {
      return this.#refuse(task, approval, 'not-own-identity', notOwnIdentity(task), {
        approvalId,
        decision: 'reject',
      });
    }
    if (!mayCancel(policyOf(approval), subject, approval.requestedBy)) {
      return this.#refuse(
        task,
        approval,
        'not-allowed-to-cancel',
        'You may not cancel this approval: only the requester, its approvers or the roles the policy names may.',
        { approvalId, decision: 'reject' },
      );
    }
    const name = task.user.name ?? task.user.id;
    const cancelled = await approvals.cancel(
      approval.id,
      task.tenantId,
      name,
      reason?.trim().slice(0, 500) || null,
    );
    if (!cancelled)
      return this.#stateRefusal(task, (await approvals.get(approval.id)) ?? approval, {
        approvalId,
        decision: 'reject',
      }).then((refusal) => refusal ?? result('refused', approval, 'Nothing to cancel.', 'not-pending'));
    await audit.record('approval-cancelled', actorOf(task), cancelled, { task, reason: reason ?? null });
    await board.refresh(approval.id);
    await this.#deps.continuations.settleRequest(approval.requestTaskId);
    return result('recorded', cancelled, `${name} cancelled the request. Nothing ran.`);
  }

  async #record(
    task: Task,
    approval: ApprovalRow,
    request: ApprovalDecisionRequest,
    key: string,
  ): Promise<ApprovalDecisionResult> {
    const { decisions, approvals, audit, board, continuations, clock } = this.#deps;
    const name = task.user.name ?? task.user.id;
    const reason = request.reason?.trim().slice(0, 500) || null;
    const input = {
      id: uuidv7(),
      approvalId: approval.id,
      tenantId: task.tenantId,
      deciderKey: key,
      platform: task.platform,
      userId: task.user.id,
      userName: name,
      reason,
      taskId: task.id,
    };
    const counted =
      request.decision === 'approve'
        ? await decisions.approve(input, continuationTask(approval, clock.now()))
        : await decisions.reject(input);
    if (!counted) {
      // Lost the compare-and-set: someone decided, or time ran out, between our read and our write.
      const now = (await approvals.get(approval.id)) ?? approval;
      return (await this.#stateRefusal(task, now, request)) ?? this.#alreadyCounted(task, now, request);
    }
    const decided = (await approvals.get(approval.id)) ?? approval;
    await audit.record('approval-decided', actorOf(task), decided, {
      task,
      decision: request.decision,
      reason,
      given: counted.approvalsGiven,
      required: counted.requiredApprovals,
    });
    if (counted.status === 'approved') {
      await audit.record('approval-approved', actorOf(task), decided, { task });
      await continuations.start(decided);
    }
    if (counted.status === 'rejected')
      await audit.record('approval-rejected', actorOf(task), decided, { task, reason });
    await board.refresh(approval.id);
    const message = outcomeMessage(decided, name, reason);
    if (counted.status !== 'pending') {
      // An approval is announced in the thread by what the action posts; a rejection by nothing else.
      const inThread = counted.status === 'rejected';
      await board.tellRequester(
        decided,
        `decided-${counted.status}`,
        `${message} (${decided.title})`,
        inThread,
      );
    }
    if (counted.status === 'rejected') await continuations.settleRequest(decided.requestTaskId);
    return result('recorded', decided, message);
  }

  /** A re-run of a click that was already counted (its worker died after recording it). */
  async #repeat(approval: ApprovalRow, earlier: DecisionRow): Promise<ApprovalDecisionResult> {
    if (approval.status === 'approved') await this.#deps.continuations.start(approval);
    await this.#deps.board.refresh(approval.id);
    return result('recorded', approval, outcomeMessage(approval, earlier.userName, earlier.reason));
  }

  async #stateRefusal(
    task: Task,
    approval: ApprovalRow,
    request: ApprovalDecisionRequest,
  ): Promise<ApprovalDecisionResult | null> {
    if (approval.status !== 'pending') {
      return this.#refuse(task, approval, 'not-pending', await this.#already(approval), request);
    }
    if (approval.expiresAt.getTime() <= this.#deps.clock.now().getTime()) {
      await this.#deps.expire(approval.id);
      return this.#refuse(
        task,
        approval,
        'expired',
        `Too late: this approval expired ${utc(approval.expiresAt)}. Request it again.`,
        request,
      );
    }
    return null;
  }

  async #alreadyCounted(
    task: Task,
    approval: ApprovalRow,
    request: ApprovalDecisionRequest,
  ): Promise<ApprovalDecisionResult> {
    const missing = approval.requiredApprovals - approval.approvalsGiven;
    return this.#refuse(
      task,
      approval,
      'already-counted',
      `Your decision on this was already counted (${approval.approvalsGiven} of ${approval.requiredApprovals} approvals${missing > 0 ? `; it still needs ${missing} more` : ''}).`,
      request,
    );
  }

  async #already(approval: ApprovalRow): Promise<string> {
    const list = await this.#deps.decisions.of(approval.id);
    const decisive = list.filter(
      (decision) => decision.decision === (approval.status === 'rejected' ? 'rejected' : 'approved'),
    );
    const who = decisive.map((decision) => `${decision.userName} at ${utc(decision.createdAt)}`).join(', ');
    switch (approval.status) {
      case 'approved':
      case 'rejected':
        return `Already ${approval.status} by ${who || 'someone else'}.`;
      case 'expired':
        return `This approval expired ${utc(approval.expiresAt)}.`;
      default:
        return `This approval was cancelled by ${approval.cancelledBy ?? 'the requester'}.`;
    }
  }

  async #refuse(
    task: Task,
    approval: ApprovalRow | null,
    refusal: ApprovalRefusal,
    message: string,
    request: ApprovalDecisionRequest,
  ): Promise<ApprovalDecisionResult> {
    await this.#deps.audit.record('approval-denied', actorOf(task), approval, {
      task,
      refusal,
      decision: request.decision,
      clickedApprovalId: request.approvalId.slice(0, 255),
      clickerTenant: task.tenantId,
    });
    return approval
      ? result('refused', approval, message, refusal)
      : { outcome: 'refused', status: 'pending', message, refusal, approvalsGiven: 0, approvalsRequired: 0 };
  }
}

function notOwnIdentity(task: Task): string {
  return `API key ${task.onBehalfOf?.apiKey} acts for ${task.user.name ?? task.user.id} but may not decide approvals for them. Decide with your own token, or ask an administrator for a key with the scope decide-as.`;
}

function outcomeMessage(approval: ApprovalRow, name: string, reason: string | null): string {
  const policy = policyOf(approval);
  switch (approval.status) {
    case 'approved':
      return `${name} approved (${approval.approvalsGiven} of ${approval.requiredApprovals}): ${actionLabel(approval)} runs now.`;
    case 'rejected':
      return `${name} rejected it${reason ? `: ${reason}` : ''}. Nothing ran.`;
    default:
      return `${name} approved (${approval.approvalsGiven} of ${approval.requiredApprovals}). Still needed: ${approval.requiredApprovals - approval.approvalsGiven} more (${describeApprovers(policy)}).`;
  }
}

function result(
  outcome: 'recorded' | 'refused',
  approval: ApprovalRow,
  message: string,
  refusal?: ApprovalRefusal,
): ApprovalDecisionResult {
  return {
    outcome,
    status: approval.status,
    message,
    ...(refusal ? { refusal } : {}),
    approvalsGiven: approval.approvalsGiven,
    approvalsRequired: approval.requiredApprovals,
  };
}
