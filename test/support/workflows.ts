import { Redis } from 'ioredis';
import { storedDeliverySender } from '../../adapters/web/sender.ts';
import type { ApprovalRequest, ApprovalTicket } from '../../src/core/approvals.ts';
import type { Task } from '../../src/core/task.ts';
import type { WorkflowDefinition, WorkflowRunView } from '../../src/core/workflow-definition.ts';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { MessageStore } from '../../src/db/message-store.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { RedisLiveEvents } from '../../src/queue/live-events.ts';
import { WorkflowEngine, type WorkflowEngineOptions } from '../../src/workflows/engine.ts';
import { ProgressBoard } from '../../src/workflows/progress-board.ts';
import { startWorkflowWorker, WorkflowQueue } from '../../src/workflows/queue.ts';
import { WorkflowRegistry } from '../../src/workflows/registry.ts';
import { StepRunner } from '../../src/workflows/step-runner.ts';
import { apiTask } from '../fixtures/tasks.ts';
import { clearRedisPrefix, createTestDatabase, eventually, REDIS_URL, uniqueName } from './services.ts';

export type DatabaseKind = 'postgresql' | 'pglite';

export interface WorkflowTestbed {
  database: Database;
  engine: WorkflowEngine;
  messages: MessageStore;
  /** Starts a queue worker (several may run, as several processes would); returns how to stop it. */
  startWorker(options?: { concurrency?: number; pause?: WorkflowEngineOptions['pause'] }): {
    close(force?: boolean): Promise<void>;
  };
  /** A fresh origin task (an API message in its own thread). */
  origin(): Task;
  /** Waits until the run has ended and returns it. */
  finished(runId: string, timeoutMs?: number): Promise<WorkflowRunView>;
  close(): Promise<void>;
}

/**
 * The workflow engine on a real database (a fresh PostgreSQL database, or in-memory PGlite) and real Redis
 * under a fresh prefix, with short queue locks so a "killed" worker's step is taken over within seconds.
 */
export async function workflowTestbed(
  kind: DatabaseKind,
  // biome-ignore lint/suspicious/noExplicitAny: test definitions have their own input types
  definitions: WorkflowDefinition<any>[],
  options: { gate?: (origin: Task, request: ApprovalRequest) => Promise<ApprovalTicket> } = {},
): Promise<WorkflowTestbed> {
  const server = kind === 'postgresql' ? await createTestDatabase() : null;
  const database = await openDatabase(
    server ? { kind: 'postgresql', url: server.url, poolMax: 8 } : { kind: 'pglite', dataDir: 'memory://' },
  );
  await database.migrate();
  const prefix = uniqueName('wf');
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const messages = new MessageStore(database);
  const live = new RedisLiveEvents(redis, null, prefix, silentLogger);
  const queue = new WorkflowQueue(redis, { prefix });
  const workers: { close(force?: boolean): Promise<void> }[] = [];
  const connections: Redis[] = [redis];
  const base: Omit<WorkflowEngineOptions, 'pause'> = {
    database,
    registry: new WorkflowRegistry(definitions),
    queue,
    board: new ProgressBoard({
      messages,
      senders: new Map([['api', storedDeliverySender('api')]]),
      live,
      log: silentLogger,
    }),
    ...(options.gate ? { gate: { request: options.gate } } : {}),
    services: () => ({ llm: null }),
    log: silentLogger,
    effectSettleMs: 0,
  };
  const engine = new WorkflowEngine(base);
  return {
    database,
    engine,
    messages,
    startWorker(workerOptions = {}) {
      const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      connections.push(connection);
      const own = workerOptions.pause ? new WorkflowEngine({ ...base, pause: workerOptions.pause }) : engine;
      const runner = new StepRunner(own);
      const worker = startWorkflowWorker(
        connection,
        {
          prefix,
          concurrency: workerOptions.concurrency ?? 16,
          lockDurationMs: 1500,
          stalledIntervalMs: 500,
        },
        (job) => runner.handle(job),
        silentLogger,
      );
      workers.push(worker);
      return worker;
    },
    origin: () => apiTask(uniqueName('wf-origin')),
    finished: (runId, timeoutMs = 30_000) =>
      eventually(
        async () => {
          const view = await engine.view(runId);
          return view?.finishedAt ? view : null;
        },
        timeoutMs,
        `workflow run ${runId} to end`,
      ),
    async close() {
      for (const worker of workers) await worker.close(true).catch(() => {});
      await queue.close();
      for (const connection of connections) connection.disconnect();
      await database.close();
      await clearRedisPrefix(prefix);
      await server?.drop();
    },
  };
}
