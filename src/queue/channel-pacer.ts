import type { Redis } from 'ioredis';

/**
 * Posting slots per channel, in Redis so that every worker sees the same queue (Slack's ~1 message per
 * second per channel, and Retry-After after a 429). One key per channel holds the time of its next free
 * slot; the script reads Redis' own clock, so workers on machines with skewed clocks still agree.
 */
const RESERVE = `
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local nextMs = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(nowMs, nextMs)
local wait = slot - nowMs
if wait > tonumber(ARGV[2]) then return {wait, 0} end
redis.call('SET', KEYS[1], slot + tonumber(ARGV[1]), 'PX', wait + tonumber(ARGV[1]) + 60000)
return {wait, 1}`;

const BLOCK = `
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local untilMs = nowMs + tonumber(ARGV[1])
local nextMs = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > nextMs then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 60000) end
return 1`;

export class RedisChannelPacer {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async reserve(
    key: string,
    intervalMs: number,
    maxWaitMs: number,
  ): Promise<{ waitMs: number; reserved: boolean }> {
    const [waitMs, reserved] = (await this.#redis.eval(
      RESERVE,
      1,
      `${this.#prefix}:pace:${key}`,
      String(intervalMs),
      String(maxWaitMs),
    )) as [number, number];
    return { waitMs: Number(waitMs), reserved: Number(reserved) === 1 };
  }

  async block(key: string, forMs: number): Promise<void> {
    await this.#redis.eval(BLOCK, 1, `${this.#prefix}:pace:${key}`, String(Math.ceil(forMs)));
  }
}

/** "Seen within the window" marks (SET NX PX): a double click that reaches two gateways counts once. */
export class RedisRecentClicks {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async firstSeen(key: string, windowMs: number): Promise<boolean> {
    const set = await this.#redis.set(`${this.#prefix}:click:${key}`, '1', 'PX', windowMs, 'NX');
    return set === 'OK';
  }
}
