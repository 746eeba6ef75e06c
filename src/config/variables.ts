import { z } from 'zod';
import { AGENT_VARIABLES } from './variables-agent.ts';
import { APPROVALS_VARIABLES } from './variables-approvals.ts';
import { DEPLOY_VARIABLES } from './variables-deploy.ts';
import { JIRA_VARIABLES } from './variables-jira.ts';
import { KNOWLEDGE_VARIABLES } from './variables-knowledge.ts';
import { SLACK_VARIABLES } from './variables-slack.ts';
import { TEAMS_VARIABLES } from './variables-teams.ts';
import { WORKFLOW_VARIABLES } from './variables-workflows.ts';

/**
 * Every environment variable the bot reads, in one table: its schema, default, what it does and how to fix
 * a bad value. `loadConfig`, `.env.example` and the README's configuration table all come from here.
 */
export type ProcessMode = 'dev' | 'gateway' | 'worker' | 'scheduler' | 'cli';

export interface Variable {
  name: string;
  schema: z.ZodType;
  /** Default per mode; undefined means "unset unless you set it". */
  defaultValue?: string | ((mode: ProcessMode) => string | undefined);
  description: string;
  remedy: string;
  secret?: boolean;
}

// 0 asks the OS for a free port (tests, several local instances).
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);
const postgresUrl = z.url({ protocol: /^postgres(ql)?$/ });
const redisUrl = z.url({ protocol: /^rediss?$/ });

export const VARIABLES = [
  {
    name: 'PORT',
    schema: port,
    defaultValue: '3000',
    description: 'HTTP port of the gateway (Slack, Teams, REST API, web chat, /health, /metrics).',
    remedy: 'Set PORT to a free TCP port between 1 and 65535 (0 picks any free port), e.g. PORT=3000.',
  },
  {
    name: 'HOST',
    schema: z.string().min(1),
    defaultValue: (mode) => (mode === 'dev' ? '127.0.0.1' : '0.0.0.0'),
    description:
      'Address the gateway listens on. `chatops dev` stays on loopback because its web chat has no login.',
    remedy: 'Set HOST to an interface address, e.g. HOST=0.0.0.0 or HOST=127.0.0.1.',
  },
  {
    name: 'DATABASE_URL',
    schema: postgresUrl,
    description:
      'PostgreSQL (with pgvector) connection URL. Unset: the embedded PGlite database in CHATOPS_DATA_DIR.',
    remedy:
      'Use the form postgres://user:password@host:5432/database, or unset it for the embedded database.',
    secret: true,
  },
  {
    name: 'DATABASE_POOL_MAX',
    schema: positiveInt(200),
    defaultValue: '10',
    description: 'Maximum PostgreSQL connections per process.',
    remedy: 'Set DATABASE_POOL_MAX to a whole number from 1 to 200.',
  },
  {
    name: 'CHATOPS_DATA_DIR',
    schema: z.string().min(1),
    defaultValue: '.data',
    description: 'Directory of the embedded database (used when DATABASE_URL is unset).',
    remedy: 'Set CHATOPS_DATA_DIR to a writable directory path.',
  },
  {
    name: 'REDIS_URL',
    schema: redisUrl,
    defaultValue: 'redis://127.0.0.1:6379',
    description:
      'Redis for the task queue. `chatops dev` starts a private redis-server when none answers and the binary is on PATH.',
    remedy: 'Use the form redis://host:6379 (or rediss:// for TLS).',
    secret: true,
  },
  {
    name: 'QUEUE_PREFIX',
    schema: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
    defaultValue: 'chatops',
    description: 'Prefix of every Redis key; lets several installations share one Redis.',
    remedy: 'Use 1-40 letters, digits, "_" or "-" (no ":"), e.g. QUEUE_PREFIX=chatops.',
  },
  {
    name: 'WORKER_CONCURRENCY',
    schema: positiveInt(1000),
    defaultValue: '128',
    description:
      'Tasks one worker process runs at once. They mostly wait on I/O (the model, tools, chat APIs), and the ledger writes of tasks running together share one statement, so more in flight is cheaper per task.',
    remedy: 'Set WORKER_CONCURRENCY to a whole number from 1 to 1000.',
  },
  {
    name: 'WORKER_METRICS_PORT',
    schema: port,
    defaultValue: '9464',
    description: '`chatops worker` serves its own /health and /metrics on this port.',
    remedy: 'Set WORKER_METRICS_PORT to a free TCP port, e.g. 9464.',
  },
  {
    name: 'TASK_MAX_ATTEMPTS',
    schema: positiveInt(50),
    defaultValue: '5',
    description: 'Attempts per task for transient failures (bad input is never retried).',
    remedy: 'Set TASK_MAX_ATTEMPTS to a whole number from 1 to 50.',
  },
  {
    name: 'TASK_BACKOFF_MS',
    schema: positiveInt(3_600_000),
    defaultValue: '1000',
    description: 'First retry delay; each further retry doubles it (exponential backoff).',
    remedy: 'Set TASK_BACKOFF_MS to milliseconds, e.g. 1000.',
  },
  {
    name: 'QUEUE_LOCK_DURATION_MS',
    schema: z.coerce.number().int().min(1000).max(600_000),
    defaultValue: '10000',
    description: "Job lock length; a killed worker's task is picked up again after about this long.",
    remedy: 'Set QUEUE_LOCK_DURATION_MS to milliseconds between 1000 and 600000.',
  },
  {
    name: 'QUEUE_STALLED_INTERVAL_MS',
    schema: z.coerce.number().int().min(500).max(600_000),
    defaultValue: '5000',
    description: 'How often workers look for stalled jobs (jobs whose worker died).',
    remedy: 'Set QUEUE_STALLED_INTERVAL_MS to milliseconds between 500 and 600000.',
  },
  {
    name: 'SHUTDOWN_TIMEOUT_MS',
    schema: positiveInt(600_000),
    defaultValue: '20000',
    description:
      'On SIGTERM/SIGINT, how long running tasks may finish before they are released to other workers.',
    remedy: 'Set SHUTDOWN_TIMEOUT_MS to milliseconds, e.g. 20000.',
  },
  {
    name: 'SCHEDULER_RELOAD_INTERVAL_MS',
    schema: positiveInt(3_600_000),
    defaultValue: '15000',
    description:
      'How often `chatops scheduler` (and `chatops dev`) re-reads the schedules table to arm new, changed and removed schedules.',
    remedy: 'Set SCHEDULER_RELOAD_INTERVAL_MS to milliseconds, e.g. 15000.',
  },
  {
    name: 'SCHEDULER_CATCH_UP_WINDOW_MINUTES',
    schema: z.coerce.number().int().min(0).max(10_080),
    defaultValue: '360',
    description:
      'A fire time missed while no scheduler ran is fired once when one comes back, if it is at most this old (only the latest missed one, never one per missed minute); older ones are skipped and logged. 0 turns catch-up off.',
    remedy: 'Set SCHEDULER_CATCH_UP_WINDOW_MINUTES to minutes from 0 to 10080 (a week), e.g. 360.',
  },
  {
    name: 'SCHEDULE_DEFAULT_TIMEZONE',
    schema: z
      .string()
      .trim()
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'not an IANA time zone'),
    defaultValue: 'UTC',
    description:
      "Time zone of digests when neither `tz=` nor the person's platform (web chat, Teams, Slack) nor the channel's other digests give one.",
    remedy: 'Use an IANA zone name such as UTC, Europe/Berlin or America/New_York.',
  },
  {
    name: 'API_RATE_LIMIT_PER_MINUTE',
    schema: positiveInt(1_000_000),
    defaultValue: '100',
    description: 'REST API requests per user per minute; more are answered 429 with Retry-After.',
    remedy: 'Set API_RATE_LIMIT_PER_MINUTE to a whole number, e.g. 100.',
  },
  {
    name: 'API_MAX_BODY_BYTES',
    schema: positiveInt(10_000_000),
    defaultValue: '65536',
    description:
      'Largest accepted REST API request body; larger ones are answered 413. Slack and Teams requests may be up to 1 MiB (or this, if larger), so a message at the 40,000-character limit is answered with the limit rather than refused unseen.',
    remedy: 'Set API_MAX_BODY_BYTES to a byte count, e.g. 65536.',
  },
  {
    name: 'DEFAULT_TENANT',
    schema: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
    defaultValue: 'default',
    description: 'Tenant of REST API and web chat requests (Slack and Teams bring their own).',
    remedy: 'Use 1-64 letters, digits, ".", "_" or "-".',
  },
  {
    name: 'LOG_LEVEL',
    schema: z.enum(['debug', 'info', 'warn', 'error']),
    defaultValue: 'info',
    description: 'Least severe log level written.',
    remedy: 'Set LOG_LEVEL to one of debug, info, warn, error.',
  },
  {
    name: 'LOG_FORMAT',
    schema: z.enum(['json', 'pretty']),
    defaultValue: (mode) => (mode === 'dev' || mode === 'cli' ? 'pretty' : 'json'),
    description: 'json (one object per line, for log shippers) or pretty (for people).',
    remedy: 'Set LOG_FORMAT to json or pretty.',
  },
  {
    name: 'ANTHROPIC_API_KEY',
    schema: z.string().min(20),
    description: 'Claude API key for the supervisor. Unset: the deterministic router answers and says so.',
    remedy: 'Paste the whole key from console.anthropic.com, or unset it to run without a model.',
    secret: true,
  },
  ...AGENT_VARIABLES,
  ...TEAMS_VARIABLES,
  ...APPROVALS_VARIABLES,
  ...SLACK_VARIABLES,
  ...KNOWLEDGE_VARIABLES,
  ...JIRA_VARIABLES,
  ...WORKFLOW_VARIABLES,
  ...DEPLOY_VARIABLES,
] as const satisfies readonly Variable[];

/**
 * The values of a table's variables, by name, as their schemas read them: present when the variable has a
 * default in every mode, possibly undefined otherwise. Reading a name that is not in the table is a compile
 * error, so a misspelt variable never silently reads as undefined. (A table has literal names only when it
 * is declared `as const satisfies readonly Variable[]`, as every table here is.)
 */
export type VariableValues<Table extends readonly Variable[]> = {
  readonly [Entry in Table[number] as Entry['name']]: Entry extends {
    defaultValue: string | ((mode: ProcessMode) => string);
  }
    ? z.output<Entry['schema']>
    : z.output<Entry['schema']> | undefined;
};

/** Every variable's value, as loadConfig read it. */
export type ConfigValues = VariableValues<typeof VARIABLES>;

export function defaultFor(variable: Variable, mode: ProcessMode): string | undefined {
  return typeof variable.defaultValue === 'function' ? variable.defaultValue(mode) : variable.defaultValue;
}
