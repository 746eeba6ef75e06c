/**
 * Pipeline benchmark: how many chat messages per second the bot turns into stored replies, and how fast it
 * acknowledges, measured against the ceiling of bare BullMQ on the same Redis. One run prints:
 *
 *   (a) raw BullMQ: addBulk, single add, and no-op worker drain rate per concurrency (the best one is the
 *       reference), in this process, before the bot starts;
 *   (b) ours end to end: POST /api/v1/messages {text: "/status"} → the reply stored by the worker, with the
 *       gateway and the worker as separate production processes (`chatops gateway`, `chatops worker`) on a
 *       fresh PostgreSQL database, a closed loop of BENCH_WINDOW tasks in flight: throughput, p50/p99;
 *   (c) acknowledgement latency of POST /api/v1/messages at a steady BENCH_ACK_RATE requests/s (open loop);
 *
 * plus, per phase, CPU per process (/proc), PostgreSQL commits/WAL syncs per task, Redis calls per task,
 * where each task's time went (from the ledger's timestamps), and RSS of every process.
 *
 *   node bench/pipeline.ts                      (or npm run bench:pipeline)
 *
 * Knobs (environment, all optional): BENCH_RAW_JOBS (30000), BENCH_RAW_CONCURRENCY (1,16,64,256),
 * BENCH_TASKS (20000), BENCH_WARMUP (2000), BENCH_WINDOW (256), BENCH_ACK_RATE (200), BENCH_ACK_SECONDS (15),
 * BENCH_WORKERS (1 worker process), BENCH_CHILD_ENV ("WORKER_CONCURRENCY=16 DATABASE_POOL_MAX=20" for the
 * bot's processes), BENCH_CHILD_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), BENCH_SKIP_RAW=1,
 * BENCH_TIME_LIMIT_S (600), BENCH_JSON (write the results there too), BENCH_DATABASE_ADMIN_URL, BENCH_REDIS_URL.
 *
 * Everything it creates (database, Redis keys under its prefixes, processes) is removed at the end, also
 * when it fails or is interrupted.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  type PgCounters,
  pgCounters,
  postgresCpu,
  type RedisCounters,
  redisCounters,
  redisDelta,
  redisPid,
  sampleMachine,
  sampleProcess,
} from './pipeline/counters.ts';
import { ApiClient, closedLoop, openLoop, type PhaseResult, ReplyWatcher } from './pipeline/load.ts';
import {
  type BotProcess,
  freePort,
  runCli,
  startBotProcess,
  stopBotProcess,
  waitHealthy,
} from './pipeline/processes.ts';
import { type RawResult, runRawBullmq } from './pipeline/raw-bullmq.ts';
import { latencyLine, mb, ms, perSecond, rate, sleep, summarize } from './pipeline/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'chatops.js');

const env = process.env;
const int = (name: string, fallback: number) => {
  const value = Number(env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return Math.floor(value);
};
const settings = {
  rawJobs: int('BENCH_RAW_JOBS', 30_000),
  rawConcurrency: (env.BENCH_RAW_CONCURRENCY ?? '1,16,64,256')
    .split(',')
    .map(Number)
    .filter((n) => n > 0),
  skipRaw: env.BENCH_SKIP_RAW === '1',
  tasks: int('BENCH_TASKS', 20_000),
  warmup: int('BENCH_WARMUP', 2_000),
  window: Math.max(1, int('BENCH_WINDOW', 256)),
  ackRate: Math.max(1, int('BENCH_ACK_RATE', 200)),
  ackSeconds: Math.max(1, int('BENCH_ACK_SECONDS', 15)),
  workers: Math.max(1, int('BENCH_WORKERS', 1)),
  timeLimitS: Math.max(30, int('BENCH_TIME_LIMIT_S', 600)),
  childEnv: Object.fromEntries(
    (env.BENCH_CHILD_ENV ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  ) as Record<string, string>,
  childNodeOptions: env.BENCH_CHILD_NODE_OPTIONS ?? '',
  json: env.BENCH_JSON,
  adminUrl: env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
};
const deadline = Date.now() + settings.timeLimitS * 1000;
const phaseDeadline = (seconds: number) => Math.min(deadline - 15_000, Date.now() + seconds * 1000);

// ---------------------------------------------------------------------------------------------------------
// Clean-up: registered as resources are created, run once in reverse order, whatever happens.

const cleanups: { what: string; run: () => Promise<unknown> }[] = [];
let cleaning: Promise<void> | null = null;
function onCleanup(what: string, run: () => Promise<unknown>): void {
  cleanups.push({ what, run });
}
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const { what, run } of cleanups.reverse()) {
      try {
        await Promise.race([
          run(),
          sleep(30_000).then(() => {
            throw new Error('timed out');
          }),
        ]);
      } catch (error) {
        console.error(`clean-up: ${what} failed: ${(error as Error).message}`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up…`);
    void cleanUp().then(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  console.error(`\nTime limit of ${settings.timeLimitS} s reached: cleaning up.`);
  void cleanUp().then(() => process.exit(1));
}, settings.timeLimitS * 1000);

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// Per-phase measurements from outside the processes.

interface Probe {
  at: number;
  processes: Map<string, { cpu: number; sys: number }>;
  postgres: { cpu: number; sys: number };
  machine: { busy: number; kernel: number; steal: number; total: number };
  pg: PgCounters;
  redis: RedisCounters;
}

interface PhaseReport {
  name: string;
  tasks: number;
  seconds: number;
  cpu: { name: string; seconds: number; sysSeconds: number; percentOfCore: number; msPerTask: number }[];
  machineBusyPercent: number;
  machineKernelPercent: number;
  machineStealPercent: number;
  pgPerTask: Record<string, number>;
  redisPerTask: { command: string; calls: number; usec: number }[];
  redisRoundTripsPerTask: number;
  redisUsecPerTask: number;
  rssKb: Record<string, number>;
}

class Probes {
  readonly #admin: pg.Client;
  readonly #database: string;
  readonly #redis: Redis;
  readonly #pids: Map<string, number>;

  constructor(admin: pg.Client, database: string, redis: Redis, pids: Map<string, number>) {
    this.#admin = admin;
    this.#database = database;
    this.#redis = redis;
    this.#pids = pids;
  }

  /**
   * Before a phase: wait for the database's statistics to settle, then read the CPU counters; after a phase:
   * read the CPU counters at once, then wait for the statistics. CPU is thus counted over the phase only.
   */
  async take(when: 'before' | 'after'): Promise<Probe> {
    const pgFirst = when === 'before' ? await this.#settledPg() : null;
    const processes = new Map<string, { cpu: number; sys: number }>();
    const zero = { cpu: 0, sys: 0 };
    for (const [name, pid] of this.#pids) processes.set(name, sampleProcess(pid) ?? zero);
    const usage = process.cpuUsage();
    processes.set('bench (load + listener)', {
      cpu: (usage.user + usage.system) / 1e6,
      sys: usage.system / 1e6,
    });
    const postgres = postgresCpu();
    const machine = sampleMachine();
    const at = performance.now();
    const redis = await redisCounters(this.#redis);
    const pgNow = pgFirst ?? (await this.#settledPg());
    return { at, processes, postgres, machine, pg: pgNow, redis };
  }

  // Statistics reach pg_stat_* when backends go idle (at most once a second): wait until they settle.
  async #settledPg(): Promise<PgCounters> {
    let pgNow = await pgCounters(this.#admin, this.#database);
    for (let attempt = 0; attempt < 24; attempt += 1) {
      await sleep(500);
      const next = await pgCounters(this.#admin, this.#database);
      const settled = next.commits === pgNow.commits && next.walSyncs === pgNow.walSyncs;
      pgNow = next;
      if (settled && attempt >= 2) break;
    }
    return pgNow;
  }

  report(name: string, before: Probe, after: Probe, tasks: number): PhaseReport {
    const seconds = (after.at - before.at) / 1000;
    const cpu: PhaseReport['cpu'] = [];
    const add = (label: string, spent: number, sysSeconds: number) =>
      cpu.push({
        name: label,
        seconds: spent,
        sysSeconds,
        percentOfCore: (100 * spent) / seconds,
        msPerTask: (1000 * spent) / tasks,
      });
    for (const [label, value] of after.processes) {
      const previous = before.processes.get(label) ?? { cpu: 0, sys: 0 };
      add(label, value.cpu - previous.cpu, value.sys - previous.sys);
    }
    add(
      'postgresql (all server processes)',
      after.postgres.cpu - before.postgres.cpu,
      after.postgres.sys - before.postgres.sys,
    );
    const machineStealPercent =
      (100 * (after.machine.steal - before.machine.steal)) /
      Math.max(1, after.machine.total - before.machine.total);
    const machineKernelPercent =
      (100 * (after.machine.kernel - before.machine.kernel)) /
      Math.max(1, after.machine.total - before.machine.total);
    const machineBusyPercent =
      (100 * (after.machine.busy - before.machine.busy)) /
      Math.max(1, after.machine.total - before.machine.total);
    const pgPerTask: Record<string, number> = {};
    for (const key of Object.keys(after.pg) as (keyof PgCounters)[])
      pgPerTask[key] = (after.pg[key] - before.pg[key]) / tasks;
    const redis = redisDelta(before.redis, after.redis, tasks);
    const rssKb: Record<string, number> = {};
    for (const [label, pid] of this.#pids) rssKb[label] = sampleProcess(pid)?.rssKb ?? 0;
    rssKb['bench (load + listener)'] = Math.round(process.memoryUsage.rss() / 1024);
    return {
      name,
      tasks,
      seconds,
      cpu,
      machineBusyPercent,
      machineKernelPercent,
      machineStealPercent,
      pgPerTask,
      redisPerTask: redis.perTask.map(([command, calls, usec]) => ({ command, calls, usec })),
      redisRoundTripsPerTask: redis.roundTripsPerTask,
      redisUsecPerTask: redis.usecPerTask,
      rssKb,
    };
  }
}

// ---------------------------------------------------------------------------------------------------------

function printPhase(report: PhaseReport): void {
  console.log(
    `  CPU during the phase (${report.seconds.toFixed(1)} s): machine ${report.machineBusyPercent.toFixed(0)}% busy of ${navigatorCores()} cores (${report.machineKernelPercent.toFixed(0)}% in the kernel), ${report.machineStealPercent.toFixed(0)}% stolen by the hypervisor; per process (of which system):`,
  );
  for (const entry of report.cpu) {
    console.log(
      `    ${entry.name.padEnd(34)} ${entry.seconds.toFixed(2).padStart(7)} s (${entry.sysSeconds.toFixed(2)} s) ${entry.percentOfCore.toFixed(0).padStart(4)}% of a core  ${entry.msPerTask.toFixed(3)} ms/task`,
    );
  }
  const p = report.pgPerTask;
  console.log(
    `  PostgreSQL per task: ${p.commits?.toFixed(2)} commits, ${p.inserted?.toFixed(2)} rows inserted, ${p.updated?.toFixed(2)} rows updated, ` +
      `${p.walRecords?.toFixed(1)} WAL records, ${((p.walBytes ?? 0) / 1024).toFixed(1)} KB WAL, ${p.walSyncs?.toFixed(2)} WAL fsyncs`,
  );
  console.log(
    `  Redis per task: ~${report.redisRoundTripsPerTask.toFixed(2)} client round trips (evalsha/publish/…), ${report.redisUsecPerTask.toFixed(0)} µs Redis CPU; calls (incl. inside scripts):`,
  );
  console.log(
    `    ${report.redisPerTask
      .filter((entry) => entry.calls >= 0.05)
      .slice(0, 14)
      .map((entry) => `${entry.command} ${entry.calls.toFixed(2)}`)
      .join(', ')}`,
  );
}

function navigatorCores(): number {
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 0;
}

function latencies(sent: PhaseResult['sent']) {
  const accepted = sent.filter((entry) => entry.taskId !== null);
  return {
    accepted: accepted.length,
    rejected: sent.length - accepted.length,
    ack: summarize(accepted.map((entry) => entry.ackedAt - entry.startedAt)),
    ackFromSchedule: summarize(
      accepted
        .filter((entry) => Number.isFinite(entry.scheduledAt))
        .map((entry) => entry.ackedAt - entry.scheduledAt),
    ),
    endToEnd: summarize(
      accepted
        .filter((entry) => Number.isFinite(entry.repliedAt))
        .map((entry) => entry.repliedAt - entry.startedAt),
    ),
    replied: accepted.filter((entry) => Number.isFinite(entry.repliedAt)).length,
  };
}

/** Where each task's time went, from the ledger's own timestamps (read after the phase, off the clock). */
async function breakdown(admin: pg.Client, user: string) {
  const result = await admin.query<{ step: string; p50: number; p99: number }>(
    `with t as (
       select t.received_at, t.started_at, t.finished_at, um.created_at as recorded_at, bm.created_at as replied_at
         from tasks t
         join messages um on um.task_id = t.id and um.author_kind = 'user'
         join messages bm on bm.task_id = t.id and bm.author_kind = 'bot'
        where t.user_id = $1
     ), steps as (
       select 'gateway: request → ledger insert' as step, 1 as n, extract(epoch from recorded_at - received_at) * 1000 as v from t
       union all select 'queue: ledger insert → worker claims', 2, extract(epoch from started_at - recorded_at) * 1000 from t
       union all select 'worker: claim → reply inserted', 3, extract(epoch from replied_at - started_at) * 1000 from t
       union all select 'worker: reply → task finished', 4, extract(epoch from finished_at - replied_at) * 1000 from t
     )
     select step, percentile_cont(0.5) within group (order by v) as p50, percentile_cont(0.99) within group (order by v) as p99
       from steps group by step, n order by n`,
    [user],
  );
  return result.rows;
}

async function main(): Promise<number> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const prefix = `bench_${runId}`;
  const rawPrefix = `benchraw_${runId}`;
  const databaseName = `chatops_bench_${runId}`;
  const results: Record<string, unknown> = { settings: { ...settings, childEnv: settings.childEnv }, runId };

  console.log(
    `chatops pipeline benchmark (${new Date().toISOString()}, node ${process.version}, ${navigatorCores()} cores)`,
  );

  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1, connectionName: 'bench-probe' });
  onCleanup('close the Redis probe connection', () => redis.quit());
  onCleanup('delete Redis keys', async () => {
    for (const pattern of [`${prefix}:*`, `${rawPrefix}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  });
  const admin = new pg.Client({ connectionString: settings.adminUrl });
  await admin.connect();
  onCleanup('close the PostgreSQL admin connection', () => admin.end());

  // (a) ------------------------------------------------------------------------------------------------
  let raw: RawResult | null = null;
  if (!settings.skipRaw) {
    log(
      `raw BullMQ: ${settings.rawJobs} jobs per measurement, concurrency ${settings.rawConcurrency.join('/')}`,
    );
    raw = await runRawBullmq(settings.redisUrl, rawPrefix, {
      jobs: settings.rawJobs,
      concurrencies: settings.rawConcurrency,
      deadline: phaseDeadline(120),
    });
    results.raw = raw;
    console.log(
      '\n(a) Raw BullMQ on this Redis (no-op processor, in the benchmark process, no database, no HTTP)',
    );
    console.log(`  addBulk (1,000 per call):         ${perSecond(raw.addBulkPerSecond)}`);
    console.log(`  add, 64 in flight:                ${perSecond(raw.addPerSecond)}`);
    for (const entry of raw.drain)
      console.log(
        `  no-op worker, concurrency ${String(entry.concurrency).padEnd(4)}:    ${perSecond(entry.perSecond)}`,
      );
    console.log(
      `  add + no-op worker together:      ${perSecond(raw.pipelinedPerSecond)} (concurrency ${raw.best.concurrency})`,
    );
    console.log(
      `  → reference: ${perSecond(raw.best.perSecond)}; 10% target = ${perSecond(raw.best.perSecond / 10)}`,
    );
  }

  // Bot processes --------------------------------------------------------------------------------------
  log(`creating database ${databaseName}`);
  await admin.query(`create database ${databaseName}`);
  onCleanup(`drop database ${databaseName}`, () =>
    admin.query(`drop database if exists ${databaseName} with (force)`),
  );
  const databaseUrl = new URL(settings.adminUrl);
  databaseUrl.pathname = `/${databaseName}`;
  // For reading results after each phase (off the clock); idle while the phases run.
  const dbClient = new pg.Client({ connectionString: databaseUrl.toString() });
  await dbClient.connect();
  onCleanup('close the database reader', () => dbClient.end());

  const gatewayPort = await freePort();
  const baseEnv: Record<string, string> = {
    PATH: env.PATH ?? '',
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: settings.redisUrl,
    QUEUE_PREFIX: prefix,
    HOST: '127.0.0.1',
    PORT: String(gatewayPort),
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    ...settings.childEnv,
  };
  const childEnv = (extra: Record<string, string>) => ({
    ...baseEnv,
    ...extra,
    ...(settings.childNodeOptions ? { NODE_OPTIONS: settings.childNodeOptions } : {}),
  });
  log('chatops migrate; chatops api-key create (one key per phase)');
  await runCli(CLI, ['migrate'], baseEnv);
  const apiKeys = new Map<string, string>();
  for (const phase of ['bench-warmup', 'bench-e2e', 'bench-ack']) {
    const key = (await runCli(CLI, ['api-key', 'create', '--name', phase], baseEnv)).trim().split('\n').pop();
    if (!key?.startsWith('cok_')) throw new Error('api-key create printed no key');
    apiKeys.set(phase, key);
  }

  const processes: BotProcess[] = [];
  onCleanup('stop the bot processes', () => Promise.all(processes.map((bot) => stopBotProcess(bot))));
  const gateway = startBotProcess(
    'gateway',
    CLI,
    ['gateway'],
    childEnv({ WORKER_METRICS_PORT: String(await freePort()) }),
  );
  processes.push(gateway);
  const workers: BotProcess[] = [];
  const workerPorts: number[] = [];
  for (let index = 0; index < settings.workers; index += 1) {
    const port = await freePort();
    workerPorts.push(port);
    const worker = startBotProcess(
      settings.workers === 1 ? 'worker' : `worker ${index + 1}`,
      CLI,
      ['worker'],
      childEnv({ WORKER_METRICS_PORT: String(port) }),
    );
    processes.push(worker);
    workers.push(worker);
  }
  await waitHealthy(`http://127.0.0.1:${gatewayPort}/health`, gateway);
  for (const [index, worker] of workers.entries())
    await waitHealthy(`http://127.0.0.1:${workerPorts[index]}/health`, worker);
  log(`gateway pid ${gateway.pid} on :${gatewayPort}; worker pid(s) ${workers.map((w) => w.pid).join(', ')}`);

  const subscriber = new Redis(settings.redisUrl, { connectionName: 'bench-listener' });
  onCleanup('close the live-events listener', () => subscriber.quit());
  const watcher = new ReplyWatcher(subscriber, `${prefix}:live`);
  await subscriber.subscribe(`${prefix}:live`);
  const client = new ApiClient(gatewayPort, apiKeys, Math.max(64, settings.window));
  onCleanup('close HTTP connections', async () => client.close());

  const pids = new Map<string, number>([
    ['gateway', gateway.pid],
    ...workers.map((w): [string, number] => [w.name, w.pid]),
  ]);
  const redisServer = await redisPid(redis);
  if (redisServer) pids.set('redis-server', redisServer);
  const probes = new Probes(admin, databaseName, redis, pids);

  // Warm-up: JIT, connection pools, prepared statements (the API key lookup's too), BullMQ scripts loaded.
  log(`warm-up: ${settings.warmup} tasks`);
  const warm = await closedLoop(client, watcher, {
    tasks: settings.warmup,
    window: settings.window,
    user: 'bench-warmup',
    deadline: phaseDeadline(60),
  });
  if (warm.timedOut)
    throw new Error(
      `warm-up did not finish: ${latencies(warm.sent).replied} of ${settings.warmup} replies seen`,
    );
  watcher.forget();

  // Idle: what the processes cost with nothing to do (timers, polling), which every task pays at low load.
  const idleBefore = await probes.take('before');
  await sleep(5_000);
  const idleAfter = await probes.take('after');
  const idleReport = probes.report('idle', idleBefore, idleAfter, 1);
  results.idle = idleReport.cpu;
  console.log(
    `\nIdle (5 s, no requests): ${idleReport.cpu.map((entry) => `${entry.name} ${entry.percentOfCore.toFixed(1)}%`).join(', ')} of a core`,
  );

  // (b) ------------------------------------------------------------------------------------------------
  log(`end to end: ${settings.tasks} tasks, ${settings.window} in flight`);
  let before = await probes.take('before');
  const e2e = await closedLoop(client, watcher, {
    tasks: settings.tasks,
    window: settings.window,
    user: 'bench-e2e',
    deadline: phaseDeadline(240),
  });
  const e2eSeconds = (e2e.endedAt - e2e.startedAt) / 1000;
  const e2eStats = latencies(e2e.sent);
  let after = await probes.take('after');
  const e2eReport = probes.report('end-to-end', before, after, e2eStats.replied);
  const throughput = rate(e2eStats.replied, e2eSeconds);
  const replyTimes = e2e.sent
    .map((entry) => entry.repliedAt)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const steadyFrom = replyTimes[Math.floor(replyTimes.length * 0.1)] ?? 0;
  const steadyTo = replyTimes[Math.floor(replyTimes.length * 0.9)] ?? 0;
  const steady = rate(Math.floor(replyTimes.length * 0.8), (steadyTo - steadyFrom) / 1000);
  const e2eBreakdown = await breakdown(dbClient, 'key:bench-e2e');
  results.endToEnd = {
    throughput,
    steady,
    seconds: e2eSeconds,
    ...e2eStats,
    breakdown: e2eBreakdown,
    report: e2eReport,
  };

  console.log(
    `\n(b) Ours end to end: POST /api/v1/messages "/status" → reply stored (PostgreSQL, 1 gateway + ${settings.workers} worker process(es), ${settings.window} tasks in flight)`,
  );
  console.log(
    `  throughput: ${perSecond(throughput)} (${e2eStats.replied} of ${settings.tasks} replies in ${e2eSeconds.toFixed(2)} s; middle 80%: ${perSecond(steady)})` +
      (raw ? ` = ${((100 * throughput) / raw.best.perSecond).toFixed(1)}% of raw BullMQ` : ''),
  );
  console.log(`  latency POST → reply stored: ${latencyLine(e2eStats.endToEnd)}`);
  console.log(`  ack latency under this load: ${latencyLine(e2eStats.ack)}`);
  if (e2e.timedOut) console.log('  ! phase hit its time limit before every reply was seen');
  console.log('  where the time went (ledger timestamps, p50 / p99):');
  for (const row of e2eBreakdown)
    console.log(`    ${row.step.padEnd(38)} ${ms(Number(row.p50)).padStart(9)} / ${ms(Number(row.p99))}`);
  printPhase(e2eReport);

  // (c) ------------------------------------------------------------------------------------------------
  watcher.forget();
  log(`ack latency: ${settings.ackRate} requests/s for ${settings.ackSeconds} s`);
  before = await probes.take('before');
  const ack = await openLoop(client, watcher, {
    perSecond: settings.ackRate,
    seconds: settings.ackSeconds,
    user: 'bench-ack',
    maxInFlight: 1_000,
    drainMs: 20_000,
  });
  const ackStats = latencies(ack.sent);
  after = await probes.take('after');
  const ackReport = probes.report('ack', before, after, Math.max(1, ackStats.accepted));
  const ackBreakdown = await breakdown(dbClient, 'key:bench-ack');
  results.ack = { ...ackStats, skipped: ack.skipped, breakdown: ackBreakdown, report: ackReport };

  console.log(
    `\n(c) Acknowledgement latency at a steady ${settings.ackRate} requests/s (open loop, ${settings.ackSeconds} s)`,
  );
  console.log(`  ack (202 received − request sent):     ${latencyLine(ackStats.ack)}`);
  console.log(`  ack (202 received − scheduled time):   ${latencyLine(ackStats.ackFromSchedule)}`);
  console.log(`  end to end at this rate:               ${latencyLine(ackStats.endToEnd)}`);
  if (ack.skipped > 0) console.log(`  ! ${ack.skipped} sends skipped (more than 1000 in flight)`);
  console.log('  where the time went (p50 / p99):');
  for (const row of ackBreakdown)
    console.log(`    ${row.step.padEnd(38)} ${ms(Number(row.p50)).padStart(9)} / ${ms(Number(row.p99))}`);
  printPhase(ackReport);

  // Check ----------------------------------------------------------------------------------------------
  const stored = await dbClient.query<{ user_id: string; status: string; tasks: string; replies: string }>(
    `select t.user_id, t.status, count(*) as tasks, coalesce(sum(r.replies), 0) as replies
       from tasks t
       left join (select task_id, count(*) as replies from messages where author_kind = 'bot' group by task_id) r
         on r.task_id = t.id
      group by t.user_id, t.status order by t.user_id, t.status`,
  );
  console.log('\nCheck (database): tasks by user and status, with their stored bot replies');
  for (const row of stored.rows)
    console.log(
      `  ${row.user_id.padEnd(14)} ${row.status.padEnd(10)} ${row.tasks} tasks, ${row.replies} replies`,
    );
  console.log(`  live events seen: ${watcher.botEvents} bot replies of ${watcher.events} events`);
  if (client.errors.size > 0) {
    console.log('  HTTP errors:');
    for (const [kind, count] of client.errors) console.log(`    ${count} × ${kind}`);
  }

  // Memory ---------------------------------------------------------------------------------------------
  console.log('\nMemory (RSS now / peak since start)');
  const memory: Record<string, { rssKb: number; peakRssKb: number }> = {};
  for (const [label, pid] of pids) {
    const sample = sampleProcess(pid);
    if (!sample) continue;
    memory[label] = { rssKb: sample.rssKb, peakRssKb: sample.peakRssKb };
    console.log(`  ${label.padEnd(24)} ${mb(sample.rssKb).padStart(7)} / ${mb(sample.peakRssKb)}`);
  }
  const self = sampleProcess(process.pid);
  if (self)
    console.log(
      `  ${'bench (this process)'.padEnd(24)} ${mb(self.rssKb).padStart(7)} / ${mb(self.peakRssKb)}`,
    );
  const redisMemory = /^used_memory_rss:(\d+)/m.exec(await redis.info('memory'))?.[1];
  if (redisMemory)
    console.log(`  ${'(redis used_memory_rss)'.padEnd(24)} ${mb(Number(redisMemory) / 1024).padStart(7)}`);
  results.memory = memory;

  for (const bot of processes) {
    if (bot.lines > 0) {
      console.log(`\n${bot.name} wrote ${bot.lines} log line(s) at LOG_LEVEL=warn; the last:`);
      for (const line of bot.tail.slice(-5)) console.log(`  ${line}`);
    }
  }

  // Summary --------------------------------------------------------------------------------------------
  console.log('\nSummary');
  if (raw)
    console.log(
      `  raw BullMQ no-op:        ${perSecond(raw.best.perSecond)} (concurrency ${raw.best.concurrency})`,
    );
  console.log(
    `  ours end to end:         ${perSecond(throughput)}  p50 ${ms(e2eStats.endToEnd.p50)}  p99 ${ms(e2eStats.endToEnd.p99)}` +
      (raw ? `  → ${((100 * throughput) / raw.best.perSecond).toFixed(1)}% of raw (target ≥ 10%)` : ''),
  );
  console.log(
    `  ack at ${settings.ackRate} req/s:       p50 ${ms(ackStats.ack.p50)}  p99 ${ms(ackStats.ack.p99)} (target p99 < 20 ms)`,
  );
  console.log(
    `  RSS:                     ${[...Object.entries(memory)].map(([label, value]) => `${label} ${mb(value.rssKb)}`).join(', ')}`,
  );

  if (settings.json) writeFileSync(settings.json, `${JSON.stringify(results, null, 2)}\n`);
  const complete =
    !e2e.timedOut && e2eStats.replied === settings.tasks && ackStats.replied === ackStats.accepted;
  return complete ? 0 : 1;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`\nbenchmark failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  log('cleaning up');
  await cleanUp();
  clearTimeout(watchdog);
}
process.exit(exitCode);
