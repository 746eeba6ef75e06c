import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../core/ports.ts';
import { VERSION } from '../version.ts';
import type { McpServerDefinition } from './client-config.ts';
import { commandLine, downloadsFirst, StderrTail } from './stdio-diagnostics.ts';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ServerHealth {
  transport: 'stdio' | 'http';
  status: ConnectionStatus;
  tools: number;
  /** Why the last attempt failed or the connection dropped. */
  error?: string;
  /** Connection attempts since the last success. */
  failures: number;
}

export interface ReconnectPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  connectTimeoutMs: number;
  random: () => number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  connectTimeoutMs: 15_000,
  random: Math.random,
};

export interface McpConnectionOptions {
  log: Logger;
  onChange: () => void;
  policy?: ReconnectPolicy;
  /**
   * Variables a stdio server inherits on top of the MCP SDK's minimal environment (proxy and CA settings,
   * from MCP_STDIO_PASS_ENV); the server's own `env` in MCP_CONFIG overrides them.
   */
  inheritedEnvironment?: Readonly<Record<string, string>>;
}

/**
 * One MCP server: connects, lists its tools, follows list-changed notifications, and when the connection
 * drops (the process died, the HTTP server went away) reconnects with exponential backoff and jitter until
 * closed. Calls made while it is down fail at once with a clear message rather than hanging. A stdio
 * server that fails is reported with its command line and the tail of its stderr.
 */
export class McpConnection {
  readonly definition: McpServerDefinition;
  #client: Client | null = null;
  #tools: Tool[] = [];
  #status: ConnectionStatus = 'connecting';
  #error: string | undefined;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #closing = false;
  /** The current attempt's stderr (stdio servers); a new attempt starts a new one. */
  #stderr: StderrTail | null = null;
  readonly #log: Logger;
  readonly #policy: ReconnectPolicy;
  readonly #onChange: () => void;
  readonly #inherited: Readonly<Record<string, string>>;

  constructor(definition: McpServerDefinition, options: McpConnectionOptions) {
    this.definition = definition;
    this.#log = options.log.child({ mcpServer: definition.name });
    this.#policy = options.policy ?? DEFAULT_RECONNECT;
    this.#onChange = options.onChange;
    this.#inherited = options.inheritedEnvironment ?? {};
  }

  get name(): string {
    return this.definition.name;
  }

  get tools(): readonly Tool[] {
    return this.#status === 'connected' ? this.#tools : [];
  }

  health(): ServerHealth {
    return {
      transport: this.definition.transport,
      status: this.#status,
      tools: this.tools.length,
      ...(this.#error ? { error: this.#error } : {}),
      failures: this.#failures,
    };
  }

  /** Connects; resolves after the first attempt either way (a failure schedules the next attempt). */
  async start(): Promise<void> {
    this.#closing = false;
    await this.#connect();
  }

  async call(tool: string, args: Record<string, unknown>, timeoutMs: number): Promise<CallToolResult> {
    const client = this.#client;
    if (!client || this.#status !== 'connected') {
      throw new Error(
        `MCP server "${this.name}" is not connected (${this.#status}${this.#error ? `: ${this.#error}` : ''})`,
      );
    }
    const result = await client.callTool({ name: tool, arguments: args }, undefined, {
      timeout: timeoutMs,
      maxTotalTimeout: timeoutMs,
    });
    return result as CallToolResult;
  }

  async close(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = null;
    this.#setStatus('closed');
    await client?.close().catch(() => {});
  }

  async #connect(): Promise<void> {
    if (this.#closing) return;
    const client = new Client(
      { name: 'chatops', version: VERSION },
      {
        capabilities: {},
        listChanged: {
          tools: {
            onChanged: (error, tools) => {
              if (error) this.#log.warn('mcp-tools-refresh-failed', { error });
              else if (tools) {
                this.#tools = tools;
                this.#log.info('mcp-tools-changed', { tools: tools.length });
                this.#onChange();
              }
            },
          },
        },
      },
    );
    const transport = this.#transport();
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(this.#timedOut()), this.#policy.connectTimeoutMs);
      });
      await Promise.race([client.connect(transport), timeout]);
      this.#tools = await listAllTools(client);
      this.#client = client;
      this.#failures = 0;
      this.#error = undefined;
      client.onclose = () => this.#dropped(client);
      this.#setStatus('connected');
      this.#log.info('mcp-server-connected', { tools: this.#tools.length });
    } catch (error) {
      await client.close().catch(() => {});
      this.#failed(error);
    } finally {
      clearTimeout(timer);
    }
  }

  #transport(): Transport {
    const definition = this.definition;
    if (definition.transport === 'http') {
      return new StreamableHTTPClientTransport(new URL(definition.url), {
        requestInit: { headers: definition.headers },
      });
    }
    const transport = new StdioClientTransport({
      command: definition.command,
      args: definition.args,
      // The SDK's minimal set, then what the bot passes on (proxy, CA bundles), then the server's own env.
      env: { ...getDefaultEnvironment(), ...this.#inherited, ...definition.env },
      cwd: definition.cwd,
      // Kept off our stdout/stderr (JSON logs, or the stdio MCP server's own channel), but remembered for errors.
      stderr: 'pipe',
    });
    const stderr = new StderrTail();
    this.#stderr = stderr;
    stderr.follow(transport.stderr as Readable | null, (line) =>
      this.#log.debug('mcp-server-stderr', { line }),
    );
    return transport;
  }

  /** The connect timeout, saying what was started (and, for package runners, the likely cause). */
  #timedOut(): Error {
    const definition = this.definition;
    const waited = `no answer within ${this.#policy.connectTimeoutMs} ms`;
    if (definition.transport === 'http') return new Error(`${waited} from ${definition.url}`);
    const hint = downloadsFirst(definition.command, definition.args)
      ? '; a server started by a package runner may be waiting for its registry: behind a proxy, give the bot HTTPS_PROXY (and NODE_EXTRA_CA_CERTS for a TLS-inspecting one), which MCP_STDIO_PASS_ENV passes on'
      : '';
    return new Error(`${waited} from \`${commandLine(definition.command, definition.args)}\`${hint}`);
  }

  #dropped(client: Client): void {
    if (this.#client !== client) return;
    this.#client = null;
    if (this.#closing) return;
    this.#failed(new Error('the connection closed'));
  }

  #failed(error: unknown): void {
    this.#failures += 1;
    this.#error = this.#explain(error instanceof Error ? error.message : String(error));
    if (this.#closing) return;
    const ceiling = Math.min(this.#policy.maxDelayMs, this.#policy.baseDelayMs * 2 ** (this.#failures - 1));
    const delay = Math.round(ceiling * (0.5 + this.#policy.random() * 0.5));
    this.#setStatus('reconnecting');
    this.#log.warn('mcp-server-unavailable', {
      error: this.#error,
      failures: this.#failures,
      retryInMs: delay,
    });
    this.#timer = setTimeout(() => void this.#connect(), delay);
    this.#timer.unref();
  }

  /** A stdio failure names what was started and what it said on stderr: the operator's first two questions. */
  #explain(message: string): string {
    const definition = this.definition;
    if (definition.transport !== 'stdio') return message;
    const line = commandLine(definition.command, definition.args);
    const started = message.includes(line) ? '' : ` (\`${line}\`)`;
    const lines = this.#stderr?.lines() ?? [];
    return `${message}${started}; ${lines.length > 0 ? `its stderr ended with: ${lines.join(' | ')}` : 'it wrote nothing to stderr'}`;
  }

  #setStatus(status: ConnectionStatus): void {
    this.#status = status;
    this.#onChange();
  }
}

async function listAllTools(client: Client): Promise<Tool[]> {
  if (!client.getServerCapabilities()?.tools) return [];
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : {});
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}
