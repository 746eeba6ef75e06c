import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopedSourceEventId } from '../../src/http/api-identity.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { startStaleTaskSweeper } from '../../src/queue/stale-task-sweeper.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis.ts';
import { eventually } from '../support/services.ts';

// When Redis goes away the gateway says so (503, /health down) instead of hanging, and a message it had
// already recorded is not lost: a client retry or the stale-task sweeper queues it once Redis is back.
describe('Redis outage', () => {
  let redis: PrivateRedis;
  let harness: Harness;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    harness = await startHarness({ database: 'postgresql', env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    // Closing the harness needs Redis (queue and prefix clean-up); the test may have failed while it was down.
    await redis?.start();
    await harness?.close();
    await redis?.stop();
  });

  async function status(taskId: string) {
    return (await harness.runtime.ledger.get(taskId))?.status;
  }

  it('answers 503 while Redis is down and completes the recorded tasks after it returns', async () => {
    const before = await harness.request('POST', '/api/v1/messages', {
      channel: 'general',
      user: 'alice',
      text: '/status',
    });
    expect(before.status).toBe(202);
    await eventually(async () => (await status(before.body.taskId)) === 'succeeded');

    await redis.stop();
    const health = await eventually(
      async () => {
        const answer = await harness.request('GET', '/health');
        return answer.status === 503 ? answer : undefined;
      },
      10_000,
      '/health to report Redis down',
    );
    expect(health.body).toMatchObject({
      status: 'unavailable',
      checks: { database: { status: 'up' }, redis: { status: 'down' } },
    });

    const body = { channel: 'general', user: 'alice', text: '/help' };
    const retried = await harness.request('POST', '/api/v1/messages', body, {
      'idempotency-key': 'during-outage-1',
    });
    expect(retried.status).toBe(503);
    expect(retried.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
    const abandoned = await harness.request('POST', '/api/v1/messages', body, {
      'idempotency-key': 'during-outage-2',
    });
    expect(abandoned.status).toBe(503);
    const recorded = await harness.runtime.database.sql<{
      id: string;
      source_event_id: string;
      status: string;
    }>(
      `select id, source_event_id, status from tasks where source_event_id like '%.during-outage-%' order by source_event_id`,
    );
    // The Idempotency-Key is stored scoped to its tenant, caller and endpoint.
    const scoped = (key: string) => scopedSourceEventId('messages', 'default', 'user:alice', key);
    expect(recorded.map((row) => [row.source_event_id, row.status])).toEqual([
      [scoped('during-outage-1'), 'queued'],
      [scoped('during-outage-2'), 'queued'],
    ]);

    await redis.start();
    await eventually(
      async () => (await harness.request('GET', '/health')).status === 200,
      15_000,
      'health to recover',
    );

    // The client that retries with its Idempotency-Key gets the same task, now queued and run.
    const again = await harness.request('POST', '/api/v1/messages', body, {
      'idempotency-key': 'during-outage-1',
    });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ taskId: recorded[0]?.id, duplicate: true });
    await eventually(
      async () => (await status(String(recorded[0]?.id))) === 'succeeded',
      15_000,
      'retried task',
    );

    // The client that gave up is covered by the sweeper.
    const stop = startStaleTaskSweeper(
      { ledger: harness.runtime.ledger, queue: harness.runtime.queue, log: silentLogger },
      { intervalMs: 100, olderThanSeconds: 0 },
    );
    try {
      await eventually(
        async () => (await status(String(recorded[1]?.id))) === 'succeeded',
        15_000,
        'swept task',
      );
    } finally {
      stop();
    }
    const [replies] = await harness.runtime.database.sql<{ count: string }>(
      `select count(*) from messages m join tasks t on t.id = m.task_id where t.source_event_id like '%.during-outage-%' and m.author_kind = 'bot'`,
    );
    expect(Number(replies?.count)).toBe(2);
  });
});
