import { describe, expect, it } from 'vitest';
import { loadConfig, readVariables } from '../../src/config/load-config.ts';
import type { ConfigValues } from '../../src/config/variables.ts';
import { isChatOpsError } from '../../src/core/index.ts';

function problemsOf(env: Record<string, string>, mode: 'dev' | 'gateway' = 'gateway'): string[] {
  try {
    loadConfig(env, mode);
  } catch (error) {
    if (isChatOpsError(error) && error.code === 'CONFIG_INVALID') return error.details.problems as string[];
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('needs nothing for the zero-config local mode', () => {
    const config = loadConfig({}, 'dev');
    expect(config.database).toEqual({ kind: 'pglite', dataDir: '.data' });
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', explicit: false });
    expect(config.http).toMatchObject({ port: 3000, host: '127.0.0.1', requireApiKey: false, webChat: true });
    expect(config.queue).toMatchObject({ name: 'tasks', lockDurationMs: 10_000, stalledIntervalMs: 5_000 });
    expect(config.llm.anthropicApiKey).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('switches to PostgreSQL and an API key outside dev', () => {
    const config = loadConfig(
      { DATABASE_URL: 'postgres://bot@db:5432/chatops', REDIS_URL: 'redis://queue:6379' },
      'gateway',
    );
    expect(config.database).toEqual({
      kind: 'postgresql',
      url: 'postgres://bot@db:5432/chatops',
      poolMax: 10,
    });
    expect(config.redis.explicit).toBe(true);
    expect(config.http).toMatchObject({ host: '0.0.0.0', requireApiKey: true, webChat: false });
  });

  it('lists every bad setting at once, each with how to fix it', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://root@db/x',
      QUEUE_PREFIX: 'bad:prefix',
      LOG_LEVEL: 'loud',
      QUEUE_LOCK_DURATION_MS: '5',
    });
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/PORT "eighty".*Set PORT to a free TCP port/);
    expect(problems.join('\n')).toMatch(/QUEUE_PREFIX "bad:prefix".*no ":"/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL "loud".*one of debug, info, warn, error/);
  });

  it('never prints a secret it rejects', () => {
    const problems = problemsOf({
      DATABASE_URL: 'mysql://root:hunter2@db/x',
      ANTHROPIC_API_KEY: 'short-key',
    });
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems.join('\n')).not.toContain('short-key');
    expect(problems.join('\n')).toContain('(value hidden)');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' }, 'dev').http.port).toBe(3000);
  });

  it('passes the proxy and CA variables on to stdio MCP servers, or the ones MCP_STDIO_PASS_ENV names', () => {
    const env = {
      HTTPS_PROXY: 'http://proxy.internal:3128',
      no_proxy: 'localhost',
      NODE_EXTRA_CA_CERTS: '/etc/company/ca.pem',
      SSL_CERT_FILE: '',
      SSL_CERT_DIR: '/etc/company/certs',
      ANTHROPIC_API_KEY: 'sk-ant-not-a-real-key-for-tests-only',
    };
    expect(loadConfig(env, 'worker').agent.mcpStdioEnvironment).toEqual({
      HTTPS_PROXY: 'http://proxy.internal:3128',
      no_proxy: 'localhost',
      NODE_EXTRA_CA_CERTS: '/etc/company/ca.pem',
    });
    expect(
      loadConfig({ ...env, MCP_STDIO_PASS_ENV: 'HTTPS_PROXY, SSL_CERT_DIR' }, 'worker').agent
        .mcpStdioEnvironment,
    ).toEqual({ HTTPS_PROXY: 'http://proxy.internal:3128', SSL_CERT_DIR: '/etc/company/certs' });
    expect(loadConfig({ ...env, MCP_STDIO_PASS_ENV: 'none' }, 'worker').agent.mcpStdioEnvironment).toEqual(
      {},
    );
    expect(problemsOf({ MCP_STDIO_PASS_ENV: 'HTTPS_PROXY;rm -rf' })).toEqual([
      expect.stringContaining(
        'MCP_STDIO_PASS_ENV "HTTPS_PROXY;rm -rf": comma-separated variable names, or none.',
      ),
    ]);
  });

  it('reads each variable by its name in the table, typed by its schema: a misspelt name does not compile', () => {
    const values = readVariables({ PORT: '8080', LOG_LEVEL: 'warn' }, 'gateway');
    const port: number = values.PORT;
    const level: 'debug' | 'info' | 'warn' | 'error' = values.LOG_LEVEL;
    const key: string | undefined = values.ANTHROPIC_API_KEY;
    expect({ port, level, key }).toEqual({ port: 8080, level: 'warn', key: undefined });
    // @ts-expect-error: PROT is not a variable of the table (typecheck fails if this ever compiles)
    expect(values.PROT).toBeUndefined();
    // A table declared without `as const satisfies readonly Variable[]` would widen every name to string.
    const namesAreLiteral: string extends keyof ConfigValues ? false : true = true;
    expect(namesAreLiteral).toBe(true);
  });
});
