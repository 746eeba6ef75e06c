import { createHash } from 'node:crypto';
import { APPROVAL_EXECUTE_ACTION } from '../../core/approvals.ts';
import { stableHash } from '../../core/ids.ts';
import type { MessageView } from '../../core/ports.ts';
import { TASK_VERSION, type Task } from '../../core/task.ts';
import type { ApprovalRow } from '../../db/approval-store.ts';
import { isUuid } from '../../db/message-store.ts';

/**
 * What an approval is bound to, in one place: the exact action and the canonical hash of its arguments,
 * the tenant, the platform, the message whose buttons carry it, and the one continuation task that may
 * execute it. Anything else (other arguments, another message's button, a hand-made "execute" click)
 * does not match and runs nothing.
 */

/** The continuation's task id: derived from the approval, so however often it is enqueued it runs once. */
export function continuationTaskId(approvalId: string): string {
  const hex = createHash('sha256').update(`approval-continuation\u0000${approvalId}`).digest('hex');
  // RFC 9562 version 8 (custom) UUID: a valid uuid column value that no uuidv7 can collide with.
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The task that executes an approved action: on behalf of the requester (their roles and allowlists still
 * apply), in the approval's thread, routed to the executor skill. Commands carry their approved arguments.
 */
export function continuationTask(approval: ApprovalRow, receivedAt: Date): Task {
  const { action } = approval;
  const [platform, ...user] = approval.requestedBy.split(':');
  const textArgs = Object.entries(action.args).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  const args = Object.fromEntries(textArgs.filter(([key]) => key !== 'text'));
  const text = typeof action.args.text === 'string' ? action.args.text : '';
  return {
    v: TASK_VERSION,
    id: continuationTaskId(approval.id),
    tenantId: approval.tenantId,
    platform: (platform ?? approval.platform) as Task['platform'],
    kind: 'action',
    user: { id: user.join(':'), name: approval.requestedByName },
    channel: approval.channel,
    thread: approval.thread,
    text: action.kind === 'command' ? text : `run the approved ${action.name}`,
    ...(action.kind === 'command' ? { command: action.name, args } : {}),
    action: {
      id: APPROVAL_EXECUTE_ACTION,
      value: approval.id,
      messageId: approval.messageId ?? approval.id,
      skill: action.executor,
    },
    replyTo: approval.replyTo,
    sourceEventId: `approval-continuation.${approval.id}`,
    receivedAt: receivedAt.toISOString(),
  };
}

/** The parts of a continuation that must equal what was approved (the receive time may differ). */
function bindingOf(task: Task): unknown {
  const { receivedAt: _receivedAt, v: _v, ...bound } = task;
  return bound;
}

/** Why a continuation may not run, or null when it is exactly the approved one. */
export function continuationMismatch(approval: ApprovalRow, task: Task, executor: string): string | null {
  if (approval.continuationTaskId !== task.id) return 'this run is not the continuation the approval names';
  if (approval.action.executor !== executor) {
    return `the approved action is executed by ${approval.action.executor}, not ${executor}`;
  }
  if (stableHash(approval.action.args) !== approval.argsHash) return 'the arguments changed after approval';
  const expected = continuationTask(approval, new Date(task.receivedAt));
  if (stableHash(bindingOf(task)) !== stableHash(bindingOf(expected))) {
    return 'the run does not carry exactly the approved action and arguments';
  }
  return null;
}

/**
 * Whether a click may decide this approval: same tenant, same platform, and clicked on the approval's own
 * message, or on another message of ours that carries its card (a digest of pending approvals: `carrier`
 * is that stored message). A click that names none of our stored messages comes from a direct message (an
 * approver's 1:1 chat), where the approval id is the whole context; who clicked is still checked in full.
 */
export function clickMismatch(
  approval: ApprovalRow,
  click: Task,
  carrier?: Pick<MessageView, 'tenantId' | 'platform' | 'reply'> | null,
): 'other-tenant' | 'forged' | null {
  if (approval.tenantId !== click.tenantId) return 'other-tenant';
  if (approval.platform !== click.replyTo.platform) return 'forged';
  const messageId = click.action?.messageId ?? '';
  if (isUuid(messageId) && messageId !== approval.messageId && !carries(carrier, approval)) return 'forged';
  return null;
}

function carries(
  message: Pick<MessageView, 'tenantId' | 'platform' | 'reply'> | null | undefined,
  approval: ApprovalRow,
): boolean {
  if (!message || message.tenantId !== approval.tenantId || message.platform !== approval.platform)
    return false;
  return (message.reply?.blocks ?? []).some(
    (block) => block.type === 'approval' && block.approvalId === approval.id,
  );
}
