import type { ChannelPacer } from '../../adapters/slack/ports.ts';

/** The channel pacer in memory, on a clock the test controls (the real one is in Redis). */
export class MemoryPacer implements ChannelPacer {
  readonly next = new Map<string, number>();
  now = 0;

  async reserve(key: string, intervalMs: number, maxWaitMs: number) {
    const slot = Math.max(this.now, this.next.get(key) ?? 0);
    const waitMs = slot - this.now;
    if (waitMs > maxWaitMs) return { waitMs, reserved: false };
    this.next.set(key, slot + intervalMs);
    return { waitMs, reserved: true };
  }

  async block(key: string, forMs: number) {
    this.next.set(key, Math.max(this.next.get(key) ?? 0, this.now + forMs));
  }
}
