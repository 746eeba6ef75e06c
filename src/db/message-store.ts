import { Batcher } from '../core/batcher.ts';
import type { MessageView } from '../core/ports.ts';
import { approvalButtons, feedbackButtons, type Reply, replyButtons } from '../core/reply.ts';
import type { Platform } from '../core/task.ts';
import { conversationId } from './conversation-id.ts';
import type { Database } from './database.ts';
import { transpose } from './sql-arrays.ts';

export interface BotMessageInput {
  id: string;
  tenantId: string;
  platform: Platform;
  channel: string;
  thread: string;
  reply: Reply;
  skill: string | null;
  taskId: string;
  /** Unique per task and position; storing the same key twice returns the first message. */
  deliveryKey: string;
}

export interface StoredMessage extends MessageView {
  platformMessageId: string | null;
  deliveryKey: string | null;
}

const COLUMNS = `id, tenant_id, platform, channel, thread, author_kind, author_id, author_name, text, reply, actions,
  skill, task_id, platform_message_id, delivery_key, created_at, updated_at`;

/** A bot message; its parameters are botMessageRow's. */
const INSERT_ONE = `with new_conversation as (
     insert into conversations (id, tenant_id, platform, channel, thread) values ($2, $3, $4, $5, $6)
     on conflict (id) do nothing
   )
   insert into messages (id, conversation_id, tenant_id, platform, channel, thread, author_kind, author_id,
                         author_name, text, reply, actions, skill, task_id, delivery_key)
   values ($1, $2, $3, $4, $5, $6, 'bot', 'chatops', 'chatops', $7, $8::jsonb, $9::jsonb, $10, $11, $12)
   on conflict (delivery_key) do nothing
   returning delivery_key, created_at`;

/** Bot messages, the same columns as arrays. */
const INSERT_MANY = `with input as (
     select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                          $8::text[], $9::text[], $10::text[], $11::uuid[], $12::text[])
       with ordinality as i(id, conversation_id, tenant_id, platform, channel, thread, text, reply, actions,
                            skill, task_id, delivery_key, position)
   ), new_conversation as (
     insert into conversations (id, tenant_id, platform, channel, thread)
     select conversation_id, tenant_id, platform, channel, thread from input order by position
     on conflict (id) do nothing
   )
   insert into messages (id, conversation_id, tenant_id, platform, channel, thread, author_kind, author_id,
                         author_name, text, reply, actions, skill, task_id, delivery_key)
   select id, conversation_id, tenant_id, platform, channel, thread, 'bot', 'chatops', 'chatops', text,
          reply::jsonb, actions::jsonb, skill, task_id, delivery_key
     from input order by position
   on conflict (delivery_key) do nothing
   returning delivery_key, created_at`;

/** Messages of every thread: what the API, the web chat and (later) the supervisor's memory read. */
export class MessageStore {
  readonly #database: Database;
  readonly #insert: Batcher<BotMessageInput, StoredMessage | null>;

  constructor(database: Database) {
    this.#database = database;
    this.#insert = new Batcher((inputs) => this.#insertMany(inputs), {
      one: (input) => this.#insertOne(input),
      key: (input) => input.deliveryKey,
    });
  }

  /** Stores a bot message; `created` is false when a re-run finds the message it stored before. */
  async insertBotMessage(input: BotMessageInput): Promise<{ message: StoredMessage; created: boolean }> {
    const inserted = await this.#insert.submit(input);
    if (inserted) return { message: inserted, created: true };
    const existing = await this.byDeliveryKey(input.deliveryKey);
    if (!existing) throw new Error(`message with delivery key ${input.deliveryKey} vanished`);
    return { message: existing, created: false };
  }

  // Concurrent replies (one per running task) share one statement and one commit; see Batcher. A lone one
  // takes the one-row statement (see ledger-statements.ts for why).
  async #insertOne(input: BotMessageInput): Promise<StoredMessage | null> {
    const actions = actionsOf(input.reply, input.id);
    const rows = await this.#database.sql<Record<string, unknown>>(INSERT_ONE, botMessageRow(input, actions));
    return rows[0] ? storedBotMessage(input, actions, rows[0].created_at as string | Date) : null;
  }

  async #insertMany(inputs: readonly BotMessageInput[]): Promise<(StoredMessage | null)[]> {
    const actions = inputs.map((input) => actionsOf(input.reply, input.id));
    const rows = await this.#database.sql<Record<string, unknown>>(
      INSERT_MANY,
      transpose(
        inputs.map((input, index) => botMessageRow(input, actions[index] ?? [])),
        12,
      ),
    );
    const createdAt = new Map(rows.map((row) => [String(row.delivery_key), row.created_at as string | Date]));
    return inputs.map((input, index) => {
      const at = createdAt.get(input.deliveryKey);
      return at === undefined ? null : storedBotMessage(input, actions[index] ?? [], at);
    });
  }

  async updateReply(messageId: string, reply: Reply, skill: string | null): Promise<StoredMessage | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `update messages set text = $2, reply = $3::jsonb, actions = $4::jsonb, skill = coalesce($5, skill), updated_at = now()
        where id = $1 returning ${COLUMNS}`,
      [messageId, reply.text, JSON.stringify(reply), JSON.stringify(actionsOf(reply, messageId)), skill],
    );
    return rows[0] ? toStored(rows[0]) : null;
  }

  async setPlatformMessageId(messageId: string, platformMessageId: string): Promise<void> {
    await this.#database.sql('update messages set platform_message_id = $2 where id = $1', [
      messageId,
      platformMessageId,
    ]);
  }

  async byId(messageId: string): Promise<StoredMessage | null> {
    if (!isUuid(messageId)) return null;
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from messages where id = $1`,
      [messageId],
    );
    return rows[0] ? toStored(rows[0]) : null;
  }

  async byDeliveryKey(deliveryKey: string): Promise<StoredMessage | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from messages where delivery_key = $1`,
      [deliveryKey],
    );
    return rows[0] ? toStored(rows[0]) : null;
  }

  /** A thread's messages, user and bot, oldest first. */
  async thread(
    tenantId: string,
    platform: Platform,
    channel: string,
    thread: string,
  ): Promise<StoredMessage[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from messages where conversation_id = $1 order by seq`,
      [conversationId(tenantId, platform, channel, thread)],
    );
    return rows.map(toStored);
  }

  /** Finds which channel a thread lives in (the API addresses threads by id alone). */
  async threadLocation(
    tenantId: string,
    platform: Platform,
    thread: string,
  ): Promise<{ channel: string } | null> {
    const rows = await this.#database.sql<{ channel: string }>(
      'select channel from conversations where tenant_id = $1 and platform = $2 and thread = $3 limit 1',
      [tenantId, platform, thread],
    );
    return rows[0] ?? null;
  }

  /** The latest messages of a channel (all threads), oldest first. */
  async channel(
    tenantId: string,
    platform: Platform,
    channel: string,
    limit: number,
  ): Promise<StoredMessage[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select * from (select ${COLUMNS}, seq from messages where tenant_id = $1 and platform = $2 and channel = $3
        order by seq desc limit $4) latest order by seq`,
      [tenantId, platform, channel, limit],
    );
    return rows.map(toStored);
  }

  /** Bot replies of a task, in order. */
  async repliesOf(taskId: string): Promise<StoredMessage[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from messages where task_id = $1 and author_kind = 'bot' order by seq`,
      [taskId],
    );
    return rows.map(toStored);
  }

  async channels(tenantId: string, platform: Platform): Promise<string[]> {
    const rows = await this.#database.sql<{ channel: string }>(
      'select distinct channel from conversations where tenant_id = $1 and platform = $2 order by channel',
      [tenantId, platform],
    );
    return rows.map((row) => row.channel);
  }
}

/**
 * The buttons a click on this message may name: its own, an approval's Approve / Reject while pending, and
 * 👍/👎 under an answer that asked for feedback (the API accepts only clicks on buttons a message shows).
 */
function actionsOf(reply: Reply, messageId: string): MessageView['actions'] {
  const approvals = reply.blocks.flatMap((block) =>
    block.type === 'approval' ? approvalButtons(block) : [],
  );
  return [...replyButtons(reply), ...approvals, ...(reply.feedback ? feedbackButtons(messageId) : [])]
    .filter((button) => !button.url)
    .map(({ id, label, value, style }) => ({ id, label, style, ...(value === undefined ? {} : { value }) }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** One bot message's parameters, in the order both insert statements take them. */
function botMessageRow(input: BotMessageInput, actions: MessageView['actions']): unknown[] {
  return [
    input.id,
    conversationId(input.tenantId, input.platform, input.channel, input.thread),
    input.tenantId,
    input.platform,
    input.channel,
    input.thread,
    input.reply.text,
    JSON.stringify(input.reply),
    JSON.stringify(actions),
    input.skill,
    input.taskId,
    input.deliveryKey,
  ];
}

/**
 * The message as stored: what was given, with the time the database gave it (the reply's JSON is not
 * sent back and parsed again).
 */
function storedBotMessage(
  input: BotMessageInput,
  actions: MessageView['actions'],
  createdAt: string | Date,
): StoredMessage {
  const at = new Date(createdAt).toISOString();
  return {
    id: input.id,
    tenantId: input.tenantId,
    platform: input.platform,
    channel: input.channel,
    thread: input.thread,
    author: { kind: 'bot', id: 'chatops', name: 'chatops' },
    text: input.reply.text,
    reply: input.reply,
    actions,
    skill: input.skill,
    taskId: input.taskId,
    platformMessageId: null,
    deliveryKey: input.deliveryKey,
    createdAt: at,
    updatedAt: at,
  };
}

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function toStored(row: Record<string, unknown>): StoredMessage {
  const reply = row.reply === null || row.reply === undefined ? null : json<Reply>(row.reply);
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    platform: row.platform as Platform,
    channel: String(row.channel),
    thread: String(row.thread),
    author: {
      kind: row.author_kind as 'user' | 'bot',
      id: String(row.author_id),
      name: String(row.author_name),
    },
    text: String(row.text),
    reply,
    actions: json<MessageView['actions']>(row.actions ?? []),
    skill: (row.skill as string | null) ?? null,
    taskId: (row.task_id as string | null) ?? null,
    platformMessageId: (row.platform_message_id as string | null) ?? null,
    deliveryKey: (row.delivery_key as string | null) ?? null,
    createdAt: new Date(row.created_at as string).toISOString(),
    updatedAt: new Date(row.updated_at as string).toISOString(),
  };
}
