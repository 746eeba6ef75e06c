import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

/**
 * The reference: the same chains of 10 no-op steps as bare BullMQ jobs, each job adding the next one when
 * it is done (what the workflow engine does, minus the database). Same Redis, same worker concurrency.
 * Returns the gaps between one step's end and the next one's start, and the wall time of all chains.
 */
export interface ChainResult {
  gapsMs: number[];
  seconds: number;
  steps: number;
}

interface ChainJob {
  chain: number;
  step: number;
}

export async function runBareChains(
  redisUrl: string,
  prefix: string,
  options: { chains: number; steps: number; inFlight: number; concurrency: number },
): Promise<ChainResult> {
  const producer = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const consumer = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue<ChainJob>('bare-chain', {
    connection: producer,
    prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
  });
  const ended = new Map<number, number>();
  const gapsMs: number[] = [];
  let finishedChains = 0;
  let next = 0;
  let resolveAll: () => void = () => {};
  const allDone = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  const startChain = async () => {
    if (next >= options.chains) return;
    const chain = next;
    next += 1;
    ended.set(chain, performance.now());
    await queue.add('step', { chain, step: 1 }, { jobId: `c${chain}.s1` });
  };
  const worker = new Worker<ChainJob>(
    'bare-chain',
    async (job) => {
      const { chain, step } = job.data;
      const previous = ended.get(chain) ?? performance.now();
      gapsMs.push(performance.now() - previous);
      ended.set(chain, performance.now());
      if (step < options.steps) {
        await queue.add('step', { chain, step: step + 1 }, { jobId: `c${chain}.s${step + 1}` });
      } else {
        finishedChains += 1;
        if (finishedChains === options.chains) resolveAll();
        else await startChain();
      }
    },
    { connection: consumer, prefix, concurrency: options.concurrency },
  );
  const started = performance.now();
  try {
    for (let index = 0; index < Math.min(options.inFlight, options.chains); index += 1) await startChain();
    await allDone;
    return {
      gapsMs,
      seconds: (performance.now() - started) / 1000,
      steps: options.chains * options.steps,
    };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  }
}
