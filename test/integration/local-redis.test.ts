import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ChatOpsError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { ensureLocalRedis } from '../../src/queue/local-redis.ts';
import { freePort } from '../support/private-redis.ts';
import { REDIS_URL } from '../support/services.ts';

// `chatops dev` needs no set-up: it uses a Redis that answers, starts a private one when none does, or
// says how to get one.
describe('ensureLocalRedis', () => {
  it('uses the configured Redis when it answers', async () => {
    const endpoint = await ensureLocalRedis(REDIS_URL, false, silentLogger, process.env.PATH ?? '');
    expect(endpoint.url).toBe(REDIS_URL);
    await endpoint.stop();
  });

  it('starts a private redis-server from PATH when the default Redis does not answer, and stops it', async () => {
    const silent = `redis://127.0.0.1:${await freePort()}`;
    const endpoint = await ensureLocalRedis(silent, false, silentLogger, process.env.PATH ?? '');
    expect(endpoint.url).not.toBe(silent);
    const client = new Redis(endpoint.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    expect(await client.ping()).toBe('PONG');
    await endpoint.stop();
    await expect(client.ping()).rejects.toThrow();
    client.disconnect();
  });

  it('explains how to get Redis when none answers and redis-server is not on PATH', async () => {
    const silent = `redis://127.0.0.1:${await freePort()}`;
    const error = await ensureLocalRedis(silent, false, silentLogger, '/nonexistent').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ChatOpsError);
    expect((error as ChatOpsError).code).toBe('DEPENDENCY_UNAVAILABLE');
    expect((error as ChatOpsError).remedy).toMatch(/apt-get install redis-server.*REDIS_URL/s);
  });

  it('does not replace a Redis the operator named explicitly', async () => {
    const silent = `redis://127.0.0.1:${await freePort()}`;
    const error = await ensureLocalRedis(silent, true, silentLogger, process.env.PATH ?? '').catch(
      (caught: unknown) => caught,
    );
    expect((error as ChatOpsError).remedy).toContain('fix REDIS_URL');
  });
});
