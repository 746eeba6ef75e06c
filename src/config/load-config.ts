import { ChatOpsError } from '../core/errors.ts';
import { processEnvironment } from './process-environment.ts';
import { type SlackConfig, slackConfig } from './slack-config.ts';
import {
  type ConfigValues,
  defaultFor,
  type ProcessMode,
  VARIABLES,
  type Variable,
  type VariableValues,
} from './variables.ts';
import type { AGENT_VARIABLES } from './variables-agent.ts';
import { type DeployConfig, deployConfig } from './variables-deploy.ts';
import { type JiraConfig, jiraConfig } from './variables-jira.ts';
import { type KnowledgeConfig, knowledgeConfig } from './variables-knowledge.ts';
import type { TEAMS_VARIABLES } from './variables-teams.ts';

export type { DeployConfig, JiraConfig, KnowledgeConfig, WorkflowsConfig };

import { type WorkflowsConfig, workflowsConfig } from './variables-workflows.ts';

/** Configuration, read once at start-up and passed down; frozen so nothing changes it later. */
export interface Config {
  readonly mode: ProcessMode;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly maxBodyBytes: number;
    readonly rateLimitPerMinute: number;
    /** The REST API demands an API key everywhere but `chatops dev`. */
    readonly requireApiKey: boolean;
    readonly webChat: boolean;
  };
  readonly database:
    | { readonly kind: 'postgresql'; readonly url: string; readonly poolMax: number }
    | { readonly kind: 'pglite'; readonly dataDir: string };
  readonly redis: { readonly url: string; readonly explicit: boolean };
  readonly queue: {
    readonly prefix: string;
    readonly name: 'tasks';
    readonly maxAttempts: number;
    readonly backoffMs: number;
    readonly lockDurationMs: number;
    readonly stalledIntervalMs: number;
  };
  readonly worker: {
    readonly concurrency: number;
    readonly metricsPort: number;
    readonly shutdownTimeoutMs: number;
  };
  readonly scheduler: {
    readonly reloadIntervalMs: number;
    readonly catchUpWindowMs: number;
    /** The zone digests use when nothing more specific is known. */
    readonly defaultTimeZone: string;
  };
  readonly tenant: { readonly defaultId: string };
  readonly log: { readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly format: 'json' | 'pretty' };
  readonly llm: { readonly anthropicApiKey: string | undefined };
  readonly agent: AgentConfig;
  readonly teams: TeamsConfig;
  readonly approvals: ApprovalsConfig;
  readonly slack: SlackConfig;
  readonly knowledge: KnowledgeConfig;
  /** Jira analytics; null when JIRA_HOST is unset (`/jira` then says how to turn it on). */
  readonly jira: JiraConfig | null;
  readonly workflows: WorkflowsConfig;
  readonly deploy: DeployConfig;
}

/** The approvals engine (src/config/variables-approvals.ts). */
export interface ApprovalsConfig {
  /** The policy file; unset means the built-in default (one `approver`, never the requester, 30 min). */
  readonly policyPath: string | undefined;
  readonly sweepIntervalMs: number;
}

/** Microsoft Teams (src/config/variables-teams.ts); null credentials mean the adapter runs unauthenticated. */
export interface TeamsConfig {
  /** True when the Teams endpoint is mounted: TEAMS_APP_ID is set, or `chatops dev`. */
  readonly enabled: boolean;
  /** TEAMS_APP_ID (also for tools that need no secret, such as `npm run teams:package`). */
  readonly appId: string | undefined;
  readonly credentials: {
    readonly appId: string;
    readonly appPassword: string;
    /** Set for a single-tenant app registration. */
    readonly tenantId: string | undefined;
  } | null;
  readonly allowedTenants: readonly string[] | undefined;
  readonly cloud: 'Public' | 'USGov' | 'USGovDoD' | 'China';
  readonly serviceHosts: readonly string[];
  readonly defaultServiceUrl: string;
  readonly loginEndpoint: string | undefined;
  readonly openIdMetadataUrl: string | undefined;
}

/** The supervisor, its model and its tools (src/config/variables-agent.ts). */
export interface AgentConfig {
  readonly model: string;
  readonly fallbackModel: string | undefined;
  readonly baseUrl: string;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  /** USD per million tokens, overriding the built-in price table for every model. */
  readonly prices: Readonly<Record<string, number>> | undefined;
  readonly maxOutputTokens: number;
  readonly taskTokenBudget: number;
  readonly taskTimeBudgetMs: number;
  readonly maxToolTurns: number;
  readonly mcpConfigPath: string | undefined;
  readonly mcpToolTimeoutMs: number;
  /**
   * The variables (MCP_STDIO_PASS_ENV, with their values here) stdio MCP servers inherit on top of the SDK's
   * minimal environment; a server's own `env` overrides them. May hold proxy credentials: never log it.
   */
  readonly mcpStdioEnvironment: Readonly<Record<string, string>>;
  readonly allowlistPath: string | undefined;
  readonly mcpServer: {
    readonly replyPlatform: 'api' | 'slack' | 'teams';
    readonly replyChannel: string;
    readonly waitMs: number;
  };
}

export type { SlackConfig } from './slack-config.ts';

export type Environment = Record<string, string | undefined>;

/**
 * Validates the environment against the variable table. Every problem is collected, so one start-up
 * attempt tells the operator everything that needs fixing.
 */
export function loadConfig(env: Environment = processEnvironment(), mode: ProcessMode = 'cli'): Config {
  return Object.freeze(buildConfig(readVariables(env, mode), env, mode));
}

/**
 * Every variable of the table, parsed by its schema (its default where unset), by name; a CONFIG_INVALID
 * error listing every bad value otherwise.
 */
export function readVariables(env: Environment, mode: ProcessMode): ConfigValues {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const variable of VARIABLES) {
    const raw = env[variable.name]?.trim();
    const input = raw === undefined || raw === '' ? defaultFor(variable, mode) : raw;
    if (input === undefined) continue;
    const result = variable.schema.safeParse(input);
    if (result.success) values[variable.name] = result.data;
    else problems.push(describeProblem(variable, raw, result.error.issues[0]?.message ?? 'invalid value'));
  }
  if (problems.length > 0) {
    throw new ChatOpsError('CONFIG_INVALID', `Configuration is invalid:\n${problems.join('\n')}`, {
      remedy: 'Fix these variables (see .env.example for every setting and its default) and start again.',
      details: { problems },
    });
  }
  // The one place values are typed by name: each was parsed by the schema the table gives that name.
  return values as ConfigValues;
}

function describeProblem(variable: Variable, raw: string | undefined, issue: string): string {
  const shown = variable.secret ? '(value hidden)' : JSON.stringify(raw);
  return `  - ${variable.name} ${shown}: ${issue}. ${variable.remedy}`;
}

function buildConfig(values: ConfigValues, env: Environment, mode: ProcessMode): Config {
  const databaseUrl = values.DATABASE_URL;
  return {
    mode,
    http: {
      host: values.HOST,
      port: values.PORT,
      maxBodyBytes: values.API_MAX_BODY_BYTES,
      rateLimitPerMinute: values.API_RATE_LIMIT_PER_MINUTE,
      requireApiKey: mode !== 'dev',
      webChat: mode === 'dev',
    },
    database: databaseUrl
      ? { kind: 'postgresql', url: databaseUrl, poolMax: values.DATABASE_POOL_MAX }
      : { kind: 'pglite', dataDir: values.CHATOPS_DATA_DIR },
    redis: { url: values.REDIS_URL, explicit: Boolean(env.REDIS_URL?.trim()) },
    queue: {
      prefix: values.QUEUE_PREFIX,
      name: 'tasks',
      maxAttempts: values.TASK_MAX_ATTEMPTS,
      backoffMs: values.TASK_BACKOFF_MS,
      lockDurationMs: values.QUEUE_LOCK_DURATION_MS,
      stalledIntervalMs: values.QUEUE_STALLED_INTERVAL_MS,
    },
    worker: {
      concurrency: values.WORKER_CONCURRENCY,
      metricsPort: values.WORKER_METRICS_PORT,
      shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    },
    scheduler: {
      reloadIntervalMs: values.SCHEDULER_RELOAD_INTERVAL_MS,
      catchUpWindowMs: values.SCHEDULER_CATCH_UP_WINDOW_MINUTES * 60_000,
      defaultTimeZone: values.SCHEDULE_DEFAULT_TIMEZONE,
    },
    tenant: { defaultId: values.DEFAULT_TENANT },
    log: { level: values.LOG_LEVEL, format: values.LOG_FORMAT },
    llm: { anthropicApiKey: values.ANTHROPIC_API_KEY },
    agent: agentConfig(values, env),
    teams: teamsConfig(values, mode),
    approvals: {
      policyPath: values.APPROVALS_CONFIG,
      sweepIntervalMs: values.APPROVALS_SWEEP_INTERVAL_MS,
    },
    slack: slackConfig(values, mode),
    knowledge: knowledgeConfig(values, teamsProblem),
    jira: jiraConfig(values, teamsProblem),
    workflows: workflowsConfig(values),
    deploy: deployConfig(values, env.PATH),
  };
}

function teamsConfig(values: VariableValues<typeof TEAMS_VARIABLES>, mode: ProcessMode): TeamsConfig {
  const list = (value: string | undefined) =>
    value
      ?.split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
  const appId = values.TEAMS_APP_ID;
  const appPassword = values.TEAMS_APP_PASSWORD;
  const tenantId = values.TEAMS_APP_TENANT_ID;
  // Half a registration is a mistake to report at start-up, not a bot that silently cannot answer.
  if (appPassword && !appId) {
    throw teamsProblem('TEAMS_APP_PASSWORD is set but TEAMS_APP_ID is not.', 'Set TEAMS_APP_ID as well.');
  }
  if (appId && !appPassword && mode !== 'cli') {
    throw teamsProblem(
      'TEAMS_APP_ID is set but TEAMS_APP_PASSWORD is not: the bot could not verify its identity to Teams.',
      'Set TEAMS_APP_PASSWORD to a client secret of the app registration, or unset TEAMS_APP_ID to turn Teams off.',
    );
  }
  return {
    enabled: Boolean(appId) || mode === 'dev',
    appId,
    credentials: appId && appPassword ? { appId, appPassword, tenantId } : null,
    allowedTenants: list(values.TEAMS_ALLOWED_TENANTS) ?? (tenantId ? [tenantId] : undefined),
    cloud: values.TEAMS_CLOUD,
    serviceHosts: list(values.TEAMS_SERVICE_HOSTS) ?? [],
    defaultServiceUrl: values.TEAMS_SERVICE_URL,
    loginEndpoint: values.TEAMS_LOGIN_ENDPOINT,
    openIdMetadataUrl: values.TEAMS_OPENID_METADATA_URL,
  };
}

function teamsProblem(message: string, remedy: string): ChatOpsError {
  return new ChatOpsError('CONFIG_INVALID', `Configuration is invalid:\n  - ${message}`, {
    remedy,
    details: { problems: [message] },
  });
}

function agentConfig(values: VariableValues<typeof AGENT_VARIABLES>, env: Environment): AgentConfig {
  const [replyPlatform, ...channel] = values.MCP_SERVER_REPLY_CHANNEL.split(':');
  const prices = values.ANTHROPIC_PRICES;
  return {
    model: values.ANTHROPIC_MODEL,
    fallbackModel: values.ANTHROPIC_FALLBACK_MODEL,
    baseUrl: values.ANTHROPIC_BASE_URL,
    maxRetries: values.ANTHROPIC_MAX_RETRIES,
    timeoutMs: values.ANTHROPIC_TIMEOUT_MS,
    prices: prices
      ? Object.fromEntries(prices.split(',').map((pair) => [pair.split('=')[0], Number(pair.split('=')[1])]))
      : undefined,
    maxOutputTokens: values.LLM_MAX_OUTPUT_TOKENS,
    taskTokenBudget: values.LLM_TASK_TOKEN_BUDGET,
    taskTimeBudgetMs: values.LLM_TASK_TIME_BUDGET_MS,
    maxToolTurns: values.LLM_MAX_TOOL_TURNS,
    mcpConfigPath: values.MCP_CONFIG,
    mcpToolTimeoutMs: values.MCP_TOOL_TIMEOUT_MS,
    mcpStdioEnvironment: passedOn(values.MCP_STDIO_PASS_ENV, env),
    allowlistPath: values.ALLOWLIST_CONFIG,
    mcpServer: {
      replyPlatform: replyPlatform as AgentConfig['mcpServer']['replyPlatform'],
      replyChannel: channel.join(':'),
      waitMs: values.MCP_SERVER_WAIT_MS,
    },
  };
}

/** The named variables that are set (and not empty) in the environment, with their values. */
function passedOn(names: string, env: Environment): Readonly<Record<string, string>> {
  if (names === 'none') return Object.freeze({});
  const passed: Record<string, string> = {};
  for (const name of names.split(',').map((entry) => entry.trim())) {
    const value = env[name];
    if (value !== undefined && value !== '') passed[name] = value;
  }
  return Object.freeze(passed);
}
