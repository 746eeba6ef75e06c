import { ChatOpsError } from '../core/errors.ts';
import { processEnvironment } from './process-environment.ts';
import { type SlackConfig, slackConfig } from './slack-config.ts';
import { defaultFor, type ProcessMode, VARIABLES, type Variable } from './variables.ts';
import { type JiraConfig, jiraConfig } from './variables-jira.ts';
import { type KnowledgeConfig, knowledgeConfig } from './variables-knowledge.ts';

export type { JiraConfig, KnowledgeConfig };

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
  return Object.freeze(buildConfig(values, env, mode));
}

function describeProblem(variable: Variable, raw: string | undefined, issue: string): string {
  const shown = variable.secret ? '(value hidden)' : JSON.stringify(raw);
  return `  - ${variable.name} ${shown}: ${issue}. ${variable.remedy}`;
}

function buildConfig(values: Record<string, unknown>, env: Environment, mode: ProcessMode): Config {
  const number = (name: string) => values[name] as number;
  const text = (name: string) => values[name] as string;
  const databaseUrl = values.DATABASE_URL as string | undefined;
  return {
    mode,
    http: {
      host: text('HOST'),
      port: number('PORT'),
      maxBodyBytes: number('API_MAX_BODY_BYTES'),
      rateLimitPerMinute: number('API_RATE_LIMIT_PER_MINUTE'),
      requireApiKey: mode !== 'dev',
      webChat: mode === 'dev',
    },
    database: databaseUrl
      ? { kind: 'postgresql', url: databaseUrl, poolMax: number('DATABASE_POOL_MAX') }
      : { kind: 'pglite', dataDir: text('CHATOPS_DATA_DIR') },
    redis: { url: text('REDIS_URL'), explicit: Boolean(env.REDIS_URL?.trim()) },
    queue: {
      prefix: text('QUEUE_PREFIX'),
      name: 'tasks',
      maxAttempts: number('TASK_MAX_ATTEMPTS'),
      backoffMs: number('TASK_BACKOFF_MS'),
      lockDurationMs: number('QUEUE_LOCK_DURATION_MS'),
      stalledIntervalMs: number('QUEUE_STALLED_INTERVAL_MS'),
    },
    worker: {
      concurrency: number('WORKER_CONCURRENCY'),
      metricsPort: number('WORKER_METRICS_PORT'),
      shutdownTimeoutMs: number('SHUTDOWN_TIMEOUT_MS'),
    },
    scheduler: {
      reloadIntervalMs: number('SCHEDULER_RELOAD_INTERVAL_MS'),
      catchUpWindowMs: number('SCHEDULER_CATCH_UP_WINDOW_MINUTES') * 60_000,
      defaultTimeZone: text('SCHEDULE_DEFAULT_TIMEZONE'),
    },
    tenant: { defaultId: text('DEFAULT_TENANT') },
    log: {
      level: values.LOG_LEVEL as Config['log']['level'],
      format: values.LOG_FORMAT as Config['log']['format'],
    },
    llm: { anthropicApiKey: values.ANTHROPIC_API_KEY as string | undefined },
    agent: agentConfig(values, env),
    teams: teamsConfig(values, mode),
    approvals: {
      policyPath: values.APPROVALS_CONFIG as string | undefined,
      sweepIntervalMs: number('APPROVALS_SWEEP_INTERVAL_MS'),
    },
    slack: slackConfig(values, mode),
    knowledge: knowledgeConfig(values, teamsProblem),
    jira: jiraConfig(values, teamsProblem),
  };
}

function teamsConfig(values: Record<string, unknown>, mode: ProcessMode): TeamsConfig {
  const optional = (name: string) => values[name] as string | undefined;
  const list = (name: string) =>
    optional(name)
      ?.split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
  const appId = optional('TEAMS_APP_ID');
  const appPassword = optional('TEAMS_APP_PASSWORD');
  const tenantId = optional('TEAMS_APP_TENANT_ID');
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
    allowedTenants: list('TEAMS_ALLOWED_TENANTS') ?? (tenantId ? [tenantId] : undefined),
    cloud: values.TEAMS_CLOUD as TeamsConfig['cloud'],
    serviceHosts: list('TEAMS_SERVICE_HOSTS') ?? [],
    defaultServiceUrl: values.TEAMS_SERVICE_URL as string,
    loginEndpoint: optional('TEAMS_LOGIN_ENDPOINT'),
    openIdMetadataUrl: optional('TEAMS_OPENID_METADATA_URL'),
  };
}

function teamsProblem(message: string, remedy: string): ChatOpsError {
  return new ChatOpsError('CONFIG_INVALID', `Configuration is invalid:\n  - ${message}`, {
    remedy,
    details: { problems: [message] },
  });
}

function agentConfig(values: Record<string, unknown>, env: Environment): AgentConfig {
  const optional = (name: string) => values[name] as string | undefined;
  const [replyPlatform, ...channel] = String(values.MCP_SERVER_REPLY_CHANNEL).split(':');
  const prices = optional('ANTHROPIC_PRICES');
  return {
    model: values.ANTHROPIC_MODEL as string,
    fallbackModel: optional('ANTHROPIC_FALLBACK_MODEL'),
    baseUrl: values.ANTHROPIC_BASE_URL as string,
    maxRetries: values.ANTHROPIC_MAX_RETRIES as number,
    timeoutMs: values.ANTHROPIC_TIMEOUT_MS as number,
    prices: prices
      ? Object.fromEntries(prices.split(',').map((pair) => [pair.split('=')[0], Number(pair.split('=')[1])]))
      : undefined,
    maxOutputTokens: values.LLM_MAX_OUTPUT_TOKENS as number,
    taskTokenBudget: values.LLM_TASK_TOKEN_BUDGET as number,
    taskTimeBudgetMs: values.LLM_TASK_TIME_BUDGET_MS as number,
    maxToolTurns: values.LLM_MAX_TOOL_TURNS as number,
    mcpConfigPath: optional('MCP_CONFIG'),
    mcpToolTimeoutMs: values.MCP_TOOL_TIMEOUT_MS as number,
    mcpStdioEnvironment: passedOn(String(values.MCP_STDIO_PASS_ENV), env),
    allowlistPath: optional('ALLOWLIST_CONFIG'),
    mcpServer: {
      replyPlatform: replyPlatform as AgentConfig['mcpServer']['replyPlatform'],
      replyChannel: channel.join(':'),
      waitMs: values.MCP_SERVER_WAIT_MS as number,
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
