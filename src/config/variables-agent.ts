import { z } from 'zod';
import type { Variable } from './variables.ts';

/**
 * The supervisor's settings: the Claude model, its budgets and retries, the MCP servers it may use, the
 * allowlists, and the bot's own MCP server. ANTHROPIC_API_KEY itself stays in the core table.
 */
const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);
const modelId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{1,99}$/, 'a model id such as claude-sonnet-5-5');
/**
 * What stdio MCP servers inherit from the bot by default besides the MCP SDK's minimal set: the proxy
 * settings (both spellings: tools differ in which they read) and the extra CA bundles of a TLS-inspecting
 * proxy. Without them `npx -y <server>` waits for the npm registry until the connect timeout.
 */
export const MCP_STDIO_PASS_ENV_DEFAULT = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
] as const;

const pricePattern =
  /^(input|output|cache_read|cache_write)=\d+(\.\d+)?(,(input|output|cache_read|cache_write)=\d+(\.\d+)?)*$/;

export const AGENT_VARIABLES = [
  {
    name: 'ANTHROPIC_MODEL',
    schema: modelId,
    defaultValue: 'claude-sonnet-5-5',
    description: 'Claude model of the supervisor and of skills that use the model.',
    remedy: 'Set a model id from the Anthropic model list, e.g. ANTHROPIC_MODEL=claude-sonnet-5-5.',
  },
  {
    name: 'ANTHROPIC_FALLBACK_MODEL',
    schema: modelId,
    description:
      'Model used when the main one stays overloaded or unavailable after its retries. Unset: no fallback.',
    remedy: 'Set a model id, e.g. ANTHROPIC_FALLBACK_MODEL=claude-haiku-5-5, or unset it.',
  },
  {
    name: 'ANTHROPIC_BASE_URL',
    schema: z.url({ protocol: /^https?$/ }),
    defaultValue: 'https://api.anthropic.com',
    description: 'Messages API endpoint: change it for a gateway or proxy in front of Anthropic.',
    remedy: 'Use an http(s) URL without a path suffix, e.g. https://api.anthropic.com.',
  },
  {
    name: 'ANTHROPIC_MAX_RETRIES',
    schema: z.coerce.number().int().min(0).max(10),
    defaultValue: '3',
    description:
      'Retries per model request on 408/409/429/5xx/529 and timeouts (jittered, honours retry-after).',
    remedy: 'Set ANTHROPIC_MAX_RETRIES to a whole number from 0 to 10.',
  },
  {
    name: 'ANTHROPIC_TIMEOUT_MS',
    schema: z.coerce.number().int().min(1000).max(600_000),
    defaultValue: '60000',
    description: 'Longest wait for one model request before it counts as failed (and is retried).',
    remedy: 'Set ANTHROPIC_TIMEOUT_MS to milliseconds between 1000 and 600000.',
  },
  {
    name: 'ANTHROPIC_PRICES',
    schema: z.string().regex(pricePattern, 'comma-separated name=USD pairs'),
    description:
      'USD per million tokens for cost estimates, overriding the built-in table, e.g. input=2,output=10,cache_read=0.2,cache_write=2.5.',
    remedy: 'Write name=number pairs joined by commas; names: input, output, cache_read, cache_write.',
  },
  {
    name: 'LLM_MAX_OUTPUT_TOKENS',
    schema: positiveInt(128_000),
    defaultValue: '4096',
    description: 'Most tokens one model answer may have.',
    remedy: 'Set LLM_MAX_OUTPUT_TOKENS to a whole number from 1 to 128000.',
  },
  {
    name: 'LLM_TASK_TOKEN_BUDGET',
    schema: positiveInt(10_000_000),
    defaultValue: '200000',
    description:
      'Most tokens (input + output, all model calls) one task may use; the supervisor stops past it.',
    remedy: 'Set LLM_TASK_TOKEN_BUDGET to a whole number of tokens, e.g. 200000.',
  },
  {
    name: 'LLM_TASK_TIME_BUDGET_MS',
    schema: positiveInt(3_600_000),
    defaultValue: '180000',
    description: 'Longest time the model may work on one task (all calls and tool runs).',
    remedy: 'Set LLM_TASK_TIME_BUDGET_MS to milliseconds, e.g. 180000.',
  },
  {
    name: 'LLM_MAX_TOOL_TURNS',
    schema: positiveInt(50),
    defaultValue: '8',
    description: 'Most model turns (each may call tools) the supervisor takes for one task.',
    remedy: 'Set LLM_MAX_TOOL_TURNS to a whole number from 1 to 50.',
  },
  {
    name: 'MCP_CONFIG',
    schema: z.string().min(1),
    description:
      'JSON file of MCP servers in Claude Desktop\'s "mcpServers" shape (stdio command/args/env, or url/headers). Unset: no MCP tools.',
    remedy: 'Point MCP_CONFIG at a readable JSON file, e.g. MCP_CONFIG=./mcp.json (see the README).',
  },
  {
    name: 'MCP_STDIO_PASS_ENV',
    schema: z
      .string()
      .regex(
        /^(none|[A-Za-z_][A-Za-z0-9_]*(\s*,\s*[A-Za-z_][A-Za-z0-9_]*)*)$/,
        'comma-separated variable names, or none',
      ),
    defaultValue: MCP_STDIO_PASS_ENV_DEFAULT.join(','),
    description:
      'Variables of the bot\'s environment passed on to stdio MCP servers, which otherwise get only HOME, LOGNAME, PATH, SHELL, TERM and USER: the proxy and CA settings let `npx -y …` reach the registry behind a TLS-inspecting proxy. A server\'s own "env" in MCP_CONFIG wins. `none` passes none.',
    remedy:
      'Set MCP_STDIO_PASS_ENV to variable names separated by commas (e.g. HTTPS_PROXY,NODE_EXTRA_CA_CERTS,SSL_CERT_DIR), or none.',
  },
  {
    name: 'MCP_TOOL_TIMEOUT_MS',
    schema: z.coerce.number().int().min(100).max(600_000),
    defaultValue: '60000',
    description: 'Longest wait for one MCP tool call.',
    remedy: 'Set MCP_TOOL_TIMEOUT_MS to milliseconds between 100 and 600000.',
  },
  {
    name: 'ALLOWLIST_CONFIG',
    schema: z.string().min(1),
    description:
      'JSON file of per-channel and per-role allowlists for skills and MCP tools, and side-effect overrides. Unset: everything is allowed (side effects still need approval).',
    remedy: 'Point ALLOWLIST_CONFIG at a readable JSON file (see the README for its shape).',
  },
  {
    name: 'MCP_SERVER_REPLY_CHANNEL',
    schema: z.string().regex(/^(api|slack|teams):[A-Za-z0-9_.@;:-]{1,200}$/, 'platform:channel'),
    defaultValue: 'api:mcp',
    description:
      "Where requests made through the bot's own MCP server (/mcp, `chatops mcp`) are posted, approvals included.",
    remedy: 'Write platform:channel, e.g. api:mcp (web chat) or slack:C0123ABCDEF.',
  },
  {
    name: 'MCP_SERVER_WAIT_MS',
    schema: z.coerce.number().int().min(1000).max(600_000),
    defaultValue: '120000',
    description:
      "How long an MCP client's tool call waits for the bot's answer before it is told to check back.",
    remedy: 'Set MCP_SERVER_WAIT_MS to milliseconds between 1000 and 600000.',
  },
] as const satisfies readonly Variable[];
