/**
 * API key benchmark: what checking the key costs on the REST API's hot path now that lookups are not cached
 * (a revoke holds from the next request, on every gateway). Measures, on a fresh PostgreSQL database:
 *
 *   (a) ApiKeys.verify alone: sequential (one request at a time) and 64 in flight (lookups share statements),
 *       next to a bare `select 1` round trip on the same pool for scale;
 *   (b) the REST ack (POST /api/v1/messages → 202: key check, rate limit, record, enqueue) through the real
 *       gateway, with the uncached lookup and with a memoised one (what the old 30 s cache cost), sequential
 *       and with 8 concurrent clients;
 *   (c) the same ack for a key acting on someone's behalf (`act-as`: one audit row more per request).
 *
 *   node bench/api-keys.ts          (or npm run bench:api-keys)
 *
 * Knobs: BENCH_LOOKUPS (5000), BENCH_REQUESTS (1000 per ack row), BENCH_CONCURRENCY (8). Everything it
 * creates (database, Redis keys) is removed at the end.
 */
import { loadConfig } from '../src/config/load-config.ts';
import type { ApiKeyOwner } from '../src/db/api-keys.ts';
import { createRuntime, type Runtime, startGateway } from '../src/main.ts';
import { silentLogger } from '../src/observability/logger.ts';
import { clearRedisPrefix, createTestDatabase, REDIS_URL, uniqueName } from '../test/support/services.ts';
import { ms, type Summary, summarize } from './pipeline/stats.ts';

const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 5000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = 5;

/** Runs `work` `count` times with `concurrency` in flight; latencies in ms and the rate per second. */
async function timed(
  work: (index: number) => Promise<unknown>,
  count: number,
  concurrency: number,
  latencies: number[] = [],
) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const begin = performance.now();
        await work(index);
        latencies.push(performance.now() - begin);
      }
    }),
  );
  return { ...summarize(latencies), perSecond: count / ((performance.now() - started) / 1000) };
}

function line(name: string, result: Summary & { perSecond: number }): string {
  return `  ${name.padEnd(46)} p50 ${ms(result.p50).padStart(9)}  p99 ${ms(result.p99).padStart(9)}  ${result.perSecond.toFixed(0).padStart(6)}/s`;
}

/** The same runtime with a memoised key lookup: a stand-in for the 30 s cache the lookups used to have. */
function withMemoisedKeys(runtime: Runtime): Runtime {
  const memo = new Map<string, Promise<ApiKeyOwner | null>>();
  const apiKeys = Object.create(runtime.apiKeys) as Runtime['apiKeys'];
  apiKeys.verify = (key: string) => {
    let found = memo.get(key);
    if (!found) {
      found = runtime.apiKeys.verify(key);
      memo.set(key, found);
    }
    return found;
  };
  return { ...runtime, apiKeys };
}

const prefix = uniqueName('bench_keys');
const settings = {
  REDIS_URL,
  QUEUE_PREFIX: prefix,
  PORT: '0',
  HOST: '127.0.0.1',
  API_RATE_LIMIT_PER_MINUTE: '1000000',
  LOG_LEVEL: 'warn',
};
loadConfig(settings, 'gateway'); // a bad setting stops here, before anything is created
const database = await createTestDatabase();
const runtime = await createRuntime(
  loadConfig({ ...settings, DATABASE_URL: database.url }, 'gateway'),
  silentLogger,
  {
    subscribeLive: false,
    migrate: true,
  },
);
const uncached = await startGateway(runtime);
const memoised = await startGateway(withMemoisedKeys(runtime));
try {
  const { key } = await runtime.apiKeys.create('bench', 'default');
  const { key: relay } = await runtime.apiKeys.create('bench-relay', 'default', {
    scopes: ['chat', 'act-as'],
  });
  const verify = () => runtime.apiKeys.verify(key);
  const ping = () => runtime.database.sql('select 1');
  await timed(verify, 500, 1); // warm-up: pool connections, prepared statements, JIT
  await timed(ping, 500, 1);

  console.log(`API key benchmark (${new Date().toISOString()}, node ${process.version})`);
  console.log(`\n(a) The key lookup alone, ${LOOKUPS} lookups per row`);
  console.log(line('select 1 (one round trip), sequential', await timed(ping, LOOKUPS, 1)));
  console.log(line('ApiKeys.verify, sequential', await timed(verify, LOOKUPS, 1)));
  console.log(line('ApiKeys.verify, 64 in flight', await timed(verify, LOOKUPS, 64)));

  const post = (port: number, bearer: string, body: object) => async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ channel: 'bench', text: '/status', ...body }),
    });
    await response.arrayBuffer();
    if (response.status !== 202) throw new Error(`HTTP ${response.status}`);
  };
  const itself = (port: number) => post(port, key, {});
  await timed(itself(uncached.port), 200, 1);
  await timed(itself(memoised.port), 200, 1);
  await timed(post(uncached.port, relay, { user: 'alice' }), 200, 1);

  console.log(`\n(b, c) REST ack of POST /api/v1/messages, ${REQUESTS} requests per row (no worker running)`);
  // The variants take turns in rounds, so a change of load on a shared machine falls on all of them alike.
  const variants = [
    ['memoised lookup (as cached before)', itself(memoised.port)],
    ['uncached lookup (now)', itself(uncached.port)],
    ['act-as (+ audit row)', post(uncached.port, relay, { user: 'alice' })],
  ] as const;
  for (const concurrency of [1, CONCURRENCY]) {
    const label = concurrency === 1 ? 'sequential' : `${concurrency} clients`;
    const latencies = variants.map(() => [] as number[]);
    const seconds = variants.map(() => 0);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [index, [, work]] of variants.entries()) {
        const started = performance.now();
        await timed(work, Math.ceil(REQUESTS / ROUNDS), concurrency, latencies[index]);
        seconds[index] = (seconds[index] ?? 0) + (performance.now() - started) / 1000;
      }
    }
    for (const [index, [name]] of variants.entries()) {
      const sample = latencies[index] ?? [];
      console.log(
        line(`${name}, ${label}`, { ...summarize(sample), perSecond: sample.length / (seconds[index] ?? 1) }),
      );
    }
  }
} finally {
  await memoised.close();
  await uncached.close();
  await runtime.close();
  await clearRedisPrefix(prefix);
  await database.drop();
}
