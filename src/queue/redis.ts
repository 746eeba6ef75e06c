import { Redis } from 'ioredis';

export type RedisRole = 'producer' | 'worker' | 'subscriber' | 'command';

/**
 * Redis connections by role. Producers fail fast while Redis is down (no offline queue) so the gateway can
 * answer 503 instead of hanging; workers and subscribers wait and reconnect forever, as BullMQ requires.
 */
export function createRedis(url: string, role: RedisRole): Redis {
  const failFast = role === 'producer' || role === 'command';
  return new Redis(url, {
    connectionName: `chatops-${role}`,
    enableOfflineQueue: !failFast,
    maxRetriesPerRequest: failFast ? 1 : null,
    connectTimeout: 5_000,
    // Reconnect with capped backoff; never give up (a Redis restart must not need a bot restart).
    retryStrategy: (attempt) => Math.min(200 * attempt, 5_000),
    lazyConnect: false,
  });
}

/** Resolves when the connection is ready, or rejects after `timeoutMs` (start-up checks). */
export async function waitForRedis(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}
