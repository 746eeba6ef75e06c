import { APPROVALS_SKILL } from '../../core/approvals.ts';
import type { LiveEvents, Logger, OutboundMessage, Sender } from '../../core/ports.ts';
import { markdownReply, type Reply } from '../../core/reply.ts';
import type { Platform } from '../../core/task.ts';
import type { ApprovalDecisionStore } from '../../db/approval-decision-store.ts';
import type { ApprovalRow, ApprovalStore } from '../../db/approval-store.ts';
import type { Directory } from '../../db/directory.ts';
import type { MessageStore, StoredMessage } from '../../db/message-store.ts';
import { postOnce } from '../../db/post-once.ts';
import { approvalCard, policyOf } from './card.ts';
import { eligibility, subjectKey } from './policy.ts';

export interface BoardDependencies {
  approvals: ApprovalStore;
  decisions: ApprovalDecisionStore;
  messages: MessageStore;
  directory: Directory;
  senders: ReadonlyMap<Platform, Sender>;
  live: LiveEvents;
  log: Logger;
}

/** Most approvers one request is sent to directly; everyone else sees it in the channel and their lists. */
const MAX_DIRECT_NOTICES = 25;

/**
 * Visibility of approvals through the platform-neutral ports only: the request is one message in the
 * requester's thread (stored, so every re-render and click refers to it), updated in place for everyone
 * on every change (Sender.update); approvers and requesters get direct messages (Sender.notifyUser) where
 * the platform has them, and a line in the thread where it does not.
 */
export class ApprovalBoard {
  readonly #deps: BoardDependencies;

  constructor(deps: BoardDependencies) {
    this.#deps = deps;
  }

  /** Posts the request card once (a re-run finds the card it posted); returns the approval with its message. */
  async post(approval: ApprovalRow): Promise<ApprovalRow> {
    const card = approvalCard(approval, []);
    const message = await this.#post(approval, `approval.${approval.id}`, card);
    if (!approval.messageId) await this.#deps.approvals.setMessage(approval.id, message.id);
    return { ...approval, messageId: approval.messageId ?? message.id };
  }

  /** Shows the approval's current state on its message, for everyone. */
  async refresh(approvalId: string): Promise<ApprovalRow | null> {
    const { approvals, decisions, messages, live } = this.#deps;
    const approval = await approvals.get(approvalId);
    if (!approval?.messageId) return approval;
    const card = approvalCard(approval, await decisions.of(approval.id));
    const updated = await messages.updateReply(approval.messageId, card, APPROVALS_SKILL);
    if (!updated) return approval;
    await live.publish({ type: 'message.updated', message: updated });
    if (updated.platformMessageId) {
      await this.#sender(approval)
        .update(approval.replyTo, updated.platformMessageId, card, outbound(updated, approval))
        .catch((error: unknown) => this.#deps.log.warn('approval-card-update-failed', { error }));
    }
    return approval;
  }

  /** A line in the approval's thread, once per `key` (expiry and cancellation notices). */
  async say(approval: ApprovalRow, key: string, text: string): Promise<void> {
    await this.#post(approval, `approval.${approval.id}.${key}`, markdownReply(text));
  }

  /**
   * Direct-messages the requester. Where the platform has no direct messages, `inThread` says it in the
   * thread instead (for outcomes nothing else in the thread announces: a rejection, an expiry).
   */
  async tellRequester(approval: ApprovalRow, key: string, text: string, inThread: boolean): Promise<void> {
    const [, ...user] = approval.requestedBy.split(':');
    const delivered = await this.#notify(approval, user.join(':'), markdownReply(text));
    if (!delivered && inThread) await this.say(approval, key, text);
  }

  /** Sends the request, with working buttons, to the people who may decide it (best effort). */
  async notifyApprovers(approval: ApprovalRow): Promise<number> {
    if (!this.#sender(approval).notifyUser) return 0;
    const policy = policyOf(approval);
    const holders = await this.#deps.directory.usersWithRoles(approval.tenantId);
    const candidates = new Map<string, { id: string; roles: string[] }>();
    for (const holder of holders) {
      if (holder.platform === approval.platform) {
        candidates.set(holder.externalId, { id: holder.externalId, roles: holder.roles });
      }
    }
    for (const user of policy.approvers.users) {
      const [platform, ...id] = user.split(':');
      if (platform === approval.platform && !candidates.has(id.join(':'))) {
        candidates.set(id.join(':'), { id: id.join(':'), roles: [] });
      }
    }
    const card = approvalCard(approval, []);
    const notice: Reply = {
      ...card,
      text: `${approval.requestedByName} asks for your approval: ${approval.title}`,
      blocks: [
        {
          type: 'markdown',
          text: `*${approval.requestedByName}* asks for your approval (#${approval.channel}):`,
        },
        ...card.blocks,
      ],
    };
    let sent = 0;
    for (const candidate of candidates.values()) {
      if (sent >= MAX_DIRECT_NOTICES) break;
      const subject = { platform: approval.platform, id: candidate.id, roles: candidate.roles };
      if (subjectKey(subject) === approval.requestedBy) continue;
      if (eligibility(policy, subject, approval.requestedBy) !== 'eligible') continue;
      if (await this.#notify(approval, candidate.id, notice)) sent += 1;
    }
    return sent;
  }

  async #notify(approval: ApprovalRow, userId: string, reply: Reply): Promise<boolean> {
    const notifyUser = this.#sender(approval).notifyUser;
    if (!notifyUser) return false;
    try {
      await notifyUser.call(this.#sender(approval), { tenantId: approval.tenantId, userId }, reply);
      return true;
    } catch (error) {
      this.#deps.log.warn('approval-notice-failed', { approvalId: approval.id, userId, error });
      return false;
    }
  }

  #post(approval: ApprovalRow, deliveryKey: string, reply: Reply): Promise<StoredMessage> {
    return postOnce(this.#deps, this.#sender(approval), approval.replyTo, {
      reply,
      skill: APPROVALS_SKILL,
      taskId: approval.requestTaskId,
      deliveryKey,
    });
  }

  #sender(approval: ApprovalRow): Sender {
    const sender = this.#deps.senders.get(approval.replyTo.platform);
    if (!sender) throw new Error(`no sender for ${approval.replyTo.platform}`);
    return sender;
  }
}

function outbound(message: StoredMessage, approval: ApprovalRow): OutboundMessage {
  return {
    id: message.id,
    taskId: approval.requestTaskId,
    skill: APPROVALS_SKILL,
    createdAt: new Date(message.createdAt),
  };
}
