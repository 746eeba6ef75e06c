import { defineEntity, p } from '@mikro-orm/core';
import type { Reply } from '../../core/reply.ts';

/** A thread on a platform, and every message in it (the user's and the bot's). */
export const Conversation = defineEntity({
  name: 'Conversation',
  tableName: 'conversations',
  properties: {
    /** Derived from tenant, platform, channel and thread, so writers need no lookup. */
    id: p.text().primary(),
    tenantId: p.text(),
    platform: p.text(),
    channel: p.text(),
    thread: p.text(),
    /** The skill that answered last: sticky routing for follow-ups. */
    skill: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'conversations_channel_index', properties: ['tenantId', 'platform', 'channel'] }],
});

export const Message = defineEntity({
  name: 'Message',
  tableName: 'messages',
  properties: {
    id: p.uuid().primary(),
    seq: p.bigint('number').autoincrement(),
    conversation: () => p.manyToOne(Conversation),
    tenantId: p.text(),
    platform: p.text(),
    channel: p.text(),
    thread: p.text(),
    authorKind: p.enum(['user', 'bot']),
    authorId: p.text(),
    authorName: p.text(),
    text: p.text(),
    reply: p.json<Reply>().nullable(),
    actions: p.json<{ id: string; label: string; value?: string; style: string }[]>().defaultRaw(`'[]'`),
    skill: p.text().nullable(),
    taskId: p.uuid().nullable(),
    /** Task id + position of a bot reply: a re-run after a crash finds it instead of posting twice. */
    deliveryKey: p.text().nullable().unique(),
    platformMessageId: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    { name: 'messages_conversation_index', properties: ['conversation', 'seq'] },
    { name: 'messages_channel_index', properties: ['tenantId', 'platform', 'channel', 'seq'] },
    {
      name: 'messages_platform_message_index',
      // The bot's own message by its Slack ts (a thread root): see Migration20261202100000.
      expression:
        "create index messages_platform_message_index on messages (tenant_id, platform, channel, (split_part(platform_message_id, ',', 1))) where author_kind = 'bot' and platform_message_id is not null",
    },
  ],
});
