import { uuidv7 } from '../core/ids.ts';
import type { LiveEvents, Sender } from '../core/ports.ts';
import type { Reply } from '../core/reply.ts';
import type { ReplyAddress } from '../core/task.ts';
import type { MessageStore, StoredMessage } from './message-store.ts';

/** A bot message the runtime posts on its own (an approval card, a workflow's progress message). */
export interface OncePost {
  reply: Reply;
  skill: string | null;
  taskId: string;
  /** Names this post for good: a second post with the same key finds the first instead of posting again. */
  deliveryKey: string;
}

/**
 * Posts a bot message once, whatever happens around it. The message is stored under its delivery key first,
 * so a second call with the same key (a re-run after a crash, a second worker) finds it: one that reached
 * the platform (it has the platform's message id) is not sent again; one stored but never delivered is
 * announced to live viewers and sent now.
 */
export async function postOnce(
  store: { messages: MessageStore; live: LiveEvents },
  sender: Sender,
  replyTo: ReplyAddress,
  post: OncePost,
): Promise<StoredMessage> {
  const { messages, live } = store;
  const { message, created } = await messages.insertBotMessage({
    id: uuidv7(),
    tenantId: replyTo.tenantId,
    platform: replyTo.platform,
    channel: replyTo.channel,
    thread: replyTo.thread,
    ...post,
  });
  if (!created && message.platformMessageId) return message;
  await live.publish({ type: created ? 'message.created' : 'message.updated', message });
  const sent = await sender.send(replyTo, post.reply, {
    id: message.id,
    taskId: post.taskId,
    skill: post.skill,
    createdAt: new Date(message.createdAt),
  });
  if (sent.platformMessageId) {
    await messages.setPlatformMessageId(message.id, sent.platformMessageId);
    message.platformMessageId = sent.platformMessageId;
  }
  return message;
}
