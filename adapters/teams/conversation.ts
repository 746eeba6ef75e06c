import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ReplyAddress } from '../../src/core/index.ts';
import type { InboundActivity } from './activity.ts';

/**
 * Where a Teams conversation lives and how to answer in it. A channel post and its replies share the
 * channel's conversation id plus `;messageid=<root>`: posting to that id lands in the same reply chain.
 * Chats (1:1 and group) have no reply chains: the whole chat is one thread. Ids are kept exactly as Teams
 * sent them (they go into URL paths raw).
 */
export type ConversationType = 'personal' | 'groupChat' | 'channel';

export interface TeamsConversation {
  type: ConversationType;
  /** The conversation id without `;messageid=…`: the channel or chat. */
  channel: string;
  /** The reply chain: the root post's id in a channel, the chat id in a chat. */
  thread: string;
}

const MESSAGE_ID_SUFFIX = ';messageid=';

export function conversationOf(activity: InboundActivity): TeamsConversation {
  const id = activity.conversation.id;
  const [channel = id, root] = id.split(MESSAGE_ID_SUFFIX);
  const declared = activity.conversation.conversationType;
  const type: ConversationType =
    declared === 'channel' || declared === 'groupChat'
      ? declared
      : declared === 'personal' || !activity.conversation.isGroup
        ? 'personal'
        : 'groupChat';
  if (type !== 'channel') return { type, channel: id, thread: id };
  // A new channel post that mentions the bot is its own root.
  return { type, channel, thread: root ?? activity.id ?? channel };
}

/** What the sender needs beyond channel + thread; kept in `ReplyAddress.ref` (plain JSON). */
export const TeamsReferenceSchema = z.object({
  serviceUrl: z.string().url(),
  /** The id to post to: the chat, or the channel plus `;messageid=<root>`. */
  conversationId: z.string().min(1),
  conversationType: z.enum(['personal', 'groupChat', 'channel']),
  botId: z.string().min(1),
  tenantId: z.string().min(1),
});
export type TeamsReference = z.infer<typeof TeamsReferenceSchema>;

export function replyAddressOf(
  activity: InboundActivity,
  tenantId: string,
  conversation: TeamsConversation,
): ReplyAddress {
  const conversationId =
    conversation.type === 'channel'
      ? `${conversation.channel}${MESSAGE_ID_SUFFIX}${conversation.thread}`
      : conversation.channel;
  const ref: TeamsReference = {
    serviceUrl: activity.serviceUrl,
    conversationId,
    conversationType: conversation.type,
    botId: activity.recipient.id,
    tenantId,
  };
  return { platform: 'teams', tenantId, channel: conversation.channel, thread: conversation.thread, ref };
}

/** The id to post to for an address without a stored reference (a proactive post into a channel). */
export function conversationIdOf(address: ReplyAddress): string {
  if (address.channel === address.thread) return address.channel;
  return `${address.channel}${MESSAGE_ID_SUFFIX}${address.thread}`;
}

/** Short stable digest for dedupe keys (Teams ids are long and contain `:`, `@` and `;`). */
export function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}
