import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopedSourceEventId } from '../../src/http/api-identity.ts';
import type { Harness } from '../support/harness.ts';
import { startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

// A duplicate delivery of the same source event is recorded once and runs once: also when the copies
// arrive together, and also after the first job is gone from Redis (completed jobs are removed at once).
describe('duplicate deliveries', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ database: 'postgresql' });
  });
  afterAll(async () => {
    await harness?.close();
  });

  const count = async (sql: string, params: unknown[]) =>
    Number((await harness.runtime.database.sql<{ count: string }>(sql, params))[0]?.count);

  it('runs a source event once when it is delivered five times at once and again after completion', async () => {
    const body = { channel: 'general', user: 'alice', text: '/status' };
    const headers = { 'idempotency-key': 'delivery-42' };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => harness.request('POST', '/api/v1/messages', body, headers)),
    );
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202]);
    const taskIds = new Set(answers.map((answer) => answer.body.taskId));
    expect(taskIds.size).toBe(1);
    expect(answers.filter((answer) => answer.body.duplicate === false)).toHaveLength(1);
    const [taskId] = [...taskIds];

    await eventually(
      async () => (await harness.runtime.ledger.get(String(taskId)))?.status === 'succeeded',
      10_000,
      'task to succeed',
    );
    const jobs = await harness.runtime.queue.queue.getJobCounts(
      'waiting',
      'active',
      'completed',
      'failed',
      'delayed',
    );
    expect(jobs).toMatchObject({ waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 });

    // The job is gone from Redis; the ledger still knows the event.
    const late = await harness.request('POST', '/api/v1/messages', body, headers);
    expect(late.status).toBe(202);
    expect(late.body).toMatchObject({ taskId, duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const source = scopedSourceEventId('messages', 'default', 'user:alice', 'delivery-42');
    expect(await count('select count(*) from tasks where source_event_id = $1', [source])).toBe(1);
    expect(
      await count(`select count(*) from messages where task_id = $1 and author_kind = 'user'`, [taskId]),
    ).toBe(1);
    expect(
      await count(`select count(*) from messages where task_id = $1 and author_kind = 'bot'`, [taskId]),
    ).toBe(1);
    expect((await harness.runtime.ledger.get(String(taskId)))?.attempts).toBe(1);
  });

  it('runs a task once when its job is enqueued again by hand', async () => {
    const posted = await harness.request('POST', '/api/v1/messages', {
      channel: 'general',
      user: 'bob',
      text: '/help',
    });
    const taskId = String(posted.body.taskId);
    await eventually(
      async () => (await harness.runtime.ledger.get(taskId))?.status === 'succeeded',
      10_000,
      'task to succeed',
    );
    const row = await harness.runtime.ledger.get(taskId);
    // A stray second job (a sweeper race, a replayed backup) finds the task finished and does nothing.
    await harness.runtime.queue.enqueue(row?.payload ?? (undefined as never));
    await eventually(async () => {
      const counts = await harness.runtime.queue.queue.getJobCounts('waiting', 'active');
      return counts.waiting === 0 && counts.active === 0;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      await count(`select count(*) from messages where task_id = $1 and author_kind = 'bot'`, [taskId]),
    ).toBe(1);
    expect((await harness.runtime.ledger.get(taskId))?.attempts).toBe(1);
  });

  it('records two different events from the same user as two tasks', async () => {
    const body = { channel: 'general', user: 'carol', text: '/status' };
    const first = await harness.request('POST', '/api/v1/messages', body, { 'idempotency-key': 'event-a' });
    const second = await harness.request('POST', '/api/v1/messages', body, { 'idempotency-key': 'event-b' });
    expect(first.body.taskId).not.toBe(second.body.taskId);
    expect(second.body.duplicate).toBe(false);
  });
});
