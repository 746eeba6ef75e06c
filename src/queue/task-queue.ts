import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Batcher } from '../core/batcher.ts';
import { ChatOpsError } from '../core/errors.ts';
import { toJobId } from '../core/ids.ts';
import type { JobState, QueueDepth, TaskQueue } from '../core/ports.ts';
import type { Task } from '../core/task.ts';
import { RETRY_AFTER_BACKOFF } from './retry-after.ts';

export interface TaskQueueSettings {
  name: string;
  prefix: string;
  maxAttempts: number;
  backoffMs: number;
}

/** The job id of a task: derived from the ledger's task id, so a re-enqueue of the same task is a no-op. */
export function jobIdOf(task: Task): string {
  return toJobId(task.id);
}

/**
 * The `tasks` queue (producer side). Completed jobs are removed at once: the task ledger in the database,
 * not Redis, is the record of what ran, so Redis stays small however long the bot runs.
 */
export class BullTaskQueue implements TaskQueue {
  readonly queue: Queue<Task>;
  #depthCache: { value: QueueDepth; expiresAt: number } | null = null;
  // Concurrent enqueues go to Redis as one addBulk (one round trip, one socket write); see Batcher. A lone
  // one is a plain add: addBulk's MULTI builds an ioredis pipeline, which copies every BullMQ script onto
  // itself (the Slack ack path profiled 10% of its allocations there).
  readonly #add = new Batcher<Task, void>(
    async (tasks) => {
      await this.queue.addBulk(
        tasks.map((task) => ({ name: task.kind, data: task, opts: { jobId: jobIdOf(task) } })),
      );
      return tasks.map(() => undefined);
    },
    {
      one: async (task) => {
        await this.queue.add(task.kind, task, { jobId: jobIdOf(task) });
      },
      key: jobIdOf,
    },
  );

  constructor(connection: Redis, settings: TaskQueueSettings) {
    this.queue = new Queue<Task>(settings.name, {
      connection,
      prefix: settings.prefix,
      defaultJobOptions: {
        attempts: settings.maxAttempts,
        backoff: { type: RETRY_AFTER_BACKOFF, delay: settings.backoffMs },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
      },
    });
  }

  async enqueue(task: Task): Promise<void> {
    try {
      await this.#add.submit(task);
    } catch (error) {
      throw new ChatOpsError('DEPENDENCY_UNAVAILABLE', 'The task queue (Redis) is unavailable.', {
        remedy:
          'The request was recorded and will be queued when Redis is back; check REDIS_URL and that Redis runs.',
        cause: error,
      });
    }
  }

  async withdraw(task: Task): Promise<void> {
    // 0 when a worker holds the job (it skips a task it finds superseded): nothing more to do then.
    await this.queue.remove(jobIdOf(task));
  }

  async jobState(taskId: string): Promise<JobState> {
    try {
      const job = await this.queue.getJob(toJobId(taskId));
      if (!job) return { state: 'missing' };
      const state = await job.getState();
      if (state === 'failed') return { state: 'failed', reason: job.failedReason || 'no reason recorded' };
      // Completed jobs are removed at once; one still here has ended, so the task is not waiting on it.
      if (state === 'completed' || state === 'unknown') return { state: 'missing' };
      return { state: 'pending' };
    } catch (error) {
      throw new ChatOpsError('DEPENDENCY_UNAVAILABLE', 'The task queue (Redis) is unavailable.', {
        remedy: 'Check REDIS_URL and that Redis runs; the sweeper tries again on its next pass.',
        cause: error,
      });
    }
  }

  /** Queue depth, cached for a second: `status` and `/metrics` may ask often. */
  async depth(now = Date.now()): Promise<QueueDepth> {
    if (this.#depthCache && this.#depthCache.expiresAt > now) return this.#depthCache.value;
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
    const value = {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
    };
    this.#depthCache = { value, expiresAt: now + 1_000 };
    return value;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
