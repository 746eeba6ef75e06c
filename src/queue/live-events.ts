import type { Redis } from 'ioredis';
import { Batcher } from '../core/batcher.ts';
import type { LiveEvent, LiveEvents, Logger } from '../core/ports.ts';

/**
 * Live updates over Redis pub/sub: workers publish, every gateway replica relays to its browsers.
 * Best effort by design: a missed event is recovered by the next fetch of the thread.
 */
export class RedisLiveEvents implements LiveEvents {
  readonly #publisher: Redis;
  readonly #subscriber: Redis | null;
  readonly #channel: string;
  readonly #listeners = new Set<(event: LiveEvent) => void>();
  readonly #log: Logger;
  // Events published together (one per running task under load) go to Redis in one pipeline, one write.
  readonly #publishing = new Batcher<string, void>(
    async (payloads) => {
      const pipeline = this.#publisher.pipeline();
      for (const payload of payloads) pipeline.publish(this.#channel, payload);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error)?.[0];
      if (failed) throw failed;
      return payloads.map(() => undefined);
    },
    {
      one: async (payload) => {
        await this.#publisher.publish(this.#channel, payload);
      },
    },
  );

  /** Pass a subscriber connection only in processes that relay events (gateways). */
  constructor(publisher: Redis, subscriber: Redis | null, prefix: string, log: Logger) {
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#channel = `${prefix}:live`;
    this.#log = log;
    if (subscriber) {
      subscriber
        .subscribe(this.#channel)
        .catch((error: unknown) => log.error('live-subscribe-failed', { error }));
      subscriber.on('message', (channel: string, payload: string) => {
        if (channel !== this.#channel) return;
        this.#dispatch(payload);
      });
    }
  }

  async publish(event: LiveEvent): Promise<void> {
    try {
      await this.#publishing.submit(JSON.stringify(event));
    } catch (error) {
      this.#log.warn('live-publish-failed', { error, type: event.type });
    }
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    if (!this.#subscriber) throw new Error('this process was built without a live-events subscriber');
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #dispatch(payload: string): void {
    // Every task publishes; a gateway with no browser or stream open has nobody to parse them for.
    if (this.#listeners.size === 0) return;
    let event: LiveEvent;
    try {
      event = JSON.parse(payload) as LiveEvent;
    } catch {
      return;
    }
    for (const listener of this.#listeners) listener(event);
  }
}
