import { acceptOrExplain, answeredUsage, type InboundServices, mappingContext } from './inbound.ts';
import {
  AppHomeOpenedSchema,
  type EventEnvelope,
  EventEnvelopeSchema,
  MessageEventSchema,
} from './payloads.ts';
import { type SlackTeam, teamOf } from './team.ts';
import { classifyMessage, messageToTask } from './to-task.ts';

/**
 * Events API handlers: messages (mentions, DMs, follow-ups in threads the bot answered, files), the App
 * Home being opened, and the app being uninstalled. Each records and queues what it must before it
 * returns; everything else follows the answer.
 */
export async function onMessageEvent(services: InboundServices, body: unknown): Promise<void> {
  const envelope = EventEnvelopeSchema.safeParse(body);
  const event = MessageEventSchema.safeParse(envelope.success ? envelope.data.event : undefined);
  if (!envelope.success || !event.success) {
    services.log.warn('slack-event-unreadable', {
      issue: (envelope.error ?? event.error)?.issues[0]?.message,
    });
    return;
  }
  const team = teamOfEnvelope(envelope.data);
  if (!team) return;
  const botUserId = botUserIdOf(envelope.data);
  const kind = classifyMessage(event.data, botUserId);
  if (kind === 'ignored') return;
  if (kind === 'thread-reply') {
    const threadTs = event.data.thread_ts ?? '';
    if (!(await services.threads.botAnswered(team.tenantId, event.data.channel, threadTs))) return;
  }
  const { task, message } = messageToTask(event.data, mappingContext(services, team, botUserId));
  const name = services.users.cached(team.tenantId, task.user.id);
  if (name) task.user.name = name;
  if (answeredUsage(services, task)) return;
  if (!(await acceptOrExplain(services, task, message))) return;
  if (!name) services.later('slack-user-lookup', () => services.users.resolve(team.tenantId, task.user.id));
}

export async function onAppHomeOpened(services: InboundServices, body: unknown): Promise<void> {
  const envelope = EventEnvelopeSchema.safeParse(body);
  const event = AppHomeOpenedSchema.safeParse(envelope.success ? envelope.data.event : undefined);
  if (!envelope.success || !event.success || event.data.tab === 'messages') return;
  const team = teamOfEnvelope(envelope.data);
  if (!team) return;
  const userId = event.data.user;
  services.later('slack-home-publish', () => services.home.publish(team.tenantId, userId));
}

/** `app_uninstalled` / `tokens_revoked`: the installation's token is useless now; forget it. */
export async function onUninstalled(services: InboundServices, body: unknown): Promise<void> {
  const envelope = EventEnvelopeSchema.safeParse(body);
  if (!envelope.success || !services.installations) return;
  const team = teamOfEnvelope(envelope.data);
  if (!team) return;
  const installations = services.installations;
  services.later('slack-uninstall', async () => {
    const removed = await installations.remove(team.tenantId);
    services.clients.forget(team.tenantId);
    services.log.info('slack-app-uninstalled', { tenantId: team.tenantId, removed });
  });
}

function teamOfEnvelope(envelope: EventEnvelope): SlackTeam | null {
  const authorization = envelope.authorizations?.[0];
  return teamOf(
    envelope.team_id ?? authorization?.team_id,
    envelope.enterprise_id ?? authorization?.enterprise_id,
    authorization?.is_enterprise_install,
  );
}

/** The bot's user id: Slack names the installation the event is delivered for in `authorizations`. */
function botUserIdOf(envelope: EventEnvelope): string | undefined {
  const authorizations = envelope.authorizations ?? [];
  return (authorizations.find((entry) => entry.is_bot) ?? authorizations[0])?.user_id;
}
