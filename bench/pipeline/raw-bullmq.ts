import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { rate, sleep } from './stats.ts';

/**
 * The ceiling: bare BullMQ on the same Redis, no database, no HTTP, a processor that does nothing. Run in
 * the benchmark's own process before the bot's processes start, so nothing else competes for the CPU.
 * Jobs carry a payload the size and shape of one of our tasks, and are removed on completion like ours.
 */

export interface RawResult {
  addBulkPerSecond: number;
  addPerSecond: number;
  /** Worker drain rate of a pre-filled queue, per concurrency. */
  drain: { concurrency: number; perSecond: number }[];
  best: { concurrency: number; perSecond: number };
  /** Producer `add` (64 in flight) and worker (best concurrency) at the same time, in one process. */
  pipelinedPerSecond: number;
}

const PAYLOAD = {
  v: 1,
  id: '01966f6e-8c1a-7b3e-9c4d-2f5e6a7b8c9d',
  tenantId: 'default',
  platform: 'api',
  kind: 'command',
  user: { id: 'bench-e2e', name: 'bench-e2e' },
  channel: 'bench',
  thread: '01966f6e-8c1a-7b3e-9c4d-2f5e6a7b8c9e',
  text: '',
  command: 'status',
  args: {},
  replyTo: {
    platform: 'api',
    tenantId: 'default',
    channel: 'bench',
    thread: '01966f6e-8c1a-7b3e-9c4d-2f5e6a7b8c9e',
  },
  sourceEventId: '01966f6e-8c1a-7b3e-9c4d-2f5e6a7b8c9e',
  receivedAt: '2026-11-22T10:00:00.000Z',
};

const JOB_OPTIONS = { removeOnComplete: true, removeOnFail: true } as const;

export async function runRawBullmq(
  redisUrl: string,
  prefix: string,
  options: { jobs: number; concurrencies: number[]; deadline: number },
): Promise<RawResult> {
  const producer = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('raw', { connection: producer, prefix, defaultJobOptions: JOB_OPTIONS });
  try {
    await queue.waitUntilReady();
    const fill = async () => {
      const started = performance.now();
      for (let index = 0; index < options.jobs; index += 1000) {
        const count = Math.min(1000, options.jobs - index);
        await queue.addBulk(
          Array.from({ length: count }, (_, offset) => ({
            name: 'noop',
            data: { ...PAYLOAD, n: index + offset },
          })),
        );
      }
      return rate(options.jobs, (performance.now() - started) / 1000);
    };
    // Warm the scripts and the JIT once, untimed.
    await fill();
    await drain(redisUrl, prefix, options.jobs, 16, options.deadline);

    const addBulkPerSecond = await fill();
    const drainResults: { concurrency: number; perSecond: number }[] = [];
    for (const concurrency of options.concurrencies) {
      if (drainResults.length > 0) await fill();
      drainResults.push({
        concurrency,
        perSecond: await drain(redisUrl, prefix, options.jobs, concurrency, options.deadline),
      });
    }
    const best = drainResults.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));

    // Single adds with bounded concurrency (what a gateway does per request), with no worker running.
    const addStarted = performance.now();
    await inParallel(options.jobs, 64, (n) => queue.add('noop', { ...PAYLOAD, n }).then(() => {}));
    const addPerSecond = rate(options.jobs, (performance.now() - addStarted) / 1000);
    await drain(redisUrl, prefix, options.jobs, best.concurrency, options.deadline);

    // Producer and consumer at once.
    const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    let completed = 0;
    const worker = new Worker('raw', async () => {}, {
      connection: workerConnection,
      prefix,
      concurrency: best.concurrency,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    });
    worker.on('completed', () => {
      completed += 1;
    });
    await worker.waitUntilReady();
    const pipelineStarted = performance.now();
    await inParallel(options.jobs, 64, (n) => queue.add('noop', { ...PAYLOAD, n }).then(() => {}));
    while (completed < options.jobs && Date.now() < options.deadline) await sleep(2);
    const pipelinedPerSecond = rate(completed, (performance.now() - pipelineStarted) / 1000);
    await worker.close();
    await workerConnection.quit();

    return { addBulkPerSecond, addPerSecond, drain: drainResults, best, pipelinedPerSecond };
  } finally {
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    await producer.quit().catch(() => {});
  }
}

/** Starts a no-op worker on a pre-filled queue and returns its completion rate. */
async function drain(
  redisUrl: string,
  prefix: string,
  jobs: number,
  concurrency: number,
  deadline: number,
): Promise<number> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  let completed = 0;
  const started = performance.now();
  const worker = new Worker('raw', async () => {}, {
    connection,
    prefix,
    concurrency,
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 0 },
  });
  worker.on('completed', () => {
    completed += 1;
  });
  while (completed < jobs && Date.now() < deadline) await sleep(2);
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await connection.quit();
  if (completed < jobs)
    throw new Error(`raw BullMQ worker completed only ${completed} of ${jobs} jobs in time`);
  return rate(jobs, seconds);
}

async function inParallel(
  count: number,
  width: number,
  run: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await run(index);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
}
