// The worker part of the composition root: the services a task runs with, the queue worker and its sweepers,
// the scheduler, and the worker's own /health and /metrics.

import { createAgentParts } from '../agent/agent-setup.ts';
import type { Agent } from '../agent/supervisor/agent.ts';
import { RouteTable } from '../http/route-table.ts';
import { healthRoutes } from '../http/routes/health.ts';
import { metricsRoutes } from '../http/routes/metrics.ts';
import { closeServer, createGatewayServer, listen } from '../http/server.ts';
import { TaskIntake } from '../intake/task-intake.ts';
import { jiraPortFor } from '../integrations/jira/port.ts';
import { knowledgePortFor } from '../knowledge/port.ts';
import type { Runtime } from '../main.ts';
import { startApprovalTimerWorker } from '../queue/approval-timers.ts';
import { createRedis } from '../queue/redis.ts';
import { startStaleTaskSweeper } from '../queue/stale-task-sweeper.ts';
import { startTaskWorker } from '../queue/task-worker.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { VERSION } from '../version.ts';
import { abandonTask } from '../worker/abandon-task.ts';
import { processTask, type WorkerServices } from '../worker/process-task.ts';
import { workflowsPortFor } from '../workflows/port.ts';
import { digestDependencies, digestsForTask } from './digests.ts';
import { healthChecks } from './gateway.ts';
import { startWorkflowWorkers } from './workflows.ts';

export function workerServices(runtime: Runtime, agent: Agent): WorkerServices {
  const jira = runtime.jira;
  const digests = digestDependencies(
    runtime,
    new TaskIntake(runtime.ledger, runtime.queue, runtime.metrics, runtime.log),
  );
  return {
    digests: (task) => digestsForTask(runtime, digests, task),
    agent,
    approvals: runtime.approvals,
    continuations: runtime.approvalsEngine.continuations,
    knowledge: (task, caller, llm) =>
      knowledgePortFor(
        {
          service: runtime.knowledge,
          members: runtime.channelMembers,
          messages: runtime.messages,
          database: runtime.database,
          fileHeaders: async (task, url) =>
            task.platform === 'slack' ? runtime.slack?.clients.fileHeaders(task.tenantId, url) : undefined,
        },
        task,
        caller,
        llm,
      ),
    workflows: (task, caller) => workflowsPortFor(runtime.workflows, task, caller),
    deployments: (task) => runtime.deployments.portFor(task.tenantId),
    ...(jira ? { jira: (task) => jiraPortFor(jira, task) } : {}),
    ledger: runtime.ledger,
    messages: runtime.messages,
    directory: runtime.directory,
    senders: runtime.senders,
    catalog: runtime.catalog,
    system: runtime.system,
    live: runtime.live,
    metrics: runtime.metrics,
    clock: { now: () => new Date() },
    log: runtime.log,
  };
}

/**
 * Starts the queue worker (its own Redis connection, as BullMQ's blocking reads require), the sweeper, and
 * the supervisor with its MCP connections; `ready` resolves once each MCP server was tried once.
 */
export function startWorker(runtime: Runtime): { close(): Promise<void>; ready: Promise<void> } {
  const { config } = runtime;
  const connection = createRedis(config.redis.url, 'worker');
  connection.on('error', (error) => runtime.log.debug('redis-error', { error: error.message }));
  const agent = createAgentParts({
    config,
    database: runtime.database,
    catalog: runtime.catalog,
    registry: runtime.metrics.registry,
    log: runtime.log,
    connectMcp: true,
  });
  const services = workerServices(runtime, agent.agent);
  const worker = startTaskWorker(
    connection,
    {
      name: config.queue.name,
      prefix: config.queue.prefix,
      concurrency: config.worker.concurrency,
      lockDurationMs: config.queue.lockDurationMs,
      stalledIntervalMs: config.queue.stalledIntervalMs,
      shutdownTimeoutMs: config.worker.shutdownTimeoutMs,
    },
    (task, attempt) => processTask(task, services, attempt),
    runtime.log,
  );
  const stopSweeper = startStaleTaskSweeper(
    {
      ledger: runtime.ledger,
      queue: runtime.queue,
      log: runtime.log,
      abandon: (stale, error) => abandonTask(runtime, stale, error),
    },
    { intervalMs: 30_000, olderThanSeconds: 60 },
  );
  const timerConnection = createRedis(config.redis.url, 'worker');
  timerConnection.on('error', (error) => runtime.log.debug('redis-error', { error: error.message }));
  const { expiry } = runtime.approvalsEngine;
  const timers = startApprovalTimerWorker(
    timerConnection,
    config.queue.prefix,
    (id) => expiry.expire(id),
    runtime.log,
  );
  const stopApprovalSweeper = expiry.startSweeper(config.approvals.sweepIntervalMs);
  const workflows = startWorkflowWorkers(runtime.workflows, config, runtime.log);
  runtime.log.info('worker-started', {
    concurrency: config.worker.concurrency,
    skills: runtime.catalog.skills.map((skill) => skill.id),
  });
  return {
    ready: agent.ready,
    async close() {
      stopSweeper();
      stopApprovalSweeper();
      await worker.close();
      await workflows.close();
      await timers.close();
      await agent.close();
      await connection.quit().catch(() => {});
      await timerConnection.quit().catch(() => {});
    },
  };
}

/**
 * Starts the scheduler: schedules become tasks through the same intake as every receiver (record once,
 * enqueue with the derived job id), so any number of scheduler replicas fire each schedule once.
 */
export async function startScheduler(runtime: Runtime): Promise<{ close(): Promise<void> }> {
  const scheduler = new Scheduler({
    store: runtime.schedules,
    intake: new TaskIntake(runtime.ledger, runtime.queue, runtime.metrics, runtime.log),
    log: runtime.log.child({ component: 'scheduler' }),
    reloadIntervalMs: runtime.config.scheduler.reloadIntervalMs,
    catchUpWindowMs: runtime.config.scheduler.catchUpWindowMs,
  });
  await scheduler.start();
  runtime.log.info('scheduler-started', { schedules: scheduler.armedCount });
  return { close: () => scheduler.close() };
}

/** `chatops worker` serves its own /health and /metrics, for probes and Prometheus. */
export async function startWorkerProbe(runtime: Runtime): Promise<{ close(): Promise<void> }> {
  const table = new RouteTable().add(
    ...healthRoutes(VERSION, healthChecks(runtime)),
    ...metricsRoutes(runtime.metrics.registry),
  );
  const server = createGatewayServer(table, runtime.log);
  await listen(server, runtime.config.worker.metricsPort, runtime.config.http.host);
  return { close: () => closeServer(server) };
}
