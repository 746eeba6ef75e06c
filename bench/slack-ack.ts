/**
 * Slack acknowledgement benchmark: how fast the gateway answers Slack at POST /slack/events (signature
 * check, Bolt routing, payload → Task, ledger record in PostgreSQL, enqueue in Redis), next to a bare Bolt
 * app (Bolt's own HTTPReceiver, signature check, a listener that does nothing) in the same run, with the same
 * signed app_mention payloads, at a fixed arrival rate (open loop: requests go out on schedule whether or
 * not earlier ones were answered, as Slack sends them).
 *
 *   node bench/slack-ack.ts          (or npm run bench:slack)
 *
 * Knobs: BENCH_RATE (200 requests/s), BENCH_SECONDS (10 per phase). Everything it creates (database,
 * Redis keys, the Bolt app's port on 127.0.0.1) is removed at the end. Target: our p99 within 2× Bolt's and
 * under 20 ms.
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { loadConfig } from '../src/config/load-config.ts';
import { createRuntime, startGateway } from '../src/main.ts';
import { silentLogger } from '../src/observability/logger.ts';
import {
  appMention,
  BOT_TOKEN,
  encode,
  SIGNING_SECRET,
  signedHeaders,
} from '../test/fixtures/slack/payloads.ts';
import { startFakeSlack } from '../test/support/fake-slack.ts';
import { clearRedisPrefix, createTestDatabase, REDIS_URL, uniqueName } from '../test/support/services.ts';
import { mb, ms, summarize } from './pipeline/stats.ts';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const slack = await startFakeSlack();
const database = await createTestDatabase();
const prefix = uniqueName('bench_slack');
const config = loadConfig(
  {
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.url,
  },
  'gateway',
);
const runtime = await createRuntime(config, silentLogger, { subscribeLive: false, migrate: true });
const gateway = await startGateway(runtime);
const ours = `http://127.0.0.1:${gateway.port}/slack/events`;

// The baseline: a bare Bolt app, as its README starts one, answering the same signed events.
const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events' });
const bolt = new App({
  receiver,
  token: BOT_TOKEN,
  botId: 'B0CHATOPS01',
  botUserId: 'U0BOTUSER01',
  tokenVerificationEnabled: false,
  logLevel: LogLevel.ERROR,
});
bolt.event('app_mention', async () => {});
const server = await receiver.start(0);
const address = server.address();
const bare = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/slack/events`;

/** Sends `RATE` signed, distinct app_mentions per second for `seconds`, on schedule; latencies in ms. */
async function openLoop(url: string, seconds: number) {
  const count = Math.round(RATE * seconds);
  const interval = 1000 / RATE;
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let index = 0; index < count; index += 1) {
    const due = started + index * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const { body, contentType } = encode(appMention({ text: 'status' }));
    const headers = signedHeaders(body, contentType);
    const begin = performance.now();
    inflight.push(
      fetch(url, { method: 'POST', headers, body }).then(async (response) => {
        await response.arrayBuffer();
        if (response.ok) latencies.push(performance.now() - begin);
        else failures += 1;
      }),
    );
  }
  await Promise.all(inflight);
  return { ...summarize(latencies), failures, perSecond: count / ((performance.now() - started) / 1000) };
}

try {
  await openLoop(bare, 2); // warm-up: connections, JIT, prepared statements
  await openLoop(ours, 2);
  const rows = [
    ['bare Bolt app (baseline)', await openLoop(bare, SECONDS)],
    ['chatops /slack/events', await openLoop(ours, SECONDS)],
  ] as const;
  console.log(`Slack ack latency at ${RATE} signed requests/s, ${SECONDS} s per row (no worker running)`);
  for (const [name, result] of rows) {
    console.log(
      `${name.padEnd(26)} p50 ${ms(result.p50).padStart(9)}  p99 ${ms(result.p99).padStart(9)}  max ${ms(result.max).padStart(9)}  ${result.perSecond.toFixed(0).padStart(4)} req/s  failures ${result.failures}`,
    );
  }
  const [baseline, chatops] = [rows[0][1], rows[1][1]];
  console.log(
    `p99 ratio ours/Bolt: ${(chatops.p99 / baseline.p99).toFixed(2)}× (target ≤ 2×); our p99 ${ms(chatops.p99)} (target < 20 ms)`,
  );
  const recorded = await runtime.database.sql<{ count: string }>(
    "select count(*)::text as count from tasks where platform = 'slack'",
  );
  console.log(
    `tasks recorded: ${recorded[0]?.count}; RSS of the process: ${mb(process.memoryUsage().rss / 1024)}`,
  );
} finally {
  await receiver.stop();
  await gateway.close();
  await runtime.close();
  await slack.close();
  await clearRedisPrefix(prefix);
  await database.drop();
}
