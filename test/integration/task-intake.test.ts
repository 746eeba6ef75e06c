import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatOpsError } from '../../src/core/errors.ts';
import type { LogFields, Logger, TaskQueue } from '../../src/core/ports.ts';
import { TaskIntake } from '../../src/intake/task-intake.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createRedis } from '../../src/queue/redis.ts';
import { startTaskWorker } from '../../src/queue/task-worker.ts';
import { claimTask } from '../../src/worker/claim-task.ts';
import { apiTask } from '../fixtures/tasks.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

// Intake records a task and enqueues it at once, so a worker can take the job before the record commits,
// and a duplicate event's job reaches the queue before the ledger says it is a duplicate. Each event must
// still run exactly once, and a job whose record never comes must end without running.
describe('recording and enqueueing at once', () => {
  let harness: Harness;
  let worker: { close(): Promise<void> };
  const runs: string[] = [];
  const attempts = new Map<string, number>();
  const warnings: string[] = [];
  const log: Logger = {
    ...silentLogger,
    warn: (event: string, _fields?: LogFields) => {
      warnings.push(event);
    },
  };
  const connection = createRedis('redis://127.0.0.1:6379', 'worker');

  beforeAll(async () => {
    harness = await startHarness({ database: 'postgresql', worker: false, gateway: false });
    const { config, ledger } = harness.runtime;
    worker = startTaskWorker(
      connection,
      { ...config.queue, concurrency: 8, shutdownTimeoutMs: 2_000, recordWaitMs: 600 },
      async (task, attempt) => {
        const claim = await claimTask(ledger, task);
        if (!claim.started) return { status: 'skipped' };
        runs.push(task.sourceEventId);
        attempts.set(task.sourceEventId, attempt.number);
        await ledger.finish(task.id, 'succeeded', 'status');
        return { status: 'succeeded', skill: 'status' };
      },
      log,
    );
  });
  afterAll(async () => {
    await worker?.close();
    await harness?.close();
    connection.disconnect();
  });

  const intake = () =>
    new TaskIntake(harness.runtime.ledger, harness.runtime.queue, harness.runtime.metrics, log);
  const jobsLeft = async () => {
    const counts = await harness.runtime.queue.queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
    return Object.values(counts).reduce((sum, value) => sum + value, 0);
  };

  it('runs a job that reached the worker before its record, once the record lands', async () => {
    const task = apiTask('late-record');
    await harness.runtime.queue.enqueue(task);
    // Past the worker's in-process retries, the job goes back to the queue, delayed.
    await eventually(
      async () => (await harness.runtime.queue.queue.getJobCounts('delayed')).delayed === 1,
      5_000,
      'the job to wait for its record, delayed',
    );
    expect(runs).not.toContain('late-record');
    await harness.runtime.ledger.record(task);
    await eventually(async () => runs.includes('late-record'), 5_000, 'the task to run');
    await eventually(async () => (await jobsLeft()) === 0, 5_000, 'the queue to drain');
    expect(runs.filter((run) => run === 'late-record')).toHaveLength(1);
    // Waiting for the record used up none of the job's attempts.
    expect(attempts.get('late-record')).toBe(1);
    expect((await harness.runtime.ledger.get(task.id))?.status).toBe('succeeded');
  });

  it('runs an event delivered six times at once exactly once; the duplicates’ jobs run nothing', async () => {
    const copies = Array.from({ length: 6 }, () => apiTask('six-copies'));
    const answers = await Promise.all(copies.map((task) => intake().accept(task)));
    expect(answers.filter((answer) => !answer.duplicate)).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.task.id)).size).toBe(1);
    await eventually(async () => (await jobsLeft()) === 0, 5_000, 'all six jobs to end');
    expect(runs.filter((run) => run === 'six-copies')).toHaveLength(1);
  });

  it('skips the job of a duplicate that a worker took before it could be withdrawn', async () => {
    const first = apiTask('taken-duplicate');
    await intake().accept(first);
    await eventually(async () => runs.includes('taken-duplicate'), 5_000, 'the first task to run');
    await harness.runtime.queue.enqueue(apiTask('taken-duplicate'));
    await eventually(async () => (await jobsLeft()) === 0, 5_000, 'the duplicate job to end');
    expect(runs.filter((run) => run === 'taken-duplicate')).toHaveLength(1);
  });

  it('ends a job whose record never comes without running it, after the wait', async () => {
    await harness.runtime.queue.enqueue(apiTask('never-recorded'));
    await eventually(async () => warnings.includes('task-never-recorded'), 5_000, 'the job to give up');
    expect(await jobsLeft()).toBe(0);
    expect(runs).not.toContain('never-recorded');
  });

  it('fails the request when the record fails, and the job it enqueued never runs', async () => {
    const failing = Object.create(harness.runtime.ledger, {
      record: { value: async () => Promise.reject(new Error('connection terminated')) },
    });
    const task = apiTask('record-failed');
    await expect(
      new TaskIntake(failing, harness.runtime.queue, harness.runtime.metrics, log).accept(task),
    ).rejects.toThrow('connection terminated');
    await eventually(async () => (await jobsLeft()) === 0, 5_000, 'the orphan job to end');
    expect(runs).not.toContain('record-failed');
  });

  it('keeps the task recorded as queued when the enqueue fails, and says so', async () => {
    const down: TaskQueue = {
      depth: () => harness.runtime.queue.depth(),
      withdraw: async () => {},
      jobState: async () => ({ state: 'missing' }),
      enqueue: async () => {
        throw new ChatOpsError('DEPENDENCY_UNAVAILABLE', 'The task queue (Redis) is unavailable.');
      },
    };
    const task = apiTask('queue-down');
    await expect(
      new TaskIntake(harness.runtime.ledger, down, harness.runtime.metrics, log).accept(task),
    ).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect((await harness.runtime.ledger.get(task.id))?.status).toBe('queued');
  });
});
