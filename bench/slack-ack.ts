/**
 * Slack acknowledgement benchmark: how fast the gateway answers Slack at POST /slack/events (signature
 * check, Bolt routing, payload → Task, ledger record in PostgreSQL, enqueue in Redis), next to a bare Bolt
 * app (Bolt's own HTTPReceiver, signature check, a listener that does nothing) in the same run, with the same
 * signed app_mention payloads, at a fixed arrival rate (open loop: requests go out on schedule whether or
 * not earlier ones were answered, as Slack sends them). The gateway (`chatops gateway`) and the bare Bolt app
 * each run in a process of their own; the load comes from this one, signed in advance, over keep-alive
 * connections, so the client's work is not counted as server latency.
 *
 *   node bench/slack-ack.ts          (or npm run bench:slack)
 *
 * Knobs: BENCH_RATE (200 requests/s), BENCH_SECONDS (10 per server), BENCH_ROUNDS (5 alternating phases
 * per server), BENCH_CHILD_NODE_OPTIONS (for the gateway, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 * Everything it creates (database, Redis keys, the Bolt app's port on 127.0.0.1) is removed at the end. Target: our p99 within 2× Bolt's and
 * under 20 ms.
 */
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../src/db/database.ts';
import {
  appMention,
  BOT_TOKEN,
  encode,
  SIGNING_SECRET,
  signedHeaders,
} from '../test/fixtures/slack/payloads.ts';
import { startFakeSlack } from '../test/support/fake-slack.ts';
import { clearRedisPrefix, createMigratedDatabase, REDIS_URL, uniqueName } from '../test/support/services.ts';
import { sampleProcess } from './pipeline/counters.ts';
import { freePort, startBotProcess, stopBotProcess, waitHealthy } from './pipeline/processes.ts';
import { mb, ms, summarize } from './pipeline/stats.ts';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CLI = fileURLToPath(new URL('../bin/chatops.js', import.meta.url));
const BARE_BOLT = fileURLToPath(new URL('./slack-ack/bare-bolt.ts', import.meta.url));

// Each server runs in a process of its own (as in production), so the load generator here does not share
// their event loop and both are measured the same way.
const slack = await startFakeSlack();
const database = await createMigratedDatabase();
const prefix = uniqueName('bench_slack');
const [ourPort, barePort] = [await freePort(), await freePort()];
const common = {
  PATH: process.env.PATH ?? '',
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_BOT_TOKEN: BOT_TOKEN,
};
const gateway = startBotProcess('chatops gateway', CLI, ['gateway'], {
  ...common,
  DATABASE_URL: database.url,
  REDIS_URL,
  QUEUE_PREFIX: prefix,
  PORT: String(ourPort),
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  SLACK_API_URL: slack.url,
  ...(process.env.BENCH_CHILD_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_CHILD_NODE_OPTIONS } : {}),
});
const bolt = startBotProcess('bare Bolt', BARE_BOLT, [], { ...common, PORT: String(barePort) });
const ours = `http://127.0.0.1:${ourPort}/slack/events`;
const bare = `http://127.0.0.1:${barePort}/slack/events`;

interface Phase {
  latencies: number[];
  failures: number;
  sent: number;
  elapsedMs: number;
}

/** Sends `RATE` signed, distinct app_mentions per second for `seconds`, on schedule; latencies in ms. */
async function openLoop(url: string, seconds: number): Promise<Phase> {
  const count = Math.round(RATE * seconds);
  const interval = 1000 / RATE;
  const latencies: number[] = [];
  let failures = 0;
  let started = performance.now();
  const inflight: Promise<void>[] = [];
  // Signed before the clock starts: the client's own HMAC work is not part of what is measured.
  const requests = Array.from({ length: count }, () => {
    const { body, contentType } = encode(appMention({ text: 'status' }));
    return { body, headers: signedHeaders(body, contentType) };
  });
  started = performance.now();
  for (const [index, { body, headers }] of requests.entries()) {
    const due = started + index * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const begin = performance.now();
    inflight.push(
      post(url, headers, body).then((status) => {
        if (status === 200) latencies.push(performance.now() - begin);
        else failures += 1;
      }),
    );
  }
  await Promise.all(inflight);
  return { latencies, failures, sent: count, elapsedMs: performance.now() - started };
}

/**
 * Both servers, `ROUNDS` alternating phases each (Bolt first in even rounds, ours first in odd ones): this
 * machine's noise (other tenants, late wake-ups) drifts over seconds, and alternating short phases exposes
 * both servers to the same drift instead of giving each a window of its own.
 */
async function alternate(urls: readonly [string, string], seconds: number) {
  const phases: [Phase[], Phase[]] = [[], []];
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order) phases[index]?.push(await openLoop(urls[index] ?? '', seconds / ROUNDS));
  }
  return [combine(phases[0]), combine(phases[1])] as const;
}

function combine(runs: readonly Phase[]) {
  const total = (field: 'failures' | 'sent' | 'elapsedMs') => runs.reduce((sum, run) => sum + run[field], 0);
  return {
    ...summarize(runs.flatMap((run) => run.latencies)),
    failures: total('failures'),
    perSecond: total('sent') / (total('elapsedMs') / 1000),
  };
}

// A plain keep-alive HTTP client (as the pipeline benchmark uses): fetch's own overhead in this process
// would show up as server latency.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

try {
  await waitHealthy(`http://127.0.0.1:${ourPort}/health`, gateway, 60_000);
  await waitForLine(bolt, 'bare-bolt-ready');
  await openLoop(bare, 2); // warm-up: connections, JIT, prepared statements
  await openLoop(ours, 2);
  const [boltResult, ourResult] = await alternate([bare, ours], SECONDS);
  const rows = [
    ['bare Bolt app (baseline)', boltResult],
    ['chatops /slack/events', ourResult],
  ] as const;
  console.log(
    `Slack ack latency at ${RATE} signed requests/s, ${SECONDS} s per row in ${ROUNDS} alternating phases (no worker running)`,
  );
  for (const [name, result] of rows) {
    console.log(
      `${name.padEnd(26)} p50 ${ms(result.p50).padStart(9)}  p99 ${ms(result.p99).padStart(9)}  max ${ms(result.max).padStart(9)}  ${result.perSecond.toFixed(0).padStart(4)} req/s  failures ${result.failures}`,
    );
  }
  const [baseline, chatops] = [rows[0][1], rows[1][1]];
  console.log(
    `p99 ratio ours/Bolt: ${(chatops.p99 / baseline.p99).toFixed(2)}× (target ≤ 2×); our p99 ${ms(chatops.p99)} (target < 20 ms)`,
  );
  // The gateway's own view (request arrived → answer written), from its ack-latency histogram: what is
  // left of the client's figure is the network stack and the machine's scheduling.
  const metrics = await (await globalThis.fetch(`http://127.0.0.1:${ourPort}/metrics`)).text();
  const buckets = [
    ...metrics.matchAll(/chatops_ack_latency_seconds_bucket\{le="([^"]+)",platform="slack"\} (\d+)/g),
  ];
  const total = Number(buckets.at(-1)?.[2] ?? 0);
  const within = (quantile: number) =>
    buckets.find(([, , count]) => Number(count) >= quantile * total)?.[1] ?? '?';
  console.log(
    `inside the gateway, warm-up included (histogram buckets, n=${total}): p50 ≤ ${Number(within(0.5)) * 1000} ms, p99 ≤ ${Number(within(0.99)) * 1000} ms`,
  );
  const counting = await openDatabase({ kind: 'postgresql', url: database.url, poolMax: 1 });
  const recorded = await counting.sql<{ count: string }>(
    "select count(*)::text as count from tasks where platform = 'slack'",
  );
  await counting.close();
  const [gatewayUsage, boltUsage] = [sampleProcess(gateway.pid), sampleProcess(bolt.pid)];
  console.log(
    `tasks recorded: ${recorded[0]?.count}; RSS: gateway ${mb(gatewayUsage?.rssKb ?? 0)}, bare Bolt ${mb(boltUsage?.rssKb ?? 0)}`,
  );
} finally {
  await stopBotProcess(bolt);
  await stopBotProcess(gateway);
  await slack.close();
  await clearRedisPrefix(prefix);
  await database.drop();
}

async function waitForLine(bot: { tail: string[]; name: string }, line: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!bot.tail.some((entry) => entry.includes(line))) {
    if (Date.now() > deadline) throw new Error(`${bot.name} did not start:\n${bot.tail.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
