import { type ChildProcess, spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantMessage, FAKE_ANTHROPIC_KEY, text, toolUse } from '../support/anthropic-mock.ts';
import { FakeAnthropic } from '../support/fake-anthropic.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { type McpWorkspace, mcpWorkspace } from '../support/mcp-servers.ts';
import { freePort } from '../support/private-redis.ts';
import { eventually, REDIS_URL } from '../support/services.ts';

// The whole path with real processes: `chatops gateway` and `chatops worker` (Claude's API faked on
// 127.0.0.1 through ANTHROPIC_BASE_URL, the filesystem reference server over stdio) answer a chat message
// with an MCP tool; `chatops mcp` serves the skills to an MCP client over stdio.
const BIN = new URL('../../bin/chatops.js', import.meta.url).pathname;

describe('supervisor end to end (real processes)', () => {
  let harness: Harness;
  let workspace: McpWorkspace;
  let anthropic: FakeAnthropic;
  let key: string;
  let gatewayPort: number;
  let probePort: number;
  let environment: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    harness = await startHarness({ database: 'postgresql', worker: false, gateway: false });
    key = (await harness.runtime.apiKeys.create('e2e', 'default')).key;
    workspace = mcpWorkspace({ filesystem: true });
    anthropic = await new FakeAnthropic().start();
    [gatewayPort, probePort] = [await freePort(), await freePort()];
    environment = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: String(harness.databaseUrl),
      REDIS_URL,
      QUEUE_PREFIX: harness.prefix,
      HOST: '127.0.0.1',
      PORT: String(gatewayPort),
      WORKER_METRICS_PORT: String(probePort),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: anthropic.url,
      ANTHROPIC_MAX_RETRIES: '0',
      MCP_CONFIG: workspace.configPath,
    };
    for (const command of ['gateway', 'worker']) {
      const child = spawn(process.execPath, [BIN, command], {
        env: environment,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
    }
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${gatewayPort}/health`)).ok,
      60_000,
      'the gateway',
    );
    await eventually(
      async () => {
        const health = await (await fetch(`http://127.0.0.1:${probePort}/health`)).json();
        return health.checks?.mcp?.servers?.filesystem?.status === 'connected';
      },
      60_000,
      'the worker and its MCP server',
    );
  });
  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await anthropic?.stop();
    await harness?.close();
    workspace?.remove();
  });

  async function api(method: string, path: string, body?: unknown) {
    const response = await fetch(`http://127.0.0.1:${gatewayPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: await response.json() };
  }

  it('answers a chat message through the supervisor, an MCP tool and Claude', async () => {
    const runbook = `${workspace.root}/payments-runbook.md`;
    workspace.write(
      'payments-runbook.md',
      '# Payments\nTo restart: `kubectl rollout restart deploy/payments` (takes ~2 min).\n',
    );
    anthropic.script(
      assistantMessage([
        text('Let me read the runbook.'),
        toolUse('toolu_e2e1', 'filesystem__read_text_file', { path: runbook }),
      ]),
      assistantMessage([text('Run `kubectl rollout restart deploy/payments`; it takes about 2 minutes.')]),
    );
    const posted = await api('POST', '/api/v1/messages', {
      channel: 'ops',
      text: 'how do I restart payments? the runbook is payments-runbook.md',
    });
    expect(posted.status).toBe(202);
    const task = await eventually(
      async () => {
        const { body } = await api('GET', `/api/v1/tasks/${posted.body.taskId}`);
        return ['succeeded', 'failed'].includes(body.status) ? body : undefined;
      },
      60_000,
      'the answer',
    );
    expect(task).toMatchObject({ status: 'succeeded', skill: 'assistant' });
    expect(task.replies.map((reply: { text: string }) => reply.text)).toEqual([
      'Run `kubectl rollout restart deploy/payments`; it takes about 2 minutes.',
    ]);
    expect(task.replies[0].reply.blocks.at(-1).text).toBe(
      'Answered by Claude (claude-sonnet-5-5) · tools: filesystem__read_text_file',
    );
    expect(anthropic.problems).toEqual([]);
    expect(anthropic.unused).toBe(0);
    expect(anthropic.requests.map((request) => Boolean(request.stream))).toEqual([false, true]);
    const toolResult = JSON.stringify(anthropic.requests[1]?.messages.at(-1));
    expect(toolResult).toContain('<untrusted-data source=\\"filesystem__read_text_file\\">');
    expect(toolResult).toContain('kubectl rollout restart deploy/payments');
    const metrics = await (await fetch(`http://127.0.0.1:${probePort}/metrics`)).text();
    expect(metrics).toMatch(
      /chatops_llm_tokens_total\{model="claude-sonnet-5-5",purpose="supervisor.turn",type="input"\} 200/,
    );
    const health = await (await fetch(`http://127.0.0.1:${gatewayPort}/health`)).json();
    expect(health.checks.mcp.servers.filesystem).toMatchObject({ status: 'connected', tools: 14 });
  });

  it('serves the skills to an MCP client over stdio (chatops mcp)', async () => {
    const client = new Client({ name: 'e2e-desktop', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN, 'mcp'],
        env: environment,
        stderr: 'pipe',
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['chat', 'help', 'status']));
      const result = await client.callTool({ name: 'status', arguments: {} });
      const answer = (result.content as { text: string }[])[0]?.text ?? '';
      expect(answer).toMatch(/^chatops \S+ is up/);
      expect(answer).toMatch(/— task [0-9a-f-]+ · succeeded · posted in #mcp \(api\)$/);
    } finally {
      await client.close();
    }
  });
});
