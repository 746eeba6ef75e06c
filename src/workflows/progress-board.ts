import type { LiveEvents, Logger, OutboundMessage, Sender } from '../core/ports.ts';
import { REPLY_VERSION, type Reply, type ReplyInput, ReplySchema } from '../core/reply.ts';
import type { Platform } from '../core/task.ts';
import type { MessageStore, StoredMessage } from '../db/message-store.ts';
import { postOnce } from '../db/post-once.ts';
import type { RunRow } from './run-store.ts';

export interface ProgressBoardDependencies {
  messages: MessageStore;
  senders: ReadonlyMap<Platform, Sender>;
  live: LiveEvents;
  log: Logger;
  /**
   * Changes of one run within this window are shown with one update (default 1 s): a run of quick steps
   * would otherwise update its message, and call the platform, once per step start and end (and Slack
   * allows about one update a second per message).
   */
  coalesceMs?: number;
}

/**
 * A run's messages in its thread: the one progress message, posted once (delivery key per run) and then
 * updated in place for everyone (Sender.update), and the messages its steps post, once per key. Refreshes
 * of one run are coalesced and serialised in this process: a refresh asked for while one is pending or in
 * flight runs once after it, and each renders the state stored at that moment, so the last change wins.
 */
export class ProgressBoard {
  readonly #deps: ProgressBoardDependencies;
  readonly #inFlight = new Map<
    string,
    { running: Promise<void>; again: boolean; urgent: boolean; wake: () => void }
  >();

  constructor(deps: ProgressBoardDependencies) {
    this.#deps = deps;
  }

  /** Waits for the refreshes already asked for (a worker shutting down shows the last state first). */
  async flush(): Promise<void> {
    await Promise.all([...this.#inFlight.values()].map((entry) => entry.running));
  }

  /** Posts the progress message once; returns our message id. */
  async post(run: RunRow, reply: Reply): Promise<string> {
    const message = await this.#post(run, `workflow.${run.id}`, reply);
    return message.id;
  }

  /**
   * Shows the run's current state (rendered by `render` when the refresh runs) on its progress message,
   * after the coalescing window, or at once when `immediately` (the run ended).
   */
  refresh(run: RunRow, render: () => Promise<Reply | null>, immediately = false): Promise<void> {
    const current = this.#inFlight.get(run.id);
    if (current) {
      current.again = true;
      if (immediately) {
        current.urgent = true;
        current.wake();
      }
      return current.running;
    }
    const entry = { running: Promise.resolve(), again: false, urgent: immediately, wake: () => {} };
    const window = this.#deps.coalesceMs ?? 1000;
    entry.running = (async () => {
      try {
        do {
          const delay = entry.urgent ? 0 : window;
          entry.urgent = false;
          if (delay > 0) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, delay);
              entry.wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            entry.wake = () => {};
          }
          // Changes asked for while waiting are all in this render; only those from now on need another.
          entry.again = false;
          const reply = await render();
          if (reply) await this.#update(run, reply);
        } while (entry.again);
      } catch (error) {
        this.#deps.log.warn('workflow-progress-not-updated', { runId: run.id, error });
      } finally {
        this.#inFlight.delete(run.id);
      }
    })();
    this.#inFlight.set(run.id, entry);
    return entry.running;
  }

  /** A message a step posts in the run's thread, once per key. */
  async say(run: RunRow, key: string, input: ReplyInput | string): Promise<void> {
    const reply =
      typeof input === 'string'
        ? ReplySchema.parse({ v: REPLY_VERSION, text: input, blocks: [{ type: 'markdown', text: input }] })
        : ReplySchema.parse(input);
    await this.#post(run, `workflow.${run.id}.${key}`, reply);
  }

  async #update(run: RunRow, reply: Reply): Promise<void> {
    const { messages, live } = this.#deps;
    const messageId = run.progressMessageId ?? (await messages.byDeliveryKey(`workflow.${run.id}`))?.id;
    if (!messageId) return;
    const updated = await messages.updateReply(messageId, reply, run.skill);
    if (!updated) return;
    await live.publish({ type: 'message.updated', message: updated });
    const sender = this.#sender(run);
    if (updated.platformMessageId) {
      const moved = await sender.update(
        run.origin.replyTo,
        updated.platformMessageId,
        reply,
        outbound(updated, run),
      );
      if (moved?.platformMessageId && moved.platformMessageId !== updated.platformMessageId) {
        await messages.setPlatformMessageId(updated.id, moved.platformMessageId);
      }
    } else {
      const sent = await sender.send(run.origin.replyTo, reply, outbound(updated, run));
      if (sent.platformMessageId) await messages.setPlatformMessageId(updated.id, sent.platformMessageId);
    }
  }

  #post(run: RunRow, deliveryKey: string, reply: Reply): Promise<StoredMessage> {
    return postOnce(this.#deps, this.#sender(run), run.origin.replyTo, {
      reply,
      skill: run.skill,
      taskId: run.origin.id,
      deliveryKey,
    });
  }

  #sender(run: RunRow): Sender {
    const sender = this.#deps.senders.get(run.origin.replyTo.platform);
    if (!sender) throw new Error(`no sender for ${run.origin.replyTo.platform}`);
    return sender;
  }
}

function outbound(message: StoredMessage, run: RunRow): OutboundMessage {
  return { id: message.id, taskId: run.origin.id, skill: run.skill, createdAt: new Date(message.createdAt) };
}
