import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Policy } from '../../src/agent/policy.ts';
import { ToolGateway } from '../../src/agent/tool-gateway.ts';
import { parseMcpConfig } from '../../src/mcp/client-config.ts';
import { McpClientPool } from '../../src/mcp/client-pool.ts';
import { qualifiedToolName } from '../../src/mcp/tool-names.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { type McpWorkspace, mcpWorkspace } from '../support/mcp-servers.ts';
import { eventually } from '../support/services.ts';

// The MCP client against the real reference servers over stdio, and against an SDK server over
// Streamable HTTP: tool names, hints, results, failures, and reconnecting after the server process dies.
describe('MCP client pool', () => {
  let workspace: McpWorkspace;
  let pool: McpClientPool;
  const health: string[] = [];

  beforeAll(async () => {
    workspace = mcpWorkspace();
    workspace.write(
      'runbook.md',
      '# Payments runbook\nRestart with `kubectl rollout restart deploy/payments`.\n',
    );
    const definitions = parseMcpConfig(
      (await import('node:fs')).readFileSync(workspace.configPath, 'utf8'),
      workspace.root,
    );
    pool = new McpClientPool(definitions, {
      log: silentLogger,
      toolTimeoutMs: 10_000,
      reconnect: { baseDelayMs: 100, maxDelayMs: 500 },
      onHealth: (server, state) => health.push(`${server}:${state.status}`),
    });
    await pool.start();
  });
  afterAll(async () => {
    await pool?.close();
    workspace?.remove();
  });

  it('names every tool server__tool and reads side effects from the hints', () => {
    const names = pool.tools().map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'everything__echo',
        'everything__get-sum',
        'filesystem__read_text_file',
        'filesystem__write_file',
      ]),
    );
    const gateway = new ToolGateway(pool, new Policy({ sideEffects: { 'everything__toggle-*': false } }), {
      record: async () => {},
    });
    const effects = Object.fromEntries(
      pool.tools().map((entry) => [entry.name, gateway.describe(entry).sideEffects]),
    );
    expect(effects).toMatchObject({
      everything__echo: false,
      'everything__get-sum': false,
      'everything__gzip-file-as-resource': true,
      'everything__toggle-simulated-logging': false,
      filesystem__read_text_file: false,
      filesystem__list_directory: false,
      filesystem__write_file: true,
      filesystem__move_file: true,
      filesystem__create_directory: true,
    });
    expect(pool.health()).toMatchObject({
      everything: { status: 'connected', transport: 'stdio' },
      filesystem: { status: 'connected', transport: 'stdio' },
    });
  });

  it('calls tools and returns their text, with tool failures as error results', async () => {
    expect(await pool.call('everything__get-sum', { a: 2, b: 3 })).toMatchObject({
      isError: false,
      text: expect.stringContaining('5'),
    });
    const read = await pool.call('filesystem__read_text_file', { path: `${workspace.root}/runbook.md` });
    expect(read).toMatchObject({ isError: false, text: expect.stringContaining('kubectl rollout restart') });
    const outside = await pool.call('filesystem__read_text_file', { path: '/etc/passwd' });
    expect(outside.isError).toBe(true);
    expect(outside.text).toMatch(/denied|outside|not allowed/i);
    await expect(pool.call('filesystem__format_disk', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reconnects with backoff after the server process dies', async () => {
    const pids = execFileSync('pgrep', ['-P', String(process.pid), '-f', 'server-filesystem'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .filter(Boolean);
    expect(pids).toHaveLength(1);
    process.kill(Number(pids[0]), 'SIGKILL');
    await eventually(
      async () => pool.health().filesystem?.status === 'reconnecting',
      10_000,
      'the drop to be seen',
    );
    const down = await pool.call('filesystem__list_allowed_directories', {}).catch((error: Error) => error);
    expect(down).toMatchObject({ code: 'NOT_FOUND' });
    await eventually(async () => pool.health().filesystem?.status === 'connected', 20_000, 'the reconnect');
    expect((await pool.call('filesystem__list_allowed_directories', {})).text).toContain(workspace.root);
    expect(health).toEqual(expect.arrayContaining(['filesystem:reconnecting', 'filesystem:connected']));
  });
});

describe('MCP client over Streamable HTTP', () => {
  let server: Server;
  let url: string;
  const seenHeaders: (string | undefined)[] = [];

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      seenHeaders.push(req.headers.authorization);
      const mcp = new McpServer({ name: 'inventory', version: '1.0.0' });
      mcp.registerTool(
        'hosts.count',
        {
          description: 'Counts hosts in an environment.',
          inputSchema: { env: z.enum(['dev', 'prod']) },
          annotations: { readOnlyHint: true },
        },
        async ({ env }) => ({
          content: [{ type: 'text', text: `${env}: ${env === 'prod' ? 42 : 7} hosts` }],
        }),
      );
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      res.on('close', () => void transport.close());
      await mcp.connect(transport);
      await transport.handleRequest(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('connects with the configured headers and sanitises tool names for the model', async () => {
    const definitions = parseMcpConfig(
      JSON.stringify({
        mcpServers: { inventory: { url, headers: { Authorization: 'Bearer fake-inventory-token' } } },
      }),
      '/',
    );
    const pool = new McpClientPool(definitions, { log: silentLogger, toolTimeoutMs: 5_000 });
    try {
      await pool.start();
      expect(pool.tools().map((tool) => tool.name)).toEqual(['inventory__hosts_count']);
      expect(await pool.call('inventory__hosts_count', { env: 'prod' })).toEqual({
        isError: false,
        text: 'prod: 42 hosts',
      });
      expect(seenHeaders.every((header) => header === 'Bearer fake-inventory-token')).toBe(true);
      expect(pool.health().inventory).toMatchObject({ status: 'connected', transport: 'http', tools: 1 });
    } finally {
      await pool.close();
    }
  });
});

describe('MCP_CONFIG', () => {
  it('reads the Claude Desktop shape and rejects what it cannot run, saying why', () => {
    const servers = parseMcpConfig(
      JSON.stringify({
        mcpServers: {
          files: { command: 'npx', args: ['-y', 'x'], env: { TOKEN: 'fake' } },
          remote: { type: 'http', url: 'https://mcp.example.test/mcp' },
          old: { command: 'x', disabled: true },
        },
      }),
      '/etc/chatops',
    );
    expect(servers).toEqual([
      {
        name: 'files',
        transport: 'stdio',
        command: 'npx',
        args: ['-y', 'x'],
        env: { TOKEN: 'fake' },
        cwd: '/etc/chatops',
      },
      { name: 'remote', transport: 'http', url: 'https://mcp.example.test/mcp', headers: {} },
    ]);
    expect(() => parseMcpConfig('{"mcpServers": {"bad__name": {"command": "x"}}}', '/')).toThrow(
      /server name "bad__name" is not allowed/,
    );
    expect(() => parseMcpConfig('{"mcpServers": {"a": {"args": []}}}', '/')).toThrow(/invalid/);
    expect(() =>
      parseMcpConfig('{"mcpServers": {"a": {"type": "sse", "url": "https://x.test/sse"}}}', '/'),
    ).toThrow(/deprecated HTTP\+SSE/);
    expect(() => parseMcpConfig('{nope', '/')).toThrow(/not valid JSON/);
  });

  it('keeps qualified names within what models accept', () => {
    expect(qualifiedToolName('fs', 'read.file/v2')).toBe('fs__read_file_v2');
    const long = qualifiedToolName('server', 'x'.repeat(100));
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^server__x+_[0-9a-f]{8}$/);
  });
});
