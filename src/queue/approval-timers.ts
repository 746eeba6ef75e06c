import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { toJobId } from '../core/ids.ts';
import type { Logger } from '../core/ports.ts';

export const APPROVAL_TIMERS_QUEUE = 'approvals';

interface ExpiryJob {
  approvalId: string;
}

/** The job id of an approval's expiry: one per approval, so arming it again (a re-run) is a no-op. */
export function expiryJobId(approvalId: string): string {
  return toJobId('approval-expiry', approvalId);
}

/**
 * Approval expiry as delayed BullMQ jobs on their own small queue: each approval's job fires at its expiry
 * time (deterministic job id). The periodic sweep in src/agent/approvals/expiry.ts is the safety net for a
 * job that was lost with Redis; expiring twice is harmless (compare-and-set).
 */
export class BullApprovalTimers {
  readonly queue: Queue<ExpiryJob>;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue<ExpiryJob>(APPROVAL_TIMERS_QUEUE, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
      },
    });
  }

  async schedule(approvalId: string, at: Date): Promise<void> {
    // A second late, so the database (whose clock decides) agrees the time is up when the job runs.
    const delay = Math.max(0, at.getTime() - Date.now()) + 1000;
    await this.queue.add('expire', { approvalId }, { jobId: expiryJobId(approvalId), delay });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** The worker side: runs `expire` for each timer that fires (in every `chatops worker`). */
export function startApprovalTimerWorker(
  connection: Redis,
  prefix: string,
  expire: (approvalId: string) => Promise<unknown>,
  log: Logger,
): { close(): Promise<void> } {
  const worker = new Worker<ExpiryJob>(
    APPROVAL_TIMERS_QUEUE,
    async (job: Job<ExpiryJob>) => {
      await expire(String(job.data.approvalId));
    },
    { connection, prefix, concurrency: 4, removeOnComplete: { count: 0 } },
  );
  worker.on('error', (error) => log.warn('approval-timer-worker-error', { error }));
  return { close: () => worker.close() };
}
