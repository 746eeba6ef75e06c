// The gateway part of the composition root: health checks, the REST API, MCP, Slack and Teams receivers,
// the web chat, all on one HTTP server.
import type { Server } from 'node:http';
import { presentMessage, WebReceiver, webChatHandler } from '../../adapters/web/index.ts';
import { createModel, mcpHealthCheck } from '../agent/agent-setup.ts';
import type { Intake } from '../core/ports.ts';
import { RedisRateLimiter } from '../http/rate-limit.ts';
import { RouteTable } from '../http/route-table.ts';
import { actionRoutes } from '../http/routes/api-actions.ts';
import { approvalRoutes } from '../http/routes/api-approvals.ts';
import type { ApiDependencies } from '../http/routes/api-dependencies.ts';
import { digestRoutes } from '../http/routes/api-digests.ts';
import { knowledgeRoutes } from '../http/routes/api-knowledge.ts';
import { messageRoutes } from '../http/routes/api-messages.ts';
import { streamRoutes } from '../http/routes/api-stream.ts';
import { taskRoutes } from '../http/routes/api-tasks.ts';
import { workflowRoutes } from '../http/routes/api-workflows.ts';
import { githubWebhookRoutes } from '../http/routes/github-webhook.ts';
import { type HealthCheck, healthRoutes } from '../http/routes/health.ts';
import { metricsRoutes } from '../http/routes/metrics.ts';
import { closeServer, createGatewayServer, listen } from '../http/server.ts';
import { TaskIntake } from '../intake/task-intake.ts';
import type { Runtime } from '../main.ts';
import { mcpMount } from '../mcp/server-http.ts';
import type { SkillServerDependencies } from '../mcp/server-tools.ts';
import { VERSION } from '../version.ts';
import { digestDependencies, operatorDigests } from './digests.ts';
import { slackDescription, slackReceiver } from './slack.ts';
import { teamsRoute } from './teams.ts';

export function healthChecks(runtime: Runtime): HealthCheck[] {
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
  const intake = new TaskIntake(runtime.ledger, runtime.queue, runtime.metrics, runtime.log);
  const api: ApiDependencies = {
    intake,
    web: new WebReceiver({ intake, messages: runtime.messages, live: runtime.live }),
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
    audit: runtime.audit,
    metrics: runtime.metrics,
    maxBodyBytes: config.http.maxBodyBytes,
    log: runtime.log,
    present: presentMessage,
  };
  const digests = digestDependencies(runtime, api.intake);
  const table = new RouteTable()
    .add(...healthRoutes(VERSION, healthChecks(runtime)), ...metricsRoutes(runtime.metrics.registry))
    .add(...messageRoutes(api), ...taskRoutes(api), ...actionRoutes(api), ...streamRoutes(api))
    .add(...approvalRoutes(api, runtime.approvalsEngine.query))
    .add(...digestRoutes(api, (operator) => operatorDigests(digests, operator)))
    .add(
      ...workflowRoutes(api, {
        list: (tenantId, filter) => runtime.workflows.list(tenantId, filter),
        view: (id, tenantId) => runtime.workflows.view(id, tenantId),
        cancel: (id, by) => runtime.workflows.cancel(id, by),
      }),
    )
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
      ...skillServerDependencies(runtime, api.intake),
      auth: api.auth,
      maxBodyBytes: config.http.maxBodyBytes,
      rateLimiter: api.rateLimiter,
    }),
  );
  if (config.deploy.webhookSecret) {
    table.add(
      ...githubWebhookRoutes({
        secret: config.deploy.webhookSecret,
        maxBodyBytes: Math.max(config.http.maxBodyBytes, 1_048_576),
        signal: (key, payload, dedupeKey) => runtime.workflows.signal(key, payload, dedupeKey),
        log: runtime.log,
      }),
    );
  }
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

/** What the bot's MCP server (over HTTP here, over stdio in `chatops mcp serve`) runs skills with. */
export function skillServerDependencies(runtime: Runtime, intake: Intake): SkillServerDependencies {
  const { mcpServer } = runtime.config.agent;
  return {
    catalog: runtime.catalog,
    intake,
    ledger: runtime.ledger,
    messages: runtime.messages,
    version: VERSION,
    replyTo: { platform: mcpServer.replyPlatform, channel: mcpServer.replyChannel },
    waitMs: mcpServer.waitMs,
    log: runtime.log,
  };
}
