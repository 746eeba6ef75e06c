import { type Config, loadConfig } from '../config/load-config.ts';
import { ChatOpsError } from '../core/errors.ts';
import type { Logger } from '../core/ports.ts';
import {
  createRuntime,
  type Runtime,
  startGateway,
  startScheduler,
  startWorker,
  startWorkerProbe,
} from '../main.ts';
import { createLogger } from '../observability/logger.ts';
import { ensureLocalRedis } from '../queue/local-redis.ts';
import type { CliCommand } from './command.ts';
import { untilSignalled } from './lifecycle.ts';

/** `chatops dev`: embedded database, private Redis if needed, gateway + worker + web chat in one process. */
export const devCommand: CliCommand = {
  name: 'dev',
  summary: 'Run everything locally in one process (embedded database, web chat on http://localhost:3000).',
  usage: 'chatops dev',
  async run(_args, env) {
    const loaded = loadConfig(env, 'dev');
    const log = loggerFor(loaded);
    const redis = await ensureLocalRedis(loaded.redis.url, loaded.redis.explicit, log, env.PATH ?? '');
    const config: Config = { ...loaded, redis: { ...loaded.redis, url: redis.url } };
    let runtime: Runtime;
    try {
      runtime = await createRuntime(config, log, { subscribeLive: true, migrate: true });
    } catch (error) {
      await redis.stop();
      throw error;
    }
    const worker = startWorker(runtime);
    await worker.ready;
    const scheduler = await startScheduler(runtime);
    const gateway = await startGateway(runtime).catch(async (error: unknown) => {
      await scheduler.close();
      await worker.close();
      await runtime.close();
      await redis.stop();
      throw error;
    });
    const where =
      config.database.kind === 'pglite' ? `embedded database in ${config.database.dataDir}` : 'PostgreSQL';
    log.info('dev-ready', {
      open: `http://localhost:${gateway.port}`,
      database: where,
      note: 'no API key needed in dev; press Ctrl+C to stop',
    });
    return untilSignalled(log, async () => {
      await gateway.close();
      await scheduler.close();
      await worker.close();
      await runtime.close();
      await redis.stop();
    });
  },
};

export const gatewayCommand: CliCommand = {
  name: 'gateway',
  summary: 'Run the HTTP gateway: REST API, platform receivers, /health and /metrics.',
  usage: 'chatops gateway',
  async run(_args, env) {
    const config = loadConfig(env, 'gateway');
    const log = loggerFor(config);
    const runtime = await serviceRuntime(config, log, true);
    const gateway = await startGateway(runtime);
    return untilSignalled(log, async () => {
      await gateway.close();
      await runtime.close();
    });
  },
};

export const workerCommand: CliCommand = {
  name: 'worker',
  summary:
    'Run queue workers: the supervisor, skills and replies (health and metrics on WORKER_METRICS_PORT).',
  usage: 'chatops worker',
  async run(_args, env) {
    const config = loadConfig(env, 'worker');
    const log = loggerFor(config);
    const runtime = await serviceRuntime(config, log, false);
    const worker = startWorker(runtime);
    await worker.ready;
    const probe = await startWorkerProbe(runtime);
    return untilSignalled(log, async () => {
      await worker.close();
      await probe.close();
      await runtime.close();
    });
  },
};

/**
 * Gateways and workers on PostgreSQL do not migrate on their own (several replicas would race); they refuse
 * to start on an outdated schema instead. The embedded database has one process and migrates itself.
 */
export async function serviceRuntime(config: Config, log: Logger, subscribeLive: boolean): Promise<Runtime> {
  const embedded = config.database.kind === 'pglite';
  const runtime = await createRuntime(config, log, { subscribeLive, migrate: embedded });
  if (!embedded) {
    const pending = await runtime.database.orm.migrator.getPending();
    if (pending.length > 0) {
      await runtime.close();
      throw new ChatOpsError(
        'CONFIG_INVALID',
        `The database schema is ${pending.length} migration(s) behind.`,
        {
          remedy: 'Run `chatops migrate` once (e.g. as a deploy job), then start this process again.',
        },
      );
    }
  }
  return runtime;
}

export function loggerFor(config: Config): Logger {
  return createLogger({ level: config.log.level, format: config.log.format }, { mode: config.mode });
}
