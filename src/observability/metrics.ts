import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueDepth } from '../core/ports.ts';

/**
 * The bot's Prometheus metrics. Each process has its own registry: the gateway counts what it receives and
 * how fast it acknowledges; the worker counts outcomes and durations; whoever can see the queue reports
 * its depth at scrape time.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly tasksReceived: Counter<'platform' | 'kind'>;
  readonly tasksDuplicate: Counter<'platform'>;
  readonly tasksRefused: Counter<'platform'>;
  readonly tasksCompleted: Counter<'platform' | 'skill'>;
  readonly tasksFailed: Counter<'platform' | 'skill' | 'code'>;
  readonly taskDuration: Histogram<'platform' | 'skill'>;
  readonly ackLatency: Histogram<'platform'>;
  readonly digests: Counter<'platform' | 'kind' | 'outcome'>;
  readonly digestDelay: Histogram<'platform'>;
}

export function createMetrics(
  options: { queueDepth?: () => Promise<QueueDepth>; defaults?: boolean } = {},
): Metrics {
  const registry = new Registry();
  if (options.defaults !== false) collectDefaultMetrics({ register: registry, prefix: 'chatops_' });
  const metrics: Metrics = {
    registry,
    tasksReceived: new Counter({
      name: 'chatops_tasks_received_total',
      help: 'Tasks accepted from a platform (duplicates excluded).',
      labelNames: ['platform', 'kind'],
      registers: [registry],
    }),
    tasksDuplicate: new Counter({
      name: 'chatops_tasks_duplicate_total',
      help: 'Deliveries of an already recorded source event (platform retries, double clicks).',
      labelNames: ['platform'],
      registers: [registry],
    }),
    tasksRefused: new Counter({
      name: 'chatops_tasks_refused_total',
      help: 'Requests refused where they arrived because they break a limit of the Task schema (answered, never queued).',
      labelNames: ['platform'],
      registers: [registry],
    }),
    tasksCompleted: new Counter({
      name: 'chatops_tasks_completed_total',
      help: 'Tasks that finished successfully.',
      labelNames: ['platform', 'skill'],
      registers: [registry],
    }),
    tasksFailed: new Counter({
      name: 'chatops_tasks_failed_total',
      help: 'Tasks that failed for good (after retries, or at once for bad input).',
      labelNames: ['platform', 'skill', 'code'],
      registers: [registry],
    }),
    taskDuration: new Histogram({
      name: 'chatops_task_duration_seconds',
      help: 'Time from a worker starting a task to its end.',
      labelNames: ['platform', 'skill'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    ackLatency: new Histogram({
      name: 'chatops_ack_latency_seconds',
      help: 'Time from a request arriving to its acknowledgement (verify, record, enqueue).',
      labelNames: ['platform'],
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 3],
      registers: [registry],
    }),
    digests: new Counter({
      name: 'chatops_digests_total',
      help: 'Digest runs by outcome: posted, already-posted, skipped (nothing new), held (outcome unknown), not-due.',
      labelNames: ['platform', 'kind', 'outcome'],
      registers: [registry],
    }),
    digestDelay: new Histogram({
      name: 'chatops_digest_delay_seconds',
      help: 'Time from a digest fire time to its post being taken by the platform.',
      labelNames: ['platform'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600],
      registers: [registry],
    }),
  };
  const queueDepth = options.queueDepth;
  if (queueDepth) {
    new Gauge({
      name: 'chatops_queue_depth',
      help: 'Jobs in the tasks queue by state, read at scrape time.',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const depth = await queueDepth();
        for (const [state, count] of Object.entries(depth)) this.set({ state }, count);
      },
    });
  }
  return metrics;
}
