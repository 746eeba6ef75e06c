/**
 * Workflow benchmark: what the durable workflow engine costs per step, next to bare BullMQ in the same run.
 *
 *   (a) per-step overhead: runs of a 10-step no-op workflow, BENCH_LATENCY_IN_FLIGHT at a time; the gap
 *       between one step's function returning and the next one's being called (its end and the next step
 *       stored, the next job queued and picked up, the step claimed with its run's state read, the progress
 *       message updated now and then), p50/p99;
 *   (b) throughput: BENCH_RUNS runs with BENCH_IN_FLIGHT at a time, steps per second;
 *   (c) the same chains as bare BullMQ jobs (each job adds the next): gaps and steps per second;
 *   (d) BENCH_CONCURRENT_RUNS (1,000) runs started at once: every run must end succeeded with each of its
 *       10 steps run exactly once (counted in the step functions and checked in the database).
 *
 *   node bench/workflows.ts          (or npm run bench:workflows)
 *
 * Knobs (environment, all optional): BENCH_LATENCY_RUNS (200), BENCH_LATENCY_IN_FLIGHT (4), BENCH_RUNS (500),
 * BENCH_IN_FLIGHT (64), BENCH_CONCURRENT_RUNS (1000), BENCH_CONCURRENCY (64, worker concurrency for both),
 * BENCH_DATABASE (postgresql | pglite), BENCH_DATABASE_ADMIN_URL, BENCH_REDIS_URL, BENCH_TIME_LIMIT_S (900),
 * BENCH_SQL_TIMES=1 (print each kind of statement's count and mean time, to see where a step's time goes).
 * Everything it creates (database, Redis keys) is removed at the end, also when it fails.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { storedDeliverySender } from '../adapters/web/sender.ts';
import { defineWorkflow } from '../src/core/workflow-definition.ts';
import { type Database, openDatabase } from '../src/db/database.ts';
import { MessageStore } from '../src/db/message-store.ts';
import { silentLogger } from '../src/observability/logger.ts';
import { RedisLiveEvents } from '../src/queue/live-events.ts';
import { WorkflowEngine } from '../src/workflows/engine.ts';
import { ProgressBoard } from '../src/workflows/progress-board.ts';
import { startWorkflowWorker, WorkflowQueue } from '../src/workflows/queue.ts';
import { WorkflowRegistry } from '../src/workflows/registry.ts';
import { StepRunner } from '../src/workflows/step-runner.ts';
import { latencyLine, perSecond, rate, sleep, summarize } from './pipeline/stats.ts';
import { runBareChains } from './workflows/bare-chain.ts';

const env = process.env;
const int = (name: string, fallback: number) => Math.max(1, Math.floor(Number(env[name] ?? fallback)));
const settings = {
  latencyRuns: int('BENCH_LATENCY_RUNS', 200),
  latencyInFlight: int('BENCH_LATENCY_IN_FLIGHT', 4),
  runs: int('BENCH_RUNS', 500),
  inFlight: int('BENCH_IN_FLIGHT', 64),
  concurrentRuns: int('BENCH_CONCURRENT_RUNS', 1000),
  concurrency: int('BENCH_CONCURRENCY', 64),
  database: env.BENCH_DATABASE === 'pglite' ? 'pglite' : 'postgresql',
  adminUrl: env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  timeLimitS: int('BENCH_TIME_LIMIT_S', 900),
};
const STEPS = 10;

/** What the step functions saw: when each was called and returned, and how often each ran. */
const calls = new Map<string, { entered: number[]; returned: number[]; count: number[] }>();
let onLastStep: (runId: string) => void = () => {};

const noop = defineWorkflow<Record<string, never>>({
  id: 'bench.noop',
  skill: 'bench',
  parseInput: () => ({}),
  title: () => 'No-op',
  steps: Array.from({ length: STEPS }, (_, index) => ({
    kind: 'step' as const,
    name: `s${index + 1}`,
    label: `Step ${index + 1}`,
    run: async (ctx) => {
      const entry = calls.get(ctx.run.id) ?? { entered: [], returned: [], count: [] };
      calls.set(ctx.run.id, entry);
      entry.entered[index] = performance.now();
      entry.count[index] = (entry.count[index] ?? 0) + 1;
      entry.returned[index] = performance.now();
      if (index === STEPS - 1) onLastStep(ctx.run.id);
      return null;
    },
  })),
});

async function main(): Promise<void> {
  const prefix = `bench-wf-${randomBytes(4).toString('hex')}`;
  const databaseName = `chatops_bench_wf_${randomBytes(4).toString('hex')}`;
  const timer = setTimeout(() => {
    console.error(`bench: over BENCH_TIME_LIMIT_S=${settings.timeLimitS}, stopping`);
    process.exit(2);
  }, settings.timeLimitS * 1000);
  timer.unref();
  let database: Database | null = null;
  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  const consumer = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  try {
    database = await openBenchDatabase(databaseName);
    await database.migrate();
    if (env.BENCH_SQL_TIMES === '1') instrument(database);
    const messages = new MessageStore(database);
    const queue = new WorkflowQueue(redis, { prefix });
    const engine = new WorkflowEngine({
      database,
      registry: new WorkflowRegistry([noop]),
      queue,
      board: new ProgressBoard({
        messages,
        senders: new Map([['api', storedDeliverySender('api')]]),
        live: new RedisLiveEvents(redis, null, prefix, silentLogger),
        log: silentLogger,
      }),
      services: () => ({ llm: null }),
      log: silentLogger,
    });
    const runner = new StepRunner(engine);
    const worker = startWorkflowWorker(
      consumer,
      { prefix, concurrency: settings.concurrency, lockDurationMs: 10_000, stalledIntervalMs: 5_000 },
      (job) => runner.handle(job),
      silentLogger,
    );
    console.log(
      `workflows bench: ${settings.database}, ${STEPS}-step no-op workflow, worker concurrency ${settings.concurrency}, ${new Date().toISOString()}`,
    );
    await runMany(engine, 20, 4); // warm-up: JIT, prepared statements, BullMQ scripts
    calls.clear();

    const latency = await runMany(engine, settings.latencyRuns, settings.latencyInFlight);
    const gaps = stepGaps(latency.runIds);
    console.log(
      `(a) per-step overhead, ${settings.latencyInFlight} runs in flight: ${latencyLine(summarize(gaps))}`,
    );
    console.log(`    start → first step: ${latencyLine(summarize(firstStep(latency)))}`);
    calls.clear();

    const throughput = await runMany(engine, settings.runs, settings.inFlight);
    const steps = settings.runs * STEPS;
    console.log(
      `(b) throughput, ${settings.inFlight} runs in flight: ${perSecond(rate(steps, throughput.seconds))} steps, ${perSecond(rate(settings.runs, throughput.seconds))} runs; gaps ${latencyLine(summarize(stepGaps(throughput.runIds)))}`,
    );
    calls.clear();

    const bareLatency = await runBareChains(settings.redisUrl, `${prefix}-bare`, {
      chains: settings.latencyRuns,
      steps: STEPS,
      inFlight: settings.latencyInFlight,
      concurrency: settings.concurrency,
    });
    const bare = await runBareChains(settings.redisUrl, `${prefix}-bare`, {
      chains: settings.runs,
      steps: STEPS,
      inFlight: settings.inFlight,
      concurrency: settings.concurrency,
    });
    console.log(
      `(c) bare BullMQ chains: gaps at ${settings.latencyInFlight} in flight ${latencyLine(summarize(bareLatency.gapsMs))}; ${perSecond(rate(bare.steps, bare.seconds))} steps at ${settings.inFlight} in flight`,
    );
    console.log(
      `    engine/bare: steps/s ${((rate(steps, throughput.seconds) / rate(bare.steps, bare.seconds)) * 100).toFixed(1)}%, p99 gap +${(summarize(gaps).p99 - summarize(bareLatency.gapsMs).p99).toFixed(2)} ms`,
    );

    const burst = await concurrentRuns(engine, database, settings.concurrentRuns);
    console.log(
      `(d) ${settings.concurrentRuns} runs started at once: all ended in ${burst.seconds.toFixed(1)} s (${perSecond(rate(settings.concurrentRuns * STEPS, burst.seconds))} steps); succeeded ${burst.succeeded}, lost ${burst.lost}, steps run more than once ${burst.repeated}, database rows not succeeded once ${burst.badRows}`,
    );
    await worker.close();
    await queue.close();
    if (burst.lost > 0 || burst.repeated > 0 || burst.badRows > 0) process.exitCode = 1;
  } finally {
    await database?.close().catch(() => {});
    await clearPrefix(redis, prefix);
    redis.disconnect();
    consumer.disconnect();
    if (settings.database === 'postgresql') await dropDatabase(databaseName);
    clearTimeout(timer);
  }
}

interface Batch {
  runIds: string[];
  startedAt: Map<string, number>;
  seconds: number;
}

/** Runs `count` runs with at most `inFlight` at a time (the next starts when one reaches its last step). */
async function runMany(engine: WorkflowEngine, count: number, inFlight: number): Promise<Batch> {
  const runIds: string[] = [];
  const startedAt = new Map<string, number>();
  let started = 0;
  let done = 0;
  let resolveAll: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  const startOne = async () => {
    if (started >= count) return;
    started += 1;
    const at = performance.now();
    const run = await engine.start('bench.noop', {}, origin());
    startedAt.set(run.id, at);
    runIds.push(run.id);
  };
  onLastStep = () => {
    done += 1;
    if (done === count) resolveAll();
    else void startOne();
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, () => startOne()));
  await all;
  const seconds = (performance.now() - begin) / 1000;
  // Let the last runs' final advances and progress updates land before the next phase measures.
  await sleep(200);
  return { runIds, startedAt, seconds };
}

function stepGaps(runIds: readonly string[]): number[] {
  const gaps: number[] = [];
  for (const id of runIds) {
    const entry = calls.get(id);
    if (!entry) continue;
    for (let index = 1; index < STEPS; index += 1) {
      const returned = entry.returned[index - 1];
      const entered = entry.entered[index];
      if (returned !== undefined && entered !== undefined) gaps.push(entered - returned);
    }
  }
  return gaps;
}

function firstStep(batch: Batch): number[] {
  return batch.runIds.flatMap((id) => {
    const entered = calls.get(id)?.entered[0];
    const at = batch.startedAt.get(id);
    return entered !== undefined && at !== undefined ? [entered - at] : [];
  });
}

async function concurrentRuns(engine: WorkflowEngine, database: Database, count: number) {
  calls.clear();
  onLastStep = () => {};
  const begin = performance.now();
  const runs = await Promise.all(
    Array.from({ length: count }, () => engine.start('bench.noop', {}, origin())),
  );
  const ids = runs.map((run) => run.id);
  const deadline = Date.now() + 600_000;
  let ended = 0;
  while (Date.now() < deadline) {
    const [row] = await database.sql<{ ended: string }>(
      'select count(*)::text as ended from workflow_runs where id = any($1::uuid[]) and finished_at is not null',
      [ids],
    );
    ended = Number(row?.ended ?? 0);
    if (ended === count) break;
    await sleep(100);
  }
  const seconds = (performance.now() - begin) / 1000;
  const [summary] = await database.sql<{ succeeded: string; bad: string }>(
    `select (select count(*) from workflow_runs where id = any($1::uuid[]) and status = 'succeeded')::text as succeeded,
            (select count(*) from workflow_steps where run_id = any($1::uuid[])
               and (status <> 'succeeded' or attempts <> 1))::text as bad`,
    [ids],
  );
  const [rows] = await database.sql<{ n: string }>(
    'select count(*)::text as n from workflow_steps where run_id = any($1::uuid[])',
    [ids],
  );
  // Lost: a run that did not end, or a step whose function never ran; repeated: one that ran twice.
  let lost = count - ended + Math.max(0, count * STEPS - Number(rows?.n ?? 0));
  let repeated = 0;
  for (const id of ids) {
    const counts = calls.get(id)?.count ?? [];
    for (let index = 0; index < STEPS; index += 1) {
      const n = counts[index] ?? 0;
      if (n === 0) lost += 1;
      if (n > 1) repeated += 1;
    }
  }
  return {
    seconds,
    succeeded: Number(summary?.succeeded ?? 0),
    lost,
    repeated,
    badRows: Number(summary?.bad ?? 0),
  };
}

function origin() {
  const id = crypto.randomUUID();
  const thread = `bench-${id}`;
  return {
    v: 1 as const,
    id,
    tenantId: 'default',
    platform: 'api' as const,
    kind: 'api' as const,
    user: { id: 'bench', name: 'bench' },
    channel: 'bench',
    thread,
    text: 'bench',
    replyTo: { platform: 'api' as const, tenantId: 'default', channel: 'bench', thread },
    sourceEventId: id,
    receivedAt: new Date().toISOString(),
  };
}

async function openBenchDatabase(name: string): Promise<Database> {
  if (settings.database === 'pglite') return openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  const admin = new pg.Client({ connectionString: settings.adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(settings.adminUrl);
  url.pathname = `/${name}`;
  return openDatabase({ kind: 'postgresql', url: url.toString(), poolMax: 20 });
}

async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: settings.adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

async function clearPrefix(redis: Redis, prefix: string): Promise<void> {
  for (const pattern of [`${prefix}:*`, `${prefix}-bare:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }
}

/** BENCH_SQL_TIMES=1: prints how many statements of each kind ran and their mean time (diagnosis). */
function instrument(database: Database): void {
  const times = new Map<string, { n: number; ms: number }>();
  const original = database.sql.bind(database);
  (database as { sql: Database['sql'] }).sql = async (text, params) => {
    const started = performance.now();
    try {
      return await original(text, params);
    } finally {
      const key = text.replace(/\s+/g, ' ').slice(0, 60);
      const entry = times.get(key) ?? { n: 0, ms: 0 };
      entry.n += 1;
      entry.ms += performance.now() - started;
      times.set(key, entry);
    }
  };
  process.on('exit', () => {
    for (const [key, entry] of [...times].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
      console.log(
        `  ${String(entry.n).padStart(7)} × ${(entry.ms / entry.n).toFixed(2).padStart(7)} ms  ${key}`,
      );
    }
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
