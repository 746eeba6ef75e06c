import { ChatOpsError, isChatOpsError } from '../../src/core/index.ts';
import type { ChannelPacer } from './ports.ts';

/**
 * Slack's per-channel posting limit, kept across every worker: a post waits for its channel's next slot
 * when that slot is near (an async wait; the worker keeps running other tasks), and when it is far (Slack
 * answered 429 with a Retry-After, or the channel has a long queue) the task is handed back to the queue
 * with the delay as a RATE_LIMITED error, which the worker turns into a delayed retry (src/queue/retry-after.ts).
 */
export const MAX_INLINE_WAIT_MS = 3000;

export class ChannelPacing {
  readonly #pacer: ChannelPacer;
  readonly #intervalMs: number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(pacer: ChannelPacer, intervalMs: number, sleep?: (ms: number) => Promise<void>) {
    this.#pacer = pacer;
    this.#intervalMs = intervalMs;
    this.#sleep = sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Waits for the channel's next posting slot, or throws RATE_LIMITED when it is too far away. */
  async beforePost(tenantId: string, channel: string): Promise<void> {
    const { waitMs, reserved } = await this.#pacer.reserve(
      keyOf(tenantId, channel),
      this.#intervalMs,
      MAX_INLINE_WAIT_MS,
    );
    if (!reserved) {
      throw new ChatOpsError('RATE_LIMITED', `Slack channel ${channel} is busy (posting is paced).`, {
        remedy: 'Nothing to do: the reply is delayed, not lost.',
        details: { retryAfterMs: waitMs, sendOutcome: 'not-sent' },
      });
    }
    if (waitMs > 0) await this.#sleep(waitMs);
  }

  /** After a 429: nothing more is posted in this channel until Retry-After has passed. */
  async afterFailure(tenantId: string, channel: string, error: unknown): Promise<void> {
    if (!isChatOpsError(error) || error.code !== 'RATE_LIMITED') return;
    const retryAfterMs = error.details.retryAfterMs;
    if (typeof retryAfterMs === 'number' && retryAfterMs > 0) {
      await this.#pacer.block(keyOf(tenantId, channel), retryAfterMs);
    }
  }
}

function keyOf(tenantId: string, channel: string): string {
  return `slack.${tenantId}.${channel}`;
}
