// The workflows part of the composition root: the engine every process shares (start, cancel, signal,
// read), its approval gate on the approvals engine, and the queue worker and sweeper workers run.
import type { Redis } from 'ioredis';
import type { ApprovalsEngine } from '../agent/approvals/engine.ts';
import type { Config } from '../config/load-config.ts';
import type { ChannelMembersPort } from '../core/channels.ts';
import type { LanguageModel } from '../core/language-model.ts';
import type { LiveEvents, Logger, Sender } from '../core/ports.ts';
import type { SkillCatalog } from '../core/skill-catalog.ts';
import type { Platform } from '../core/task.ts';
import type { WorkflowServices } from '../core/workflow-definition.ts';
import { AuditLog } from '../db/audit-log.ts';
import type { Database } from '../db/database.ts';
import type { Directory } from '../db/directory.ts';
import type { MessageStore } from '../db/message-store.ts';
import { knowledgePortFor } from '../knowledge/port.ts';
import type { KnowledgeService } from '../knowledge/service.ts';
import { createRedis } from '../queue/redis.ts';
import type { WorkflowApprovalGate } from '../workflows/approval-gate.ts';
import { WorkflowEngine } from '../workflows/engine.ts';
import { ProgressBoard } from '../workflows/progress-board.ts';
import { startWorkflowWorker, WorkflowQueue } from '../workflows/queue.ts';
import { WorkflowRegistry } from '../workflows/registry.ts';
import type { RunRow } from '../workflows/run-store.ts';
import { StepRunner } from '../workflows/step-runner.ts';
import { startWorkflowSweeper } from '../workflows/sweeper.ts';

export interface WorkflowParts {
  config: Config;
  database: Database;
  redis: Redis;
  catalog: SkillCatalog;
  messages: MessageStore;
  senders: ReadonlyMap<Platform, Sender>;
  live: LiveEvents;
  knowledge: KnowledgeService;
  channelMembers: ChannelMembersPort;
  directory: Directory;
  /** The model steps may use (null without ANTHROPIC_API_KEY). */
  llm: LanguageModel | null;
  log: Logger;
  /** Approval requests go through the approvals engine (created before the workflows, see createRuntime). */
  approvals: () => ApprovalsEngine;
  /** Extra ports for steps (the deployments port), bound to a run. */
  extraServices?: (run: RunRow) => Partial<WorkflowServices>;
}

/** The engine and its producer queue, for every process (gateways cancel and signal; workers run steps). */
export function createWorkflowEngine(parts: WorkflowParts): { engine: WorkflowEngine; queue: WorkflowQueue } {
  const definitions = parts.catalog.skills.flatMap((skill) => skill.workflows ?? []);
  const queue = new WorkflowQueue(parts.redis, { prefix: parts.config.queue.prefix });
  const gate: WorkflowApprovalGate = {
    request: (origin, request) => parts.approvals().portFor(origin).request(request),
  };
  const engine = new WorkflowEngine({
    database: parts.database,
    registry: new WorkflowRegistry(definitions),
    queue,
    board: new ProgressBoard({
      messages: parts.messages,
      senders: parts.senders,
      live: parts.live,
      log: parts.log,
    }),
    gate,
    services: (run) => servicesOf(parts, run),
    audit: new AuditLog(parts.database),
    log: parts.log.child({ component: 'workflows' }),
  });
  return { engine, queue };
}

function servicesOf(parts: WorkflowParts, run: RunRow): WorkflowServices {
  const task = run.origin;
  const caller = {
    id: task.user.id,
    name: task.user.name ?? task.user.id,
    roles: () => parts.directory.rolesOf(task.tenantId, task.platform, task.user.id),
  };
  const knowledge = knowledgePortFor(
    {
      service: parts.knowledge,
      members: parts.channelMembers,
      messages: parts.messages,
      database: parts.database,
    },
    task,
    caller,
    parts.llm,
  );
  return { llm: parts.llm, knowledge, ...parts.extraServices?.(run) };
}

/** The workers' side: the queue worker (its own blocking connection) and the lost-job sweeper. */
export function startWorkflowWorkers(
  engine: WorkflowEngine,
  config: Config,
  log: Logger,
): { close(): Promise<void> } {
  const connection = createRedis(config.redis.url, 'worker');
  connection.on('error', (error) => log.debug('redis-error', { error: error.message }));
  const runner = new StepRunner(engine);
  const worker = startWorkflowWorker(
    connection,
    {
      prefix: config.queue.prefix,
      concurrency: config.workflows.concurrency,
      lockDurationMs: config.queue.lockDurationMs,
      stalledIntervalMs: config.queue.stalledIntervalMs,
    },
    (job) => runner.handle(job),
    log,
  );
  const sweepSeconds = Math.max(30, Math.ceil((config.queue.lockDurationMs * 3) / 1000));
  const stopSweeper = startWorkflowSweeper(engine, config.workflows.sweepIntervalMs, sweepSeconds);
  return {
    async close() {
      stopSweeper();
      await worker.close();
      await engine.options.board.flush();
      await connection.quit().catch(() => {});
    },
  };
}
