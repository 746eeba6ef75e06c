import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { toJobId } from '../core/ids.ts';
import type { Logger } from '../core/ports.ts';

export const WORKFLOWS_QUEUE = 'workflows';

/** The jobs of the workflows queue. Each has a deterministic id, so adding one twice is a no-op. */
export type WorkflowJob =
  | { type: 'step'; runId: string; phase: string; name: string; attempt: number }
  | { type: 'poll'; runId: string; phase: string; name: string; round: number }
  | { type: 'timer'; runId: string; phase: string; name: string; at: number }
  | { type: 'signal'; signalId: string }
  | { type: 'advance'; runId: string; reason: string };

/** The one place workflow job ids are built (BullMQ ids must not contain ':'; toJobId sees to it). */
export function workflowJobId(job: WorkflowJob): string {
  switch (job.type) {
    case 'step':
      return toJobId('wf', job.runId, job.phase, job.name, String(job.attempt));
    case 'poll':
      return toJobId('wf', job.runId, job.phase, job.name, 'poll', String(job.round));
    case 'timer':
      return toJobId('wf', job.runId, job.phase, job.name, 'timer', String(job.at));
    case 'signal':
      return toJobId('wf-signal', job.signalId);
    case 'advance':
      // Not deduplicated for good: an advance is cheap and safe to repeat, but it must run after each change.
      return toJobId('wf', job.runId, 'advance', job.reason);
  }
}

export interface WorkflowQueueSettings {
  prefix: string;
  /** Test and bench runs use their own queue name. */
  name?: string;
}

/** Producer side: every process that starts, signals or cancels runs has one. */
export class WorkflowQueue {
  readonly queue: Queue<WorkflowJob>;

  constructor(connection: Redis, settings: WorkflowQueueSettings) {
    this.queue = new Queue<WorkflowJob>(settings.name ?? WORKFLOWS_QUEUE, {
      connection,
      prefix: settings.prefix,
      defaultJobOptions: {
        // A job fails only when the engine itself could not run it (database down): try again with backoff.
        attempts: 8,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
      },
    });
  }

  async add(job: WorkflowJob, delayMs = 0): Promise<void> {
    await this.queue.add(job.type, job, {
      jobId: workflowJobId(job),
      ...(delayMs > 0 ? { delay: Math.ceil(delayMs) } : {}),
    });
  }

  async addAll(jobs: readonly WorkflowJob[]): Promise<void> {
    if (jobs.length === 0) return;
    if (jobs.length === 1 && jobs[0]) return this.add(jobs[0]);
    await this.queue.addBulk(
      jobs.map((job) => ({ name: job.type, data: job, opts: { jobId: workflowJobId(job) } })),
    );
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface WorkflowWorkerSettings extends WorkflowQueueSettings {
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
}

/**
 * Consumer side (`chatops worker`, `chatops dev`). Short locks and a frequent stalled check, as for tasks,
 * so the step of a killed worker is taken over within seconds; the step's stored state makes that safe.
 */
export function startWorkflowWorker(
  connection: Redis,
  settings: WorkflowWorkerSettings,
  handle: (job: WorkflowJob) => Promise<void>,
  log: Logger,
): { worker: Worker<WorkflowJob>; close(force?: boolean): Promise<void> } {
  const worker = new Worker<WorkflowJob>(
    settings.name ?? WORKFLOWS_QUEUE,
    async (job: Job<WorkflowJob>) => {
      await handle(job.data);
    },
    {
      connection,
      prefix: settings.prefix,
      concurrency: settings.concurrency,
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.stalledIntervalMs,
      maxStalledCount: 5,
      removeOnComplete: { count: 0 },
      removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    },
  );
  worker.on('error', (error) => log.error('workflow-worker-error', { error }));
  worker.on('failed', (job, error) =>
    log.warn('workflow-job-failed', { jobId: job?.id, attempts: job?.attemptsMade, error: error.message }),
  );
  worker.on('stalled', (jobId) => log.warn('workflow-job-stalled', { jobId, action: 'taken over' }));
  return { worker, close: (force = false) => worker.close(force) };
}
