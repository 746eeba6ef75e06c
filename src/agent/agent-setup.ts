import type { Registry } from 'prom-client';
import type { AgentConfig, Config } from '../config/load-config.ts';
import type { Logger } from '../core/ports.ts';
import type { SkillCatalog } from '../core/skill-catalog.ts';
import type { Database } from '../db/database.ts';
import { McpServerStatusStore } from '../db/mcp-server-status.ts';
import { ThreadMemoryStore } from '../db/thread-memory-store.ts';
import { ToolCallLog } from '../db/tool-call-log.ts';
import { UsageLedger } from '../db/usage-ledger.ts';
import type { HealthCheck } from '../http/routes/health.ts';
import { loadMcpConfig } from '../mcp/client-config.ts';
import { McpClientPool } from '../mcp/client-pool.ts';
import { ClaudeClient } from './llm/claude-client.ts';
import { createLlmMetrics } from './llm/llm-metrics.ts';
import { PriceTable } from './llm/prices.ts';
import { UsageRecorder } from './llm/usage-recorder.ts';
import { Policy } from './policy.ts';
import { Agent } from './supervisor/agent.ts';
import { ThreadMemory } from './supervisor/memory.ts';
import { ToolGateway } from './tool-gateway.ts';

/**
 * Builds the supervisor's parts from configuration (called by src/main.ts, the composition root): the
 * Claude client when an API key is set, the MCP client pool when MCP_CONFIG is set, the allowlists, thread
 * memory, usage accounting and tool-call records. Configuration files are read here, at start-up, so a bad
 * file stops the process with its remedy instead of failing the first message.
 */
export interface AgentParts {
  agent: Agent;
  model: ClaudeClient | null;
  pool: McpClientPool | null;
  /** Resolves once every MCP server had its first connection attempt (failures keep retrying). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function createModel(config: Config, log: Logger, registry: Registry): ClaudeClient | null {
  const key = config.llm.anthropicApiKey;
  if (!key) return null;
  const metrics = llmMetricsOf(registry);
  return new ClaudeClient({
    apiKey: key,
    baseUrl: config.agent.baseUrl,
    model: config.agent.model,
    fallbackModel: config.agent.fallbackModel,
    maxRetries: config.agent.maxRetries,
    timeoutMs: config.agent.timeoutMs,
    maxOutputTokens: config.agent.maxOutputTokens,
    log,
    onAttempt: (attempt) => metrics.observeAttempt(attempt),
  });
}

export function createAgentParts(options: {
  config: Config;
  database: Database;
  catalog: SkillCatalog;
  registry: Registry;
  log: Logger;
  /** Workers connect to the MCP servers; other processes only read their recorded health. */
  connectMcp: boolean;
}): AgentParts {
  const { config, database, log } = options;
  const agentConfig: AgentConfig = config.agent;
  const policy = Policy.load(agentConfig.allowlistPath);
  const model = createModel(config, log, options.registry);
  const recorder = model
    ? new UsageRecorder(
        new UsageLedger(database),
        new PriceTable(agentConfig.prices),
        llmMetricsOf(options.registry),
        log,
      )
    : null;
  const definitions = agentConfig.mcpConfigPath ? loadMcpConfig(agentConfig.mcpConfigPath) : [];
  const statuses = new McpServerStatusStore(database);
  const pool =
    options.connectMcp && definitions.length > 0
      ? new McpClientPool(definitions, {
          log,
          toolTimeoutMs: agentConfig.mcpToolTimeoutMs,
          stdioEnvironment: agentConfig.mcpStdioEnvironment,
          onHealth: (name, health) => {
            void statuses
              .report({
                name,
                transport: health.transport,
                status: health.status,
                tools: health.tools,
                ...(health.error ? { error: health.error } : {}),
              })
              .catch((error: unknown) => log.debug('mcp-status-not-recorded', { error }));
          },
        })
      : null;
  const ready = pool ? pool.start() : Promise.resolve();
  const agent = new Agent({
    catalog: options.catalog,
    memory: new ThreadMemory(new ThreadMemoryStore(database), log),
    policy,
    model,
    recorder,
    gateway: pool ? new ToolGateway(pool, policy, new ToolCallLog(database)) : null,
    budgets: {
      tokens: agentConfig.taskTokenBudget,
      timeMs: agentConfig.taskTimeBudgetMs,
      maxTurns: agentConfig.maxToolTurns,
    },
    log,
  });
  return {
    agent,
    model,
    pool,
    ready,
    close: async () => {
      await ready.catch(() => {});
      await pool?.close();
    },
  };
}

/** /health: each MCP server's last reported state (degraded servers do not fail the probe). */
export function mcpHealthCheck(database: Database): HealthCheck {
  const statuses = new McpServerStatusStore(database);
  return {
    name: 'mcp',
    run: async () => {
      const servers = await statuses.all();
      return {
        servers: Object.fromEntries(
          servers.map((server) => [
            server.name,
            {
              status: server.status,
              transport: server.transport,
              tools: server.tools,
              ...(server.lastError ? { error: server.lastError } : {}),
              reportedBy: server.reportedBy,
              updatedAt: server.updatedAt,
            },
          ]),
        ),
      };
    },
  };
}

// One set of model metrics per registry, however many clients and recorders share it.
const metricsByRegistry = new WeakMap<Registry, ReturnType<typeof createLlmMetrics>>();
function llmMetricsOf(registry: Registry) {
  let metrics = metricsByRegistry.get(registry);
  if (!metrics) {
    metrics = createLlmMetrics(registry);
    metricsByRegistry.set(registry, metrics);
  }
  return metrics;
}
