import type { Redis } from 'ioredis';
import type * as TeamsAdapter from '../adapters/teams/index.ts';
import { storedDeliverySender } from '../adapters/web/index.ts';
import { skills as installedSkills } from '../skills/index.ts';
import { createModel } from './agent/agent-setup.ts';
import { ApprovalsEngine } from './agent/approvals/engine.ts';
import { ApprovalPolicy } from './agent/approvals/policy.ts';
import type { Config } from './config/load-config.ts';
import type { ApprovalsPort } from './core/approvals.ts';
import type { ChannelMembersPort } from './core/channels.ts';
import type { Logger, Sender } from './core/ports.ts';
import type { SchedulesPort } from './core/schedules.ts';
import type { Skill, SystemInfo } from './core/skill.ts';
import { SkillCatalog } from './core/skill-catalog.ts';
import type { Platform, Task } from './core/task.ts';
import { ApiKeys } from './db/api-keys.ts';
import { AuditLog } from './db/audit-log.ts';
import { PostedChannelMembers } from './db/channel-members.ts';
import { type Database, openDatabase } from './db/database.ts';
import { Directory } from './db/directory.ts';
import { MessageStore } from './db/message-store.ts';
import { ScheduleStore } from './db/schedule-store.ts';
import { TaskLedger } from './db/task-ledger.ts';
import { JiraService } from './integrations/jira/service.ts';
import { KnowledgeService } from './knowledge/service.ts';
import type { SafeFetchOptions } from './knowledge/sources/safe-fetch.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { Deployments } from './provisioning/deployments.ts';
import { BullApprovalTimers } from './queue/approval-timers.ts';
import { RedisLiveEvents } from './queue/live-events.ts';
import { createRedis, waitForRedis } from './queue/redis.ts';
import { BullTaskQueue } from './queue/task-queue.ts';
import { schedulesPort } from './scheduler/schedules-port.ts';
import { VERSION } from './version.ts';
import { createSlackRuntime, type SlackRuntime } from './wiring/slack.ts';
import { teamsSender } from './wiring/teams.ts';
import { createWorkflowEngine } from './wiring/workflows.ts';
import type { WorkflowEngine } from './workflows/engine.ts';
import { workflowsPortFor } from './workflows/port.ts';

/** The composition root: the only place concrete services are built and wired together. */
export interface Runtime {
  readonly config: Config;
  readonly log: Logger;
  readonly database: Database;
  readonly ledger: TaskLedger;
  readonly messages: MessageStore;
  readonly directory: Directory;
  readonly apiKeys: ApiKeys;
  /** The append-only audit log. */
  readonly audit: AuditLog;
  readonly schedules: ScheduleStore;
  readonly redis: Redis;
  readonly queue: BullTaskQueue;
  readonly live: RedisLiveEvents;
  readonly metrics: Metrics;
  readonly catalog: SkillCatalog;
  readonly system: SystemInfo;
  readonly senders: Map<Platform, Sender>;
  /** The Teams adapter, loaded only when Teams is configured. */
  readonly teams: typeof TeamsAdapter | null;
  /** The approvals engine: requests, decisions, continuations, expiry and listings. */
  readonly approvalsEngine: ApprovalsEngine;
  /** The approvals port per task: the engine's, or a fake a test passed in. */
  readonly approvals: (task: Task) => ApprovalsPort;
  /** The Slack adapter, its clients and ports, loaded only when Slack is configured. */
  readonly slack: SlackRuntime | null;
  readonly knowledge: KnowledgeService;
  /** Jira analytics (snapshot, sync, reports); null when JIRA_HOST is unset. */
  readonly jira: JiraService | null;
  /** Who is in a channel (web/API: who posted there; Slack: conversations.members; others unknown). */
  readonly channelMembers: ChannelMembersPort;
  /** The schedules port (checked definitions, next fire times) for skills, adapters and the REST API. */
  readonly scheduling: SchedulesPort;
  /** Durable workflows: start, read, cancel and signal runs here; workers run their steps. */
  readonly workflows: WorkflowEngine;
  /** Deployment executors, environment locks and the cluster inventory (`/deploy-cluster`). */
  readonly deployments: Deployments;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Skills to install (tests add their own); defaults to skills/index.ts. */
  skills?: readonly Skill[];
  /** Gateways relay live events to browsers and need a subscriber connection. */
  subscribeLive: boolean;
  migrate: boolean;
  approvals?: (task: Task) => ApprovalsPort;
  /** Download overrides for the knowledge base (tests inject a resolver and an address policy). */
  knowledgeDownload?: Partial<SafeFetchOptions>;
  /** Channel membership per platform (Slack's conversations.members); web/API needs none. */
  channelMembers?: ReadonlyMap<Platform, ChannelMembersPort>;
  schedules?: SchedulesPort;
  /** The deployments engine (tests pass one with an executor of their own). */
  deployments?: Deployments;
}

/**
 * The catalog of the skills this build installs (skills/index.ts): what the CLI checks commands against
 * (e.g. `chatops schedule add`) when it runs without a runtime.
 */
export function installedCatalog(): SkillCatalog {
  return new SkillCatalog(installedSkills);
}

export async function createRuntime(config: Config, log: Logger, options: RuntimeOptions): Promise<Runtime> {
  const catalog = new SkillCatalog(options.skills ?? installedSkills);
  // A bad policy file stops start-up before anything is opened, with every problem named.
  const approvalPolicy = ApprovalPolicy.load(config.approvals.policyPath);
  const database = await openDatabase(config.database);
  const closers: (() => Promise<unknown>)[] = [() => database.close()];
  const closeAll = async () => {
    for (const close of closers.reverse())
      await close().catch((error: unknown) => log.warn('close-failed', { error }));
  };
  try {
    if (options.migrate) {
      const applied = await database.migrate();
      if (applied.length > 0) log.info('migrations-applied', { migrations: applied });
    }
    const redis = createRedis(config.redis.url, 'producer');
    redis.on('error', (error) => log.debug('redis-error', { error: error.message }));
    closers.push(async () => redis.quit());
    await waitForRedis(redis);
    const subscriber = options.subscribeLive ? createRedis(config.redis.url, 'subscriber') : null;
    if (subscriber) closers.push(async () => subscriber.quit());
    const queue = new BullTaskQueue(redis, {
      name: config.queue.name,
      prefix: config.queue.prefix,
      maxAttempts: config.queue.maxAttempts,
      backoffMs: config.queue.backoffMs,
    });
    closers.push(() => queue.close());
    const teams = config.teams.enabled ? await import('../adapters/teams/index.ts') : null;
    const slack = await createSlackRuntime(config, database, redis, log);
    const audit = new AuditLog(database);
    const scheduleStore = new ScheduleStore(database, audit);
    const directory = new Directory(database, audit);
    await directory.ensureTenant(config.tenant.defaultId, config.tenant.defaultId, 'api');
    const base = {
      config,
      log,
      database,
      ledger: new TaskLedger(database),
      messages: new MessageStore(database),
      directory,
      apiKeys: new ApiKeys(database, audit),
      audit,
      schedules: scheduleStore,
      redis,
      queue,
      live: new RedisLiveEvents(redis, subscriber, config.queue.prefix, log),
      metrics: createMetrics({ queueDepth: () => queue.depth() }),
      catalog,
      system: {
        version: VERSION,
        mode: config.mode === 'cli' ? 'dev' : config.mode,
        database: database.kind,
        startedAt: new Date(),
        languageModel: config.llm.anthropicApiKey ? config.agent.model : null,
        queueDepth: () => queue.depth(),
      },
      senders: new Map<Platform, Sender>([
        ['api', storedDeliverySender('api')],
        ...(teams ? [teamsSender(teams, config, database, log)] : []),
        ...(slack ? [['slack', slack.sender] as [Platform, Sender]] : []),
      ]),
      teams,
      slack,
      knowledge: new KnowledgeService({
        database,
        config: config.knowledge,
        log,
        ...(options.knowledgeDownload ? { download: options.knowledgeDownload } : {}),
      }),
      jira: config.jira ? new JiraService({ database, config: config.jira, log }) : null,
      channelMembers: new PostedChannelMembers(
        database,
        options.channelMembers ?? new Map(slack ? [['slack', slack.channelMembers] as const] : []),
      ),
      scheduling: options.schedules ?? schedulesPort(scheduleStore, catalog),
      close: closeAll,
    };
    const timers = new BullApprovalTimers(redis, config.queue.prefix);
    closers.push(() => timers.close());
    // The approvals engine and the workflow engine know each other through two narrow hooks: workflows
    // post requests through the gate, and approvals that end without a grant are signalled back.
    let workflows: WorkflowEngine | null = null;
    // The engine reaches every platform through the senders map (adapters added to it later included).
    const approvalsEngine = new ApprovalsEngine({
      ...base,
      audit,
      timers,
      policy: approvalPolicy,
      onSettled: async (settled) => {
        const { approvalId, status, ...detail } = settled;
        await workflows?.approvalSettled(approvalId, status, detail);
      },
    });
    const deployments = options.deployments ?? new Deployments(config, database);
    const workflowParts = createWorkflowEngine({
      ...base,
      llm: createModel(config, log, base.metrics.registry),
      approvals: () => approvalsEngine,
      extraServices: (run) => ({
        deployments: deployments.portFor(run.tenantId),
        workflows: workflowsPortFor(workflowParts.engine, run.origin, {
          id: run.origin.user.id,
          name: run.origin.user.name ?? run.origin.user.id,
          roles: () => directory.rolesOf(run.tenantId, run.origin.platform, run.origin.user.id),
        }),
      }),
    });
    workflows = workflowParts.engine;
    closers.push(() => workflowParts.queue.close());
    const runtime: Runtime = {
      ...base,
      approvalsEngine,
      approvals: options.approvals ?? ((task) => approvalsEngine.portFor(task)),
      workflows: workflowParts.engine,
      deployments,
    };
    return runtime;
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The workflow definitions of the installed skills (the CLI reads runs with their steps' labels). */
export function installedWorkflows(skills: readonly Skill[] = installedSkills) {
  return skills.flatMap((skill) => skill.workflows ?? []);
}

export { gatewayRoutes, skillServerDependencies, startGateway } from './wiring/gateway.ts';
export { startScheduler, startWorker, startWorkerProbe, workerServices } from './wiring/worker.ts';
