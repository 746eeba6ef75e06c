/**
 * Teams acknowledgement benchmark: how fast the gateway answers Teams at POST /api/messages (Bot Framework
 * token check, Activity → Task, ledger record, enqueue), against the raw baseline of the same gateway's REST
 * API at POST /api/v1/messages (record + enqueue, no token check), in the same run, same process, same
 * PostgreSQL database and Redis. Sequential requests (latency) and 8 concurrent clients (throughput).
 *
 *   node bench/teams-ack.ts          (or npm run bench:teams)
 *
 * Knobs: BENCH_REQUESTS (500 per phase), BENCH_CONCURRENCY (8). Everything it creates (database, Redis keys,
 * the fake Bot Framework on 127.0.0.1) is removed at the end.
 */
import { loadConfig } from '../src/config/load-config.ts';
import { createRuntime, startGateway } from '../src/main.ts';
import { silentLogger } from '../src/observability/logger.ts';
import { APP_ID, channelMention } from '../test/fixtures/teams/activities.ts';
import { startFakeBotFramework } from '../test/support/fake-bot-framework.ts';
import { clearRedisPrefix, createTestDatabase, REDIS_URL, uniqueName } from '../test/support/services.ts';
import { signingKey, signToken } from '../test/support/teams-identity.ts';
import { mb, ms, summarize } from './pipeline/stats.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

const key = signingKey();
const microsoft = await startFakeBotFramework(key);
const database = await createTestDatabase();
const prefix = uniqueName('bench_teams');
const config = loadConfig(
  {
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    TEAMS_APP_ID: APP_ID,
    TEAMS_APP_PASSWORD: 'fake-client-secret-value',
    TEAMS_OPENID_METADATA_URL: microsoft.openIdMetadataUrl,
    TEAMS_LOGIN_ENDPOINT: microsoft.origin,
    TEAMS_SERVICE_HOSTS: new URL(microsoft.origin).host,
  },
  'dev',
);
const runtime = await createRuntime(config, silentLogger, { subscribeLive: false, migrate: true });
const gateway = await startGateway(runtime);
const base = `http://127.0.0.1:${gateway.port}`;
const token = signToken(key, { serviceurl: microsoft.serviceUrl, expiresIn: 3600 });

async function timed(send: (index: number) => Promise<Response>, count: number, concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const begin = performance.now();
        const response = await send(index);
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`HTTP ${response.status} for request ${index}`);
        latencies.push(performance.now() - begin);
      }
    }),
  );
  return { ...summarize(latencies), perSecond: count / ((performance.now() - started) / 1000) };
}

const teams = (phase: string) => (index: number) =>
  fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(
      channelMention({ text: 'status', id: `${phase}${index}`, serviceUrl: microsoft.serviceUrl }),
    ),
  });
const rest = (phase: string) => (index: number) =>
  fetch(`${base}/api/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `${phase}-${index}` },
    body: JSON.stringify({ channel: 'bench', user: 'alice', text: '/status' }),
  });

try {
  await timed(teams('9000'), 50, 1); // warm-up: keys fetched, validators and statements prepared
  await timed(rest('warm'), 50, 1);
  const rows = [
    ['REST API (baseline), sequential', await timed(rest('seq'), REQUESTS, 1)],
    ['Teams /api/messages, sequential', await timed(teams('1000'), REQUESTS, 1)],
    [`REST API (baseline), ${CONCURRENCY} clients`, await timed(rest('par'), REQUESTS, CONCURRENCY)],
    [`Teams /api/messages, ${CONCURRENCY} clients`, await timed(teams('5000'), REQUESTS, CONCURRENCY)],
  ] as const;
  console.log(`Acknowledgement latency, ${REQUESTS} requests per row (record + enqueue; no worker running)`);
  for (const [name, result] of rows) {
    console.log(
      `${name.padEnd(36)} p50 ${ms(result.p50).padStart(9)}  p99 ${ms(result.p99).padStart(9)}  ${result.perSecond.toFixed(0).padStart(5)} req/s`,
    );
  }
  console.log(`RSS of the gateway process: ${mb(process.memoryUsage().rss / 1024)}`);
} finally {
  await gateway.close();
  await runtime.close();
  await microsoft.close();
  await clearRedisPrefix(prefix);
  await database.drop();
}
