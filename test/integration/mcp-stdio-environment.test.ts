import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { parseMcpConfig } from '../../src/mcp/client-config.ts';
import { McpClientPool } from '../../src/mcp/client-pool.ts';
import { silentLogger } from '../../src/observability/logger.ts';

// Finding 5 of issue 14: stdio MCP servers got the MCP SDK's minimal environment, so `npx -y …` behind a
// TLS-inspecting proxy waited for the registry forever and the log said only "no answer within 15000 ms".
// Real child processes: a server that reports its environment, and one that never answers.
const ENV_SERVER = fileURLToPath(new URL('../fixtures/mcp/env-server.ts', import.meta.url));
const SILENT_SERVER = fileURLToPath(new URL('../fixtures/mcp/silent-server.ts', import.meta.url));

describe('stdio MCP servers behind a proxy', () => {
  let directory: string;
  let caFile: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'chatops-mcp-env-'));
    // A real CA certificate (Node's own first root), as a company's proxy CA bundle would be.
    caFile = join(directory, 'proxy-ca.pem');
    writeFileSync(caFile, `${rootCertificates[0]}\n`);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("passes the proxy and CA settings through the config, and a server's own env wins", async () => {
    const config = loadConfig(
      {
        HTTPS_PROXY: 'http://proxy.internal:3128',
        https_proxy: 'http://proxy.internal:3128',
        HTTP_PROXY: 'http://proxy.internal:3128',
        http_proxy: 'http://proxy.internal:3128',
        NO_PROXY: 'localhost,127.0.0.1,.internal',
        no_proxy: 'localhost,127.0.0.1,.internal',
        NODE_EXTRA_CA_CERTS: caFile,
        SSL_CERT_FILE: caFile,
        // Not on the list: stays with the bot.
        ANTHROPIC_API_KEY: 'sk-ant-not-a-real-key-for-tests-only',
        CHATOPS_UNRELATED: 'kept-back',
      },
      'worker',
    );
    const definitions = parseMcpConfig(
      JSON.stringify({
        mcpServers: {
          inherits: { command: process.execPath, args: [ENV_SERVER] },
          own: {
            command: process.execPath,
            args: [ENV_SERVER],
            env: { HTTPS_PROXY: 'http://own-proxy.internal:8080', EXTRA: 'mine' },
          },
        },
      }),
      directory,
    );
    const pool = new McpClientPool(definitions, {
      log: silentLogger,
      toolTimeoutMs: 10_000,
      stdioEnvironment: config.agent.mcpStdioEnvironment,
    });
    try {
      await pool.start();
      expect(pool.health()).toMatchObject({
        inherits: { status: 'connected' },
        own: { status: 'connected' },
      });
      const environmentOf = async (server: string) =>
        JSON.parse((await pool.call(`${server}__environment`, {})).text) as Record<string, string>;
      const inherited = await environmentOf('inherits');
      expect(inherited).toMatchObject({
        HTTPS_PROXY: 'http://proxy.internal:3128',
        https_proxy: 'http://proxy.internal:3128',
        HTTP_PROXY: 'http://proxy.internal:3128',
        http_proxy: 'http://proxy.internal:3128',
        NO_PROXY: 'localhost,127.0.0.1,.internal',
        no_proxy: 'localhost,127.0.0.1,.internal',
        NODE_EXTRA_CA_CERTS: caFile,
        SSL_CERT_FILE: caFile,
      });
      expect(inherited.PATH).toBeTruthy();
      expect(inherited).not.toHaveProperty('ANTHROPIC_API_KEY');
      expect(inherited).not.toHaveProperty('CHATOPS_UNRELATED');
      const own = await environmentOf('own');
      expect(own).toMatchObject({
        HTTPS_PROXY: 'http://own-proxy.internal:8080',
        EXTRA: 'mine',
        https_proxy: 'http://proxy.internal:3128',
        NODE_EXTRA_CA_CERTS: caFile,
      });
    } finally {
      await pool.close();
    }
  });

  it('names the command line and the tail of its stderr when a server never answers', async () => {
    // Started as `npx …`, as people configure servers: a symlink named npx to this Node.
    const npx = join(directory, 'npx');
    symlinkSync(process.execPath, npx);
    const [definition] = parseMcpConfig(
      JSON.stringify({
        mcpServers: { slow: { command: npx, args: [SILENT_SERVER, '-y', '@example/server'] } },
      }),
      directory,
    );
    const pool = new McpClientPool(definition ? [definition] : [], {
      log: silentLogger,
      toolTimeoutMs: 1_000,
      // One attempt within the test: the next would come a minute later.
      reconnect: { connectTimeoutMs: 4_000, baseDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    try {
      await pool.start();
      const health = pool.health().slow;
      expect(health).toMatchObject({ status: 'reconnecting', failures: 1 });
      const error = String(health?.error);
      expect(error).toContain(`no answer within 4000 ms from \`${npx} ${SILENT_SERVER} -y @example/server\``);
      expect(error).toContain('behind a proxy, give the bot HTTPS_PROXY');
      expect(error).toContain('its stderr ended with: ');
      expect(error).toContain('npm error code UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
      // Only the last lines are kept, and a password in them is redacted.
      expect(error).toContain('attempt 19 failed');
      expect(error).not.toContain('attempt 18 failed');
      expect(error).toContain('https://builder:[REDACTED]@proxy.internal:3128');
      expect(error).not.toContain('s3cret-proxy-pass');
    } finally {
      await pool.close();
    }
  });

  it('says so when a server exits at once, with the command line and what it wrote', async () => {
    const [definition] = parseMcpConfig(
      JSON.stringify({
        mcpServers: {
          broken: {
            command: process.execPath,
            args: ['-e', 'console.error("Cannot find module x"); process.exit(3)'],
          },
        },
      }),
      directory,
    );
    const pool = new McpClientPool(definition ? [definition] : [], {
      log: silentLogger,
      toolTimeoutMs: 1_000,
      reconnect: { connectTimeoutMs: 10_000, baseDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    try {
      await pool.start();
      const error = String(pool.health().broken?.error);
      expect(error).toContain(
        `\`${process.execPath} -e 'console.error("Cannot find module x"); process.exit(3)'\``,
      );
      expect(error).toContain('its stderr ended with: Cannot find module x');
    } finally {
      await pool.close();
    }
  });
});
