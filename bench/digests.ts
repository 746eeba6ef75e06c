/**
 * Digests benchmark: BENCH_DIGESTS (1,000) digests due in the same minute, fired by two `chatops scheduler`
 * processes and posted by BENCH_WORKERS (2) `chatops worker` processes to a fake Slack Web API on
 * 127.0.0.1, each digest to a channel of its own (Slack paces posts per channel). It prints whether every
 * digest was posted exactly once, whether all arrived within 60 s of their fire time, and the delay from
 * fire time to the post reaching Slack (p50/p90/p99/max), from Slack's side and from the digest ledger.
 *
 *   node bench/digests.ts                      (or npm run bench:digests)
 *
 * Knobs (environment, all optional): BENCH_DIGESTS (1000), BENCH_WORKERS (2), BENCH_SCHEDULERS (2),
 * BENCH_KIND (approvals), BENCH_DATABASE_ADMIN_URL, BENCH_REDIS_URL, BENCH_CHILD_ENV ("WORKER_CONCURRENCY=64").
 * The digests are written straight into the schedules table, exactly as `/digest add` stores them (a
 * thousand chat commands would measure the chat path instead). Everything it creates is removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startBenchSlack } from './digests/fake-slack.ts';
import {
  type BotProcess,
  freePort,
  runCli,
  startBotProcess,
  stopBotProcess,
  waitHealthy,
} from './pipeline/processes.ts';
import { latencyLine, sleep, summarize } from './pipeline/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'chatops.js');
const env = process.env;
const count = Number(env.BENCH_DIGESTS ?? 1000);
const workers = Number(env.BENCH_WORKERS ?? 2);
const schedulers = Number(env.BENCH_SCHEDULERS ?? 2);
const kind = env.BENCH_KIND ?? 'approvals';
const adminUrl = env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const childEnv = Object.fromEntries(
  (env.BENCH_CHILD_ENV ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => pair.split('=') as [string, string]),
);
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const cleanups: { what: string; run: () => Promise<unknown> }[] = [];
async function cleanUp(): Promise<void> {
  for (const { what, run } of cleanups.reverse()) {
    await run().catch((error: unknown) => console.error(`cleanup ${what} failed: ${String(error)}`));
  }
}
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

async function main(): Promise<void> {
  const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const databaseName = `chatops_bench_digests_${suffix}`;
  const prefix = `bench-digests-${suffix}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  cleanups.push({ what: 'admin connection', run: () => admin.end() });
  await admin.query(`create database ${databaseName}`);
  cleanups.push({
    what: `drop database ${databaseName}`,
    run: () => admin.query(`drop database if exists ${databaseName} with (force)`),
  });
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${databaseName}`;
  const slack = await startBenchSlack();
  cleanups.push({ what: 'fake Slack', run: () => slack.close() });
  const base = {
    PATH: env.PATH ?? '',
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
    SLACK_BOT_TOKEN: 'xoxb-1234567890-0987654321-BenchTokenValue',
    SLACK_API_URL: slack.url,
    SCHEDULER_RELOAD_INTERVAL_MS: '2000',
    ...childEnv,
  };
  cleanups.push({ what: 'Redis keys', run: () => clearPrefix(prefix) });
  await runCli(CLI, ['migrate'], base);

  // The fire minute: far enough ahead for every process to start and arm the schedules.
  const fireAt = new Date(Math.ceil((Date.now() + 50_000) / 60_000) * 60_000);
  const cron = `${fireAt.getUTCMinutes()} ${fireAt.getUTCHours()} * * *`;
  const database = new pg.Client({ connectionString: databaseUrl.toString() });
  await database.connect();
  cleanups.push({ what: 'database connection', run: () => database.end() });
  const names: string[] = [];
  for (let index = 0; index < count; index += 1) {
    names.push(`dg-${[...randomBytes(6)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('')}`);
  }
  await database.query(
    `insert into schedules (id, tenant_id, name, cron, timezone, platform, channel, command, text, args, created_by, enabled)
     select gen_random_uuid(), 'default', name, $2, 'UTC', 'slack', channel, 'digest', '', $3::jsonb, 'bench', true
       from unnest($1::text[], $4::text[]) as input(name, channel)`,
    [
      names,
      cron,
      JSON.stringify({ kind, when: `every day at ${fireAt.toISOString().slice(11, 16)}`, quiet: 'line' }),
      names.map((_name, index) => `C0B${String(index).padStart(8, '0')}`),
    ],
  );
  console.log(
    `${count} ${kind} digests due at ${fireAt.toISOString()} (cron "${cron}" UTC), ${schedulers} schedulers, ${workers} workers`,
  );

  const processes: BotProcess[] = [];
  cleanups.push({
    what: 'processes',
    run: () => Promise.all(processes.map((bot) => stopBotProcess(bot))),
  });
  for (let index = 0; index < workers; index += 1) {
    const port = await freePort();
    const worker = startBotProcess(`worker-${index + 1}`, CLI, ['worker'], {
      ...base,
      WORKER_METRICS_PORT: String(port),
    });
    processes.push(worker);
    await waitHealthy(`http://127.0.0.1:${port}/health`, worker, 60_000);
  }
  for (let index = 0; index < schedulers; index += 1) {
    processes.push(startBotProcess(`scheduler-${index + 1}`, CLI, ['scheduler'], base));
  }
  const ahead = fireAt.getTime() - Date.now();
  if (ahead < 5_000)
    throw new Error(`the processes took too long to start (${-ahead} ms past the fire time)`);
  console.log(`all processes up, ${Math.round(ahead / 1000)} s before the fire time`);

  const deadline = fireAt.getTime() + 120_000;
  while (Date.now() < deadline && new Set(slack.posts.map((post) => post.key)).size < count) await sleep(200);
  await sleep(3_000); // late duplicates, if any, would arrive now
  for (const bot of processes) {
    if (bot.child.exitCode !== null) console.log(`${bot.name} exited early:\n${bot.tail.join('\n')}`);
  }

  const firstArrival = new Map<string, number>();
  for (const post of slack.posts) if (!firstArrival.has(post.key)) firstArrival.set(post.key, post.at);
  const expected = new Set(names.map((name) => `${name}/${fireAt.toISOString()}`));
  const posted = [...firstArrival.keys()].filter((key) => expected.has(key)).length;
  const duplicates = slack.posts.length - firstArrival.size;
  const delays = [...firstArrival.values()].map((at) => at - fireAt.getTime());
  const ledger = await database.query<{ status: string; delay_ms: string | null; tasks: string }>(
    `select status, (extract(epoch from posted_at - fire_time) * 1000)::text as delay_ms,
            (select count(*) from tasks)::text as tasks
       from digest_runs`,
  );
  const ledgerDelays = ledger.rows.flatMap((row) => (row.delay_ms ? [Number(row.delay_ms)] : []));
  // Where the time went: waiting in the queue (fire time → a worker starts the task) and running it.
  const phases = await database.query<{ queued_ms: string; ran_ms: string }>(
    `select (extract(epoch from started_at - received_at) * 1000)::text as queued_ms,
            (extract(epoch from finished_at - started_at) * 1000)::text as ran_ms
       from tasks where started_at is not null and finished_at is not null`,
  );
  const stats = summarize(delays);
  console.log(
    `posted once: ${posted}/${count}   duplicates in Slack: ${duplicates}   missing: ${count - posted}`,
  );
  console.log(
    `tasks in the ledger: ${ledger.rows[0]?.tasks ?? 0} (two schedulers fired every digest: one task each)`,
  );
  console.log(`all within 60 s of the fire time: ${posted === count && stats.max <= 60_000 ? 'yes' : 'NO'}`);
  console.log(`fire time → post at Slack:   ${latencyLine(stats)}`);
  console.log(`fire time → posted (ledger): ${latencyLine(summarize(ledgerDelays))}`);
  console.log(
    `  fire time → task started:    ${latencyLine(summarize(phases.rows.map((row) => Number(row.queued_ms))))}`,
  );
  console.log(
    `  task started → finished:     ${latencyLine(summarize(phases.rows.map((row) => Number(row.ran_ms))))}`,
  );
  console.log(`machine load (1 min) at the end: ${(await loadAverage()).toFixed(2)}`);
  if (posted !== count || duplicates !== 0) process.exitCode = 1;
}

async function clearPrefix(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function loadAverage(): Promise<number> {
  const { loadavg } = await import('node:os');
  return loadavg()[0] ?? 0;
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
