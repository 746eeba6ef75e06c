import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ChatOpsError } from '../core/errors.ts';

/**
 * The MCP servers the bot connects to, in the file format people already use for Claude Desktop:
 * `{"mcpServers": {"<name>": {"command", "args", "env"} | {"url", "headers"}}}`. Stdio servers start in the
 * file's directory, so relative paths in `args` work wherever the bot runs.
 */
const SERVER_NAME = /^[A-Za-z0-9-]+(?:_[A-Za-z0-9-]+)*$/;

const StdioServer = z.looseObject({
  type: z.literal('stdio').optional(),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
  disabled: z.boolean().optional(),
});

const HttpServer = z.looseObject({
  type: z.enum(['http', 'streamable-http', 'streamableHttp']).optional(),
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).optional(),
  disabled: z.boolean().optional(),
});

const ConfigFile = z.object({
  mcpServers: z.record(z.string(), z.union([StdioServer, HttpServer])),
});

export type McpServerDefinition =
  | {
      name: string;
      transport: 'stdio';
      command: string;
      args: string[];
      env: Record<string, string>;
      cwd: string;
    }
  | { name: string; transport: 'http'; url: string; headers: Record<string, string> };

/** Reads and validates the file; every problem is reported at start-up with the path at fault. */
export function loadMcpConfig(path: string): McpServerDefinition[] {
  const file = resolve(path);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ChatOpsError(
      'CONFIG_INVALID',
      `Cannot read MCP_CONFIG (${file}): ${(error as Error).message}.`,
      {
        remedy: 'Point MCP_CONFIG at a readable JSON file, or unset it to run without MCP tools.',
      },
    );
  }
  return parseMcpConfig(raw, dirname(file), file);
}

export function parseMcpConfig(raw: string, baseDir: string, source = 'MCP_CONFIG'): McpServerDefinition[] {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new ChatOpsError('CONFIG_INVALID', `${source} is not valid JSON: ${(error as Error).message}.`, {
      remedy: 'Check the quoting and commas; the file has the shape {"mcpServers": {"name": {...}}}.',
    });
  }
  if (json && typeof json === 'object' && 'mcpServers' in json) {
    for (const [name, server] of Object.entries((json as { mcpServers: object }).mcpServers ?? {})) {
      if (!SERVER_NAME.test(name) || name.length > 32) {
        throw new ChatOpsError('CONFIG_INVALID', `${source}: the MCP server name "${name}" is not allowed.`, {
          remedy: 'Use up to 32 letters, digits, "-" and single "_" (tools are named server__tool).',
        });
      }
      if ((server as { type?: string })?.type === 'sse') {
        throw new ChatOpsError(
          'CONFIG_INVALID',
          `MCP server "${name}" uses the deprecated HTTP+SSE transport.`,
          {
            remedy:
              'Give its Streamable HTTP endpoint as "url" (type "http"); most servers serve it at /mcp.',
          },
        );
      }
    }
  }
  const result = ConfigFile.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`,
    );
    throw new ChatOpsError('CONFIG_INVALID', `${source} is invalid:\n  - ${problems.join('\n  - ')}`, {
      remedy:
        'Each server needs "command" (with optional "args", "env") for stdio, or "url" (with optional "headers") for Streamable HTTP.',
      details: { problems },
    });
  }
  return Object.entries(result.data.mcpServers)
    .filter(([, server]) => server.disabled !== true)
    .map(([name, server]): McpServerDefinition => {
      if (isStdio(server)) {
        return {
          name,
          transport: 'stdio',
          command: server.command,
          args: server.args,
          env: server.env ?? {},
          cwd: resolve(baseDir, server.cwd ?? '.'),
        };
      }
      return { name, transport: 'http', url: server.url, headers: server.headers ?? {} };
    });
}

function isStdio(
  server: z.infer<typeof StdioServer> | z.infer<typeof HttpServer>,
): server is z.infer<typeof StdioServer> {
  return typeof (server as { command?: unknown }).command === 'string';
}
