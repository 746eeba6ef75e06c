import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { ChatOpsError } from '../core/errors.ts';
import type { Logger } from '../core/ports.ts';
import type { McpServerDefinition } from './client-config.ts';
import {
  DEFAULT_RECONNECT,
  McpConnection,
  type ReconnectPolicy,
  type ServerHealth,
} from './client-connection.ts';
import { qualifiedToolName } from './tool-names.ts';

/** A tool of a connected server, under its qualified name (`filesystem__read_file`). */
export interface McpToolEntry {
  name: string;
  server: string;
  tool: Tool;
}

export interface McpCallOutcome {
  isError: boolean;
  text: string;
  structured?: unknown;
}

export interface McpClientPoolOptions {
  log: Logger;
  toolTimeoutMs: number;
  /** Told whenever a server's health changes (the worker records it for the gateway's /health). */
  onHealth?: (server: string, health: ServerHealth) => void;
  reconnect?: Partial<ReconnectPolicy>;
  /** Variables stdio servers inherit (proxy and CA settings: config.agent.mcpStdioEnvironment). */
  stdioEnvironment?: Readonly<Record<string, string>>;
}

/** Every configured MCP server, one connection each, and their tools in one namespace. */
export class McpClientPool {
  readonly #connections: McpConnection[];
  readonly #options: McpClientPoolOptions;

  constructor(definitions: readonly McpServerDefinition[], options: McpClientPoolOptions) {
    this.#options = options;
    const policy = { ...DEFAULT_RECONNECT, ...options.reconnect };
    this.#connections = definitions.map(
      (definition) =>
        new McpConnection(definition, {
          log: options.log,
          onChange: () => this.#changed(definition.name),
          policy,
          ...(options.stdioEnvironment ? { inheritedEnvironment: options.stdioEnvironment } : {}),
        }),
    );
  }

  get servers(): string[] {
    return this.#connections.map((connection) => connection.name);
  }

  /** Connects every server in parallel; servers that fail keep retrying in the background. */
  async start(): Promise<void> {
    await Promise.all(this.#connections.map((connection) => connection.start()));
  }

  tools(): McpToolEntry[] {
    return this.#connections.flatMap((connection) =>
      connection.tools.map((tool) => ({
        name: qualifiedToolName(connection.name, tool.name),
        server: connection.name,
        tool,
      })),
    );
  }

  find(name: string): McpToolEntry | undefined {
    return this.tools().find((entry) => entry.name === name);
  }

  health(): Record<string, ServerHealth> {
    return Object.fromEntries(this.#connections.map((connection) => [connection.name, connection.health()]));
  }

  /**
   * Calls a tool. A server that is down or too slow is reported as a failed call (the model sees it and
   * can say so), not as an exception that would fail the whole task.
   */
  async call(name: string, args: Record<string, unknown>): Promise<McpCallOutcome> {
    const entry = this.find(name);
    if (!entry) {
      throw new ChatOpsError('NOT_FOUND', `There is no MCP tool called ${name}.`, {
        remedy: 'Type /help to see the tools that are connected now.',
      });
    }
    const connection = this.#connections.find((candidate) => candidate.name === entry.server);
    try {
      const result = await (connection as McpConnection).call(
        entry.tool.name,
        args,
        this.#options.toolTimeoutMs,
      );
      return {
        isError: result.isError === true,
        text: resultText(result),
        ...(result.structuredContent ? { structured: result.structuredContent } : {}),
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#options.log.warn('mcp-tool-call-failed', { tool: name, error: message });
      return { isError: true, text: `The tool ${name} could not run: ${message}` };
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#connections.map((connection) => connection.close()));
  }

  #changed(server: string): void {
    const connection = this.#connections?.find((candidate) => candidate.name === server);
    if (connection) this.#options.onHealth?.(server, connection.health());
  }
}

/** A tool result as text: text parts as they are, other parts described, structured content as JSON. */
export function resultText(result: CallToolResult): string {
  const parts = result.content.map((part) => {
    switch (part.type) {
      case 'text':
        return part.text;
      case 'image':
      case 'audio':
        return `[${part.type}: ${part.mimeType}, ${Math.round((part.data.length * 3) / 4)} bytes]`;
      case 'resource_link':
        return `[resource: ${part.name} ${part.uri}]`;
      case 'resource':
        return 'text' in part.resource ? part.resource.text : `[resource: ${part.resource.uri}]`;
      default:
        return '';
    }
  });
  const text = parts.filter(Boolean).join('\n');
  if (text) return text;
  return result.structuredContent ? JSON.stringify(result.structuredContent) : '';
}
