// Benchmark of the supervisor's own overhead, next to the raw baseline in the same run:
//   1. the offline router (free text → skill, no model) per decision;
//   2. an MCP tool call through the bot's tool gateway (allowlists, side-effect check, argument hash,
//      call record) and through the client pool, against a bare MCP SDK client calling the same tool of
//      the same reference server over stdio.
// Prints p50/p99, throughput and memory. Run: npm run bench:agent
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { skills } from '../skills/index.ts';
import { Policy } from '../src/agent/policy.ts';
import { OfflineRouter } from '../src/agent/supervisor/offline-router.ts';
import { ToolGateway } from '../src/agent/tool-gateway.ts';
import { manifestOf } from '../src/core/skill.ts';
import { parseMcpConfig } from '../src/mcp/client-config.ts';
import { McpClientPool } from '../src/mcp/client-pool.ts';
import { silentLogger } from '../src/observability/logger.ts';
import { fakeTask } from '../test/fakes/skill-context.ts';
import { ROUTING_TABLE } from '../test/fixtures/routing-table.ts';
import { fixtureSkills } from '../test/fixtures/skills/manifests.ts';
import { ms, summarize } from './pipeline/stats.ts';

const CALLS = Number(process.argv[2] ?? 2000);
const EVERYTHING = new URL(
  '../node_modules/@modelcontextprotocol/server-everything/dist/index.js',
  import.meta.url,
).pathname;

async function time(count: number, work: (index: number) => Promise<unknown> | unknown) {
  const samples: number[] = [];
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const before = performance.now();
    await work(index);
    samples.push(performance.now() - before);
  }
  const seconds = (performance.now() - started) / 1000;
  return { ...summarize(samples), perSecond: Math.round(count / seconds) };
}

function line(name: string, result: Awaited<ReturnType<typeof time>>) {
  console.log(
    `${name.padEnd(34)} p50 ${ms(result.p50).padStart(9)}  p99 ${ms(result.p99).padStart(9)}  ${String(result.perSecond).padStart(7)}/s`,
  );
}

const manifests = [...skills, ...fixtureSkills].map(manifestOf);
const router = new OfflineRouter();
router.choose('warm up', manifests);
const texts = ROUTING_TABLE.map((row) => row.text);
console.log(`offline router, ${manifests.length} skills, ${texts.length} requests × 50`);
line(
  'route one request',
  await time(texts.length * 50, (index) => router.choose(texts[index % texts.length] ?? '', manifests)),
);

// Baseline: the MCP SDK's client, nothing of ours in between.
const raw = new Client({ name: 'bench', version: '1' });
await raw.connect(
  new StdioClientTransport({ command: process.execPath, args: [EVERYTHING, 'stdio'], stderr: 'ignore' }),
);
const pool = new McpClientPool(
  parseMcpConfig(
    JSON.stringify({
      mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] } },
    }),
    '/',
  ),
  { log: silentLogger, toolTimeoutMs: 10_000 },
);
await pool.start();
const gateway = new ToolGateway(pool, new Policy({ channels: { '*': { tools: ['everything__*'] } } }), {
  record: async () => {},
});
const port = gateway.forRun({
  task: fakeTask(),
  caller: { id: 'bench', name: 'bench', roles: async () => [] },
  origin: 'command',
  approvals: () => {
    throw new Error('echo has no side effects');
  },
  approved: () => undefined,
  log: silentLogger,
});
for (let index = 0; index < 200; index += 1) {
  await raw.callTool({ name: 'echo', arguments: { message: 'warm' } });
  await port.call('everything__echo', { message: 'warm' });
}
console.log(`\nMCP tool call (everything echo over stdio), ${CALLS} sequential calls each`);
line(
  'baseline: SDK client.callTool',
  await time(CALLS, (index) => raw.callTool({ name: 'echo', arguments: { message: `m${index}` } })),
);
line(
  'client pool (server__tool names)',
  await time(CALLS, (index) => pool.call('everything__echo', { message: `m${index}` })),
);
line(
  'tool gateway (policy, hints, record)',
  await time(CALLS, (index) => port.call('everything__echo', { message: `m${index}` })),
);
const memory = process.memoryUsage();
console.log(
  `\nmemory: rss ${Math.round(memory.rss / 2 ** 20)} MB, heap used ${Math.round(memory.heapUsed / 2 ** 20)} MB`,
);
await raw.close();
await pool.close();
