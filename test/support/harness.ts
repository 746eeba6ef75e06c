import { skills as installedSkills } from '../../skills/index.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { ProcessMode } from '../../src/config/variables.ts';
import type { ApprovalsPort } from '../../src/core/approvals.ts';
import type { SchedulesPort } from '../../src/core/schedules.ts';
import type { Skill } from '../../src/core/skill.ts';
import type { Task } from '../../src/core/task.ts';
import {
  createRuntime,
  type Runtime,
  type RuntimeOptions,
  startGateway,
  startWorker,
} from '../../src/main.ts';
import { createLogger, silentLogger } from '../../src/observability/logger.ts';
import { clearRedisPrefix, createTestDatabase, REDIS_URL, uniqueName } from './services.ts';

export type DatabaseKind = 'postgresql' | 'pglite';

export interface HarnessOptions {
  database?: DatabaseKind;
  mode?: ProcessMode;
  skills?: readonly Skill[];
  env?: Record<string, string>;
  worker?: boolean;
  gateway?: boolean;
  /** Log to stdout (debugging a test); quiet by default. */
  verbose?: boolean;
  /** The approvals port the worker's skills get (a recording fake). */
  approvals?: (task: Task) => ApprovalsPort;
  /** Knowledge-base download overrides (a resolver and an address policy that allows the test's server). */
  knowledgeDownload?: RuntimeOptions['knowledgeDownload'];
  schedules?: SchedulesPort;
}

export interface Harness {
  runtime: Runtime;
  baseUrl: string;
  prefix: string;
  /** The PostgreSQL database URL (null on PGlite), for processes that join this test. */
  databaseUrl: string | null;
  /** JSON request against the gateway; returns status, headers and parsed body. */
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers field by field
  ): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

/**
 * A whole bot in-process for integration tests: real database (a fresh PostgreSQL database, or in-memory
 * PGlite), real Redis under a fresh prefix, the real gateway on a free port and the real worker.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const kind = options.database ?? 'postgresql';
  const database = kind === 'postgresql' ? await createTestDatabase() : null;
  const prefix = uniqueName('t');
  const env = {
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    // Tests poll the REST API every 50 ms while they wait (every read counts, and in dev mode all reads
    // share one bucket): at the default 100 a minute, a slow machine turns waiting into 429s. Tests of the
    // limit itself set their own.
    API_RATE_LIMIT_PER_MINUTE: '100000',
    ...(database ? { DATABASE_URL: database.url } : { CHATOPS_DATA_DIR: 'memory://' }),
    ...options.env,
  };
  const config = loadConfig(env, options.mode ?? 'dev');
  const log = options.verbose ? createLogger({ level: 'debug', format: 'pretty' }) : silentLogger;
  const runtime = await createRuntime(config, log, {
    skills: options.skills ?? installedSkills,
    subscribeLive: true,
    migrate: true,
    ...(options.approvals ? { approvals: options.approvals } : {}),
    ...(options.knowledgeDownload ? { knowledgeDownload: options.knowledgeDownload } : {}),
    ...(options.schedules ? { schedules: options.schedules } : {}),
  });
  const worker = options.worker === false ? null : startWorker(runtime);
  await worker?.ready;
  const gateway = options.gateway === false ? null : await startGateway(runtime);
  const baseUrl = `http://127.0.0.1:${gateway?.port ?? 0}`;
  return {
    runtime,
    baseUrl,
    prefix,
    databaseUrl: database?.url ?? null,
    async request(method, path, body, headers = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async close() {
      await gateway?.close();
      await worker?.close();
      await runtime.close();
      await clearRedisPrefix(prefix);
      await database?.drop();
    },
  };
}

export const allSkills = installedSkills;
