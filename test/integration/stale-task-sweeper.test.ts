import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJobId } from '../../src/core/ids.ts';
import type { Task } from '../../src/core/task.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { type StaleTaskSweeperDependencies, sweepStaleTasks } from '../../src/queue/stale-task-sweeper.ts';
import { abandonTask } from '../../src/worker/abandon-task.ts';
import { apiTask } from '../fixtures/tasks.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

// The stale-task sweeper on real PostgreSQL and Redis, with a running worker (issue 14, finding 8): a task
// that can never run is failed with the reason, in the ledger and in one reply, instead of being requeued
// every pass to no effect; a task whose job was lost is requeued and runs; a backlog is left alone.
describe('stale-task sweeper', () => {
  let harness: Harness;
  let sweeper: StaleTaskSweeperDependencies;

  beforeAll(async () => {
    harness = await startHarness({ database: 'postgresql' });
    const { runtime } = harness;
    sweeper = {
      ledger: runtime.ledger,
      queue: runtime.queue,
      log: silentLogger,
      abandon: (stale, error) => abandonTask(runtime, stale, error),
    };
  });
  afterAll(async () => {
    await harness?.close();
  });

  const sweep = () => sweepStaleTasks(sweeper, { olderThanSeconds: 0, maxRequeues: 3 });
  const row = (taskId: string) => harness.runtime.ledger.get(taskId);
  const replies = (taskId: string) => harness.runtime.messages.repliesOf(taskId);

  async function record(task: Task): Promise<void> {
    const recorded = await harness.runtime.ledger.record(task, { id: crypto.randomUUID(), text: task.text });
    expect(recorded.created).toBe(true);
  }

  it('fails a recorded task whose payload the worker refuses, with the limit, and answers once', async () => {
    // What a receiver recorded before limits were checked at intake: a 50,000-character message.
    const oversized = { ...apiTask('oversized-legacy'), text: 'x'.repeat(50_000) };
    await record(oversized);
    await harness.runtime.queue.enqueue(oversized);
    const { queue } = harness.runtime.queue;
    await eventually(async () => (await queue.getJobState(toJobId(oversized.id))) === 'failed');
    expect((await row(oversized.id))?.status).toBe('queued');

    expect(await sweep()).toMatchObject({ abandoned: 1 });
    const failed = await row(oversized.id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'VALIDATION_FAILED' } });
    expect(failed?.error?.message).toContain('Your message has 50,000 characters; the limit is 40,000.');
    const [reply, ...more] = await replies(oversized.id);
    expect(more).toEqual([]);
    expect(reply?.text).toContain('the limit is 40,000');
    expect(reply?.thread).toBe(oversized.thread);

    // The next passes leave it alone: one reply, ever.
    await sweep();
    await sweep();
    expect(await replies(oversized.id)).toHaveLength(1);
  });

  it('fails a task whose job failed for good (a re-add would be ignored), naming the reason', async () => {
    const task = apiTask('job-failed');
    await record(task);
    // The job under the task's id holds something no worker can read, so it fails at once.
    await harness.runtime.queue.queue.add('api', { broken: true } as never, { jobId: toJobId(task.id) });
    await eventually(
      async () => (await harness.runtime.queue.queue.getJobState(toJobId(task.id))) === 'failed',
    );

    expect(await sweep()).toMatchObject({ abandoned: 1 });
    const failed = await row(task.id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'INTERNAL' } });
    expect(failed?.error?.message).toMatch(
      /its job failed for good \(VALIDATION_FAILED: job .* does not hold a valid task\)/,
    );
    expect((await replies(task.id))[0]?.text).toContain('never ran');
  });

  it('requeues a task whose job was lost, and it runs', async () => {
    const task = {
      ...apiTask('job-lost'),
      text: '/status',
      kind: 'command' as const,
      command: 'status',
      args: {},
    };
    await record(task);
    expect(await sweep()).toMatchObject({ requeued: 1, abandoned: 0 });
    await eventually(async () => (await row(task.id))?.status === 'succeeded', 15_000, 'the requeued task');
    const [stored] = await harness.runtime.database.sql<{ requeues: number }>(
      'select requeues from tasks where id = $1',
      [task.id],
    );
    expect(Number(stored?.requeues)).toBe(1);
  });

  it('fails a task put back on the queue too often, instead of requeueing it forever', async () => {
    const task = apiTask('requeued-often');
    await record(task);
    await harness.runtime.database.sql('update tasks set requeues = 3 where id = $1', [task.id]);
    expect(await sweep()).toMatchObject({ abandoned: 1 });
    const failed = await row(task.id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'DEPENDENCY_UNAVAILABLE' } });
    expect(failed?.error?.message).toBe(
      'This request was put back on the queue 3 times and no worker ever ran it.',
    );
    expect(await replies(task.id)).toHaveLength(1);
  });

  it('leaves a task whose job is still waiting alone (a backlog is not a lost job)', async () => {
    const task = apiTask('backlog');
    await record(task);
    await harness.runtime.queue.queue.add(task.kind, task, { jobId: toJobId(task.id), delay: 60_000 });
    expect(await sweep()).toMatchObject({ pending: 1, requeued: 0, abandoned: 0 });
    expect((await row(task.id))?.status).toBe('queued');
    const [stored] = await harness.runtime.database.sql<{ requeues: number }>(
      'select requeues from tasks where id = $1',
      [task.id],
    );
    expect(Number(stored?.requeues)).toBe(0);
    await harness.runtime.queue.queue.remove(toJobId(task.id));
  });
});
