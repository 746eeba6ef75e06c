import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullTaskQueue } from '../../src/queue/task-queue.ts';
import { apiTask } from '../fixtures/tasks.ts';
import { clearRedisPrefix, REDIS_URL, uniqueName } from '../support/services.ts';

// manifests/k8s/worker.yaml has KEDA's Redis scaler count the list <QUEUE_PREFIX>:tasks:wait (the unit test
// deployment-files.test.ts ties the name to the ConfigMap and the config). This proves, on a real Redis with
// the BullMQ the project pins, that the list is where waiting tasks are and that its length is the depth.
describe('the Redis list KEDA scales workers on', () => {
  const prefix = uniqueName('keda');
  let redis: Redis;
  let queue: BullTaskQueue;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new BullTaskQueue(redis, { name: 'tasks', prefix, maxAttempts: 3, backoffMs: 1_000 });
  });
  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    await clearRedisPrefix(prefix);
  });

  it('is a list of the waiting tasks, as long as the queue depth says', async () => {
    const list = `${prefix}:tasks:wait`;
    expect(await redis.type(list)).toBe('none');
    for (const event of ['a', 'b', 'c']) await queue.enqueue(apiTask(`keda-${event}`));
    expect(await redis.type(list)).toBe('list');
    expect(await redis.llen(list)).toBe(3);
    expect((await queue.depth(0)).waiting).toBe(3);
  });

  it('loses a task when a worker takes it, which then counts as active', async () => {
    const worker = new Worker('tasks', null, { connection: redis, prefix, autorun: false });
    try {
      const job = await worker.getNextJob('keda-test-token', { block: false });
      expect(job).toBeDefined();
      expect(await redis.llen(`${prefix}:tasks:wait`)).toBe(2);
      expect(await redis.llen(`${prefix}:tasks:active`)).toBe(1);
      expect(await queue.depth(Date.now() + 60_000)).toMatchObject({ waiting: 2, active: 1 });
    } finally {
      await worker.close(true);
    }
  });
});
