import type { Redis } from 'ioredis';
import type * as SlackAdapter from '../../adapters/slack/index.ts';
import type { Config } from '../config/load-config.ts';
import type { ApprovalsQuery } from '../core/approvals.ts';
import type { Intake, Logger, Sender } from '../core/ports.ts';
import type { SchedulesPort } from '../core/schedules.ts';
import type { SkillCatalog } from '../core/skill-catalog.ts';
import { PLATFORM_EVENT_MAX_BYTES } from '../core/task-limits.ts';
import type { Database } from '../db/database.ts';
import type { Directory } from '../db/directory.ts';
import type { MessageStore } from '../db/message-store.ts';
import { recentTasksOf, SlackInstallationStore, SlackThreadStore } from '../db/slack-store.ts';
import type { Route } from '../http/route-table.ts';
import type { Metrics } from '../observability/metrics.ts';
import { RedisChannelPacer, RedisRecentClicks } from '../queue/channel-pacer.ts';

/**
 * The Slack adapter's concrete wiring (part of the composition root, in its own file so src/main.ts stays
 * short): tokens from SLACK_BOT_TOKEN or the installations table, the
 * channel pacing and click marks in Redis, the receiver's storage ports, and the gateway routes.
 */
export interface SlackRuntime {
  readonly adapter: typeof SlackAdapter;
  readonly clients: SlackAdapter.SlackClients;
  readonly sender: Sender;
  /** `conversations.members` for the knowledge base (src/core/channels.ts). */
  readonly channelMembers: SlackAdapter.SlackChannelMembers;
  readonly installations: SlackInstallationStore | undefined;
}

export async function createSlackRuntime(
  config: Config,
  database: Database,
  redis: Redis,
  log: Logger,
): Promise<SlackRuntime | null> {
  if (!config.slack.enabled) return null;
  const adapter = await import('../../adapters/slack/index.ts');
  const installations = config.slack.oauth ? new SlackInstallationStore(database) : undefined;
  const clients = new adapter.SlackClients({
    apiUrl: config.slack.apiUrl,
    botToken: config.slack.botToken,
    installations,
    log: log.child({ platform: 'slack' }),
  });
  const pacing = new adapter.ChannelPacing(
    new RedisChannelPacer(redis, config.queue.prefix),
    config.slack.channelPostIntervalMs,
  );
  return {
    adapter,
    clients,
    sender: new adapter.SlackSender({ clients, pacing, log: log.child({ platform: 'slack' }) }),
    channelMembers: new adapter.SlackChannelMembers(clients, log.child({ platform: 'slack' })),
    installations,
  };
}

export interface SlackRouteDependencies {
  slack: SlackRuntime;
  config: Config;
  database: Database;
  redis: Redis;
  intake: Intake;
  catalog: SkillCatalog;
  messages: MessageStore;
  directory: Directory;
  metrics: Metrics;
  log: Logger;
  /** What the App Home lists: approvals waiting for the person, and the schedules of the workspace. */
  approvalsQuery?: ApprovalsQuery;
  schedules?: SchedulesPort;
}

/** The receiver (HTTP routes, or a Socket Mode connection to start) and the OAuth install routes. */
export function slackReceiver(dependencies: SlackRouteDependencies): {
  receiver: SlackAdapter.SlackReceiver;
  routes: Route[];
} {
  const { slack, config, database, log } = dependencies;
  const { adapter, clients } = slack;
  const slackLog = log.child({ platform: 'slack' });
  const people = {
    remember: async (person: { tenantId: string; userId: string; name: string }) => {
      await dependencies.directory.ensureUser({
        tenantId: person.tenantId,
        platform: 'slack',
        externalId: person.userId,
        displayName: person.name,
      });
    },
  };
  const receiver = new adapter.SlackReceiver({
    signingSecret: config.slack.signingSecret,
    appToken: config.slack.appToken,
    intake: dependencies.intake,
    catalog: dependencies.catalog,
    messages: dependencies.messages,
    threads: new SlackThreadStore(database),
    clients,
    clicks: new RedisRecentClicks(dependencies.redis, config.queue.prefix),
    users: new adapter.SlackUserNames(clients, people, slackLog),
    home: new adapter.AppHome(
      {
        commands: dependencies.catalog.commandNames(),
        tasks: {
          recentFor: (tenantId, platform, userId, limit) =>
            recentTasksOf(database, tenantId, platform, userId, limit),
        },
        ...(dependencies.approvalsQuery ? { approvals: dependencies.approvalsQuery } : {}),
        ...(dependencies.schedules ? { schedules: dependencies.schedules } : {}),
      },
      clients,
      slackLog,
    ),
    sender: slack.sender,
    ...(slack.installations ? { installations: slack.installations } : {}),
    maxBodyBytes: Math.max(config.http.maxBodyBytes, PLATFORM_EVENT_MAX_BYTES),
    log: slackLog,
    onAcknowledged: (seconds) => dependencies.metrics.ackLatency.observe({ platform: 'slack' }, seconds),
  });
  const routes: Route[] = [];
  if (config.slack.signingSecret && !config.slack.appToken) {
    routes.push({
      method: 'POST',
      path: adapter.SLACK_EVENTS_PATH,
      handler: ({ req, res }) => receiver.handleHttp(req, res),
    });
  }
  if (config.slack.oauth && slack.installations) {
    const installer = new adapter.SlackInstaller({
      ...config.slack.oauth,
      apiUrl: config.slack.apiUrl,
      installations: slack.installations,
      log: slackLog,
      onInstalled: (installation) => clients.forget(installation.tenantId),
    });
    routes.push(
      {
        method: 'GET',
        path: adapter.SLACK_INSTALL_PATH,
        handler: ({ req, res }) => installer.handleInstall(req, res),
      },
      {
        method: 'GET',
        path: adapter.SLACK_REDIRECT_PATH,
        handler: ({ req, res }) => installer.handleCallback(req, res),
      },
    );
  }
  return { receiver, routes };
}

/** How the gateway receives Slack, for the start-up line. */
export function slackDescription(config: Config): string {
  const how = config.slack.appToken ? 'Socket Mode' : 'HTTP POST /slack/events';
  const install = config.slack.oauth
    ? 'multi-workspace OAuth (/slack/install)'
    : 'single workspace (SLACK_BOT_TOKEN)';
  return `${how}, ${install}`;
}
