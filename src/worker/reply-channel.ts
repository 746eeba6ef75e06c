import { uuidv7 } from '../core/ids.ts';
import type { LiveEvents, Logger, OutboundMessage, Sender } from '../core/ports.ts';
import { REPLY_VERSION, type Reply, type ReplyInput, ReplySchema } from '../core/reply.ts';
import type { PostedMessage } from '../core/skill.ts';
import type { Task } from '../core/task.ts';
import type { MessageStore, StoredMessage } from '../db/message-store.ts';

export interface ReplyChannelOptions {
  /** The task replies answer: its id (the delivery keys) and where replies go. */
  task: Pick<Task, 'id' | 'replyTo'>;
  skill: string | null;
  messages: MessageStore;
  sender: Sender;
  live: LiveEvents;
  log: Logger;
  /** Added under the first reply (e.g. "no language model is configured"). */
  note?: string;
}

/**
 * Where a skill's replies go: each is stored (with a delivery key of task id + position, so a re-run after
 * a crash finds what it already posted instead of posting twice), sent through the platform's sender to
 * the task's thread, and announced to live viewers. Progress is one message updated in place and then
 * replaced by the next reply.
 */
export class ReplyChannel {
  readonly #options: ReplyChannelOptions;
  #position = 0;
  #progress: StoredMessage | null = null;
  #noteShown = false;
  #posted = 0;

  constructor(options: ReplyChannelOptions) {
    this.#options = options;
  }

  /** How many replies this run posted (a task that posts nothing gets a fallback answer). */
  get posted(): number {
    return this.#posted;
  }

  async reply(input: ReplyInput | Reply | string): Promise<PostedMessage> {
    const reply = this.#withNote(normalise(input));
    this.#posted += 1;
    if (this.#progress) {
      const progress = this.#progress;
      this.#progress = null;
      return this.#replace(progress, reply);
    }
    this.#position += 1;
    return this.#post(reply, `${this.#options.task.id}.${this.#position}`);
  }

  async progress(step: string, percent?: number): Promise<void> {
    const reply = ReplySchema.parse({
      v: REPLY_VERSION,
      text: step,
      blocks: [{ type: 'progress', step, ...(percent === undefined ? {} : { percent }) }],
    });
    if (this.#progress) {
      this.#progress = await this.#replace(this.#progress, reply);
      return;
    }
    this.#progress = await this.#post(reply, `${this.#options.task.id}.progress`);
  }

  async #post(reply: Reply, deliveryKey: string): Promise<StoredMessage> {
    const { task, skill, messages, sender, live } = this.#options;
    const { message, created } = await messages.insertBotMessage({
      id: uuidv7(),
      tenantId: task.replyTo.tenantId,
      platform: task.replyTo.platform,
      channel: task.replyTo.channel,
      thread: task.replyTo.thread,
      reply,
      skill,
      taskId: task.id,
      deliveryKey,
    });
    if (!created && message.platformMessageId) return message;
    if (!created) {
      // A re-run reached a reply it stored before: show this run's content, then deliver it once.
      const updated = (await messages.updateReply(message.id, reply, skill)) ?? message;
      return this.#deliver(updated, reply);
    }
    await live.publish({ type: 'message.created', message });
    await sender.send(task.replyTo, reply, outbound(message, task)).then(async (sent) => {
      if (sent.platformMessageId) {
        await messages.setPlatformMessageId(message.id, sent.platformMessageId);
        message.platformMessageId = sent.platformMessageId;
      }
    });
    return message;
  }

  async #deliver(message: StoredMessage, reply: Reply): Promise<StoredMessage> {
    const { task, messages, sender, live } = this.#options;
    await live.publish({ type: 'message.updated', message });
    const sent = await sender.send(task.replyTo, reply, outbound(message, task));
    if (sent.platformMessageId) await messages.setPlatformMessageId(message.id, sent.platformMessageId);
    return { ...message, platformMessageId: sent.platformMessageId ?? message.platformMessageId };
  }

  async #replace(previous: StoredMessage, reply: Reply): Promise<StoredMessage> {
    const { task, skill, messages, sender, live } = this.#options;
    const updated = (await messages.updateReply(previous.id, reply, skill)) ?? previous;
    await live.publish({ type: 'message.updated', message: updated });
    if (previous.platformMessageId) {
      const moved = await sender.update(
        task.replyTo,
        previous.platformMessageId,
        reply,
        outbound(updated, task),
      );
      if (moved?.platformMessageId && moved.platformMessageId !== previous.platformMessageId) {
        await messages.setPlatformMessageId(updated.id, moved.platformMessageId);
        updated.platformMessageId = moved.platformMessageId;
      }
    } else {
      const sent = await sender.send(task.replyTo, reply, outbound(updated, task));
      if (sent.platformMessageId) {
        await messages.setPlatformMessageId(updated.id, sent.platformMessageId);
        updated.platformMessageId = sent.platformMessageId;
      }
    }
    return updated;
  }

  #withNote(reply: Reply): Reply {
    const note = this.#options.note;
    if (!note || this.#noteShown) return reply;
    this.#noteShown = true;
    return { ...reply, blocks: [...reply.blocks, { type: 'context', text: note }] };
  }
}

function normalise(input: ReplyInput | Reply | string): Reply {
  if (typeof input === 'string') {
    return ReplySchema.parse({ v: REPLY_VERSION, text: input, blocks: [{ type: 'markdown', text: input }] });
  }
  return ReplySchema.parse(input);
}

function outbound(message: StoredMessage, task: Pick<Task, 'id'>): OutboundMessage {
  return { id: message.id, taskId: task.id, skill: message.skill, createdAt: new Date(message.createdAt) };
}
