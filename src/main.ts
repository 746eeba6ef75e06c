import type { Server } from 'node:http';
import type { Redis } from 'ioredis';
import type * as TeamsAdapter from '../adapters/teams/index.ts';
import { presentMessage } from '../adapters/web/present.ts';
import { webChatHandler } from '../adapters/web/static-files.ts';
import { skills as installedSkills } from '../skills/index.ts';
import type { Agent } from './agent/agent.ts';
import { createAgentParts, createModel, mcpHealthCheck } from './agent/agent-setup.ts';
import { ApprovalsEngine } from './agent/approvals-engine.ts';
import { ApprovalPolicy } from './agent/approvals-policy.ts';
import { processTask, type WorkerServices } from './agent/process-task.ts';
import { KeywordRouter } from './agent/router.ts';
import { storedDeliverySender } from './agent/stored-delivery-sender.ts';
import type { Config } from './config/load-config.ts';
import type { ApprovalsPort } from './core/approvals.ts';
import type { ChannelMembersPort } from './core/channels.ts';
import type { Intake, Logger, Sender } from './core/ports.ts';
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
import { TeamsContactStore } from './db/teams-contacts.ts';
import { RedisRateLimiter } from './http/rate-limit.ts';
import { type Route, RouteTable } from './http/router.ts';
import { actionRoutes } from './http/routes/api-actions.ts';
import { approvalRoutes } from './http/routes/api-approvals.ts';
import type { ApiDependencies } from './http/routes/api-dependencies.ts';
import { knowledgeRoutes } from './http/routes/api-knowledge.ts';
import { messageRoutes } from './http/routes/api-messages.ts';
import { streamRoutes } from './http/routes/api-stream.ts';
import { taskRoutes } from './http/routes/api-tasks.ts';
import { type HealthCheck, healthRoutes } from './http/routes/health.ts';
import { metricsRoutes } from './http/routes/metrics.ts';
import { closeServer, createGatewayServer, listen } from './http/server.ts';
import { TaskIntake } from './intake/task-intake.ts';
import { knowledgePortFor } from './knowledge/port.ts';
import { KnowledgeService } from './knowledge/service.ts';
import type { SafeFetchOptions } from './knowledge/sources/safe-fetch.ts';
import { mcpMount } from './mcp/server-http.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { BullApprovalTimers, startApprovalTimerWorker } from './queue/approval-timers.ts';
import { RedisLiveEvents } from './queue/live-events.ts';
import { createRedis, waitForRedis } from './queue/redis.ts';
import { startStaleTaskSweeper } from './queue/stale-task-sweeper.ts';
import { BullTaskQueue } from './queue/task-queue.ts';
import { startTaskWorker } from './queue/task-worker.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { schedulesPort } from './scheduler/schedules-port.ts';
import { VERSION } from './version.ts';
import { createSlackRuntime, type SlackRuntime, slackDescription, slackReceiver } from './wiring/slack.ts';

/** The composition root: the only place concrete services are built and wired together. */
export interface Runtime {
  readonly config: Config;
  readonly log: Logger;
  readonly database: Database;
  readonly ledger: TaskLedger;
  readonly messages: MessageStore;
  readonly directory: Directory;
  readonly apiKeys: ApiKeys;
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
  /** Who is in a channel (web/API: who posted there; Slack: conversations.members; others unknown). */
  readonly channelMembers: ChannelMembersPort;
  /** The schedules port (checked definitions, next fire times) for skills, adapters and the REST API. */
  readonly scheduling: SchedulesPort;
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
      channelMembers: new PostedChannelMembers(
        database,
        options.channelMembers ?? new Map(slack ? [['slack', slack.channelMembers] as const] : []),
      ),
      scheduling: options.schedules ?? schedulesPort(scheduleStore),
      close: closeAll,
    };
    const timers = new BullApprovalTimers(redis, config.queue.prefix);
    closers.push(() => timers.close());
    // The engine reaches every platform through the senders map (adapters added to it later included).
    const approvalsEngine = new ApprovalsEngine({ ...base, audit, timers, policy: approvalPolicy });
    const runtime: Runtime = {
      ...base,
      approvalsEngine,
      approvals: options.approvals ?? ((task) => approvalsEngine.portFor(task)),
    };
    return runtime;
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function teamsSender(
  teams: typeof TeamsAdapter,
  config: Config,
  database: Database,
  log: Logger,
): [Platform, Sender] {
  const contacts = new TeamsContactStore(database);
  return ['teams', new teams.TeamsSender({ settings: config.teams, log, contacts })];
}

/** POST /api/messages: the Teams receiver (Bot Framework activities), on when Teams is configured. */
function teamsRoute(teams: typeof TeamsAdapter, runtime: Runtime, intake: Intake): Route {
  const sender = runtime.senders.get('teams');
  if (!sender) throw new Error('the Teams sender is missing while Teams is enabled');
  const receiver = new teams.TeamsReceiver({
    settings: runtime.config.teams,
    intake,
    catalog: runtime.catalog,
    messages: runtime.messages,
    sender,
    contacts: new TeamsContactStore(runtime.database),
    defaultTenantId: runtime.config.tenant.defaultId,
    maxBodyBytes: runtime.config.http.maxBodyBytes,
    log: runtime.log.child({ platform: 'teams' }),
    onAcknowledged: (seconds) => runtime.metrics.ackLatency.observe({ platform: 'teams' }, seconds),
  });
  return {
    method: 'POST',
    path: teams.TEAMS_ENDPOINT,
    handler: ({ req, res }) => receiver.handleHttp(req, res),
  };
}

function healthChecks(runtime: Runtime): HealthCheck[] {
  return [
    {
      name: 'database',
      run: async () => {
        await runtime.database.ping();
        return { kind: runtime.database.kind };
      },
    },
    {
      name: 'redis',
      run: async () => {
        await runtime.redis.ping();
        return undefined;
      },
    },
    { name: 'queue', run: async () => ({ depth: await runtime.queue.depth() }) },
    ...(runtime.config.agent.mcpConfigPath ? [mcpHealthCheck(runtime.database)] : []),
  ];
}

/** The gateway's routes: health, metrics, the REST API, and in dev the web chat. */
export function gatewayRoutes(runtime: Runtime): RouteTable {
  return gatewayParts(runtime).table;
}

function gatewayParts(runtime: Runtime): {
  table: RouteTable;
  slack: { start(): Promise<void>; stop(): Promise<void> } | null;
} {
  const { config } = runtime;
  const api: ApiDependencies = {
    intake: new TaskIntake(runtime.ledger, runtime.queue, runtime.metrics, runtime.log),
    ledger: runtime.ledger,
    messages: runtime.messages,
    live: runtime.live,
    rateLimiter: new RedisRateLimiter(runtime.redis, {
      prefix: config.queue.prefix,
      limit: config.http.rateLimitPerMinute,
      log: runtime.log,
    }),
    auth: {
      required: config.http.requireApiKey,
      defaultTenant: config.tenant.defaultId,
      keys: runtime.apiKeys,
    },
    metrics: runtime.metrics,
    maxBodyBytes: config.http.maxBodyBytes,
    log: runtime.log,
    present: presentMessage,
  };
  const table = new RouteTable()
    .add(...healthRoutes(VERSION, healthChecks(runtime)), ...metricsRoutes(runtime.metrics.registry))
    .add(...messageRoutes(api), ...taskRoutes(api), ...actionRoutes(api), ...streamRoutes(api))
    .add(...approvalRoutes(api, runtime.approvalsEngine.query))
    .add(
      ...knowledgeRoutes({
        api,
        service: runtime.knowledge,
        members: runtime.channelMembers,
        schedules: runtime.scheduling,
        llm: createModel(config, runtime.log, runtime.metrics.registry),
      }),
    );
  table.mount(
    mcpMount({
      catalog: runtime.catalog,
      intake: api.intake,
      ledger: runtime.ledger,
      messages: runtime.messages,
      version: VERSION,
      replyTo: {
        platform: config.agent.mcpServer.replyPlatform,
        channel: config.agent.mcpServer.replyChannel,
      },
      waitMs: config.agent.mcpServer.waitMs,
      log: runtime.log,
      auth: api.auth,
      maxBodyBytes: config.http.maxBodyBytes,
    }),
  );
  if (runtime.teams) table.add(teamsRoute(runtime.teams, runtime, api.intake));
  const slack = runtime.slack
    ? slackReceiver({
        slack: runtime.slack,
        config,
        database: runtime.database,
        redis: runtime.redis,
        intake: api.intake,
        catalog: runtime.catalog,
        messages: runtime.messages,
        directory: runtime.directory,
        metrics: runtime.metrics,
        log: runtime.log,
        approvalsQuery: runtime.approvalsEngine.query,
        schedules: runtime.scheduling,
      })
    : null;
  if (slack) table.add(...slack.routes);
  if (config.http.webChat) table.mount({ prefix: '/', handler: webChatHandler() });
  return { table, slack: slack?.receiver.socketMode ? slack.receiver : null };
}

export async function startGateway(
  runtime: Runtime,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const parts = gatewayParts(runtime);
  const server = createGatewayServer(parts.table, runtime.log);
  const port = await listen(server, runtime.config.http.port, runtime.config.http.host);
  const { teams, slack } = runtime.config;
  runtime.log.info('gateway-listening', {
    url: `http://${runtime.config.http.host}:${port}`,
    platforms: ['api', ...(teams.enabled ? ['teams'] : []), ...(slack.enabled ? ['slack'] : [])],
  });
  runtime.log.info('platforms-enabled', {
    api: 'REST API /api/v1',
    teams: teams.enabled
      ? `POST /api/messages${teams.credentials ? '' : ' (unauthenticated)'}`
      : 'off (set TEAMS_APP_ID)',
    slack: slack.enabled
      ? slackDescription(runtime.config)
      : 'off (set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN)',
  });
  await parts.slack?.start();
  if (teams.enabled && !teams.credentials) {
    runtime.log.warn('teams-unauthenticated', {
      warning: `TEAMS_APP_ID is unset: /api/messages ACCEPTS UNAUTHENTICATED ACTIVITIES (like the Bot Framework Emulator). Local use only; never expose this port.`,
    });
  }
  return {
    server,
    port,
    async close() {
      await parts.slack?.stop();
      await closeServer(server);
    },
  };
}

export function workerServices(runtime: Runtime, agent?: Agent): WorkerServices {
  return {
    ...(agent ? { agent } : {}),
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
    ledger: runtime.ledger,
    messages: runtime.messages,
    directory: runtime.directory,
    senders: runtime.senders,
    catalog: runtime.catalog,
    router: new KeywordRouter(),
    llm: null,
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
  const stopSweeper = startStaleTaskSweeper(runtime.ledger, runtime.queue, runtime.log, {
    intervalMs: 30_000,
    olderThanSeconds: 60,
  });
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
