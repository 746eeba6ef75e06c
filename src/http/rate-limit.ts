import type { Redis } from 'ioredis';
import { Batcher } from '../core/batcher.ts';
import type { Logger } from '../core/ports.ts';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export interface RateLimiter {
  check(key: string): Promise<RateDecision>;
}

// INCR + PEXPIRE in one round trip; the window starts with the first request.
const SCRIPT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
return {current, ttl}`;

/** The script above, defined as a command on the connection (and so on its pipelines). */
interface RateLimitCommand<Result> {
  chatopsRateLimit(key: string, windowMs: number): Result;
}

/**
 * A fixed-window limiter in Redis, shared by every gateway replica. If Redis cannot answer, requests are
 * let through (and logged): the enqueue right after will fail and answer 503 anyway.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #log: Logger;
  // Requests checked together go to Redis as one pipeline (one write); each gets its own count.
  readonly #counting = new Batcher<string, [number, number]>(
    async (keys) => {
      const pipeline = this.#redis.pipeline() as ReturnType<Redis['pipeline']> & RateLimitCommand<unknown>;
      for (const key of keys) pipeline.chatopsRateLimit(key, this.#windowMs);
      const results = (await pipeline.exec()) ?? [];
      return keys.map((_key, index) => {
        const [error, value] = results[index] ?? [new Error('no answer from Redis'), null];
        if (error) throw error;
        return value as [number, number];
      });
    },
    {
      one: (key) =>
        (this.#redis as Redis & RateLimitCommand<Promise<[number, number]>>).chatopsRateLimit(
          key,
          this.#windowMs,
        ),
    },
  );

  constructor(redis: Redis, options: { prefix: string; limit: number; windowMs?: number; log: Logger }) {
    // A defined command runs by EVALSHA: the script is sent once per connection, not per request.
    if (!('chatopsRateLimit' in redis))
      redis.defineCommand('chatopsRateLimit', { numberOfKeys: 1, lua: SCRIPT });
    this.#redis = redis;
    this.#prefix = options.prefix;
    this.#limit = options.limit;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#log = options.log;
  }

  async check(key: string): Promise<RateDecision> {
    try {
      const [count, ttl] = await this.#counting.submit(`${this.#prefix}:rate:${key}`);
      const resetSeconds = Math.max(1, Math.ceil((ttl > 0 ? ttl : this.#windowMs) / 1000));
      return {
        allowed: count <= this.#limit,
        limit: this.#limit,
        remaining: Math.max(0, this.#limit - count),
        resetSeconds,
      };
    } catch (error) {
      this.#log.warn('rate-limit-unavailable', { error });
      return { allowed: true, limit: this.#limit, remaining: this.#limit, resetSeconds: 60 };
    }
  }
}

export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  return {
    'x-ratelimit-limit': String(decision.limit),
    'x-ratelimit-remaining': String(decision.remaining),
    'x-ratelimit-reset': String(decision.resetSeconds),
  };
}
