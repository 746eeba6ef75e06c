import { Client as ApiClient, type CloudEnvironment } from '@microsoft/teams.api';
import {
  ChatOpsError,
  forDirectMessage,
  type Logger,
  type OutboundMessage,
  type Reply,
  type ReplyAddress,
  type Sender,
  type SentMessage,
} from '../../src/core/index.ts';
import { BotTokenClient } from './bot-token.ts';
import { connectorError } from './connector-errors.ts';
import { conversationIdOf, type TeamsReference, TeamsReferenceSchema } from './conversation.ts';
import type { TeamsContacts } from './ports.ts';
import { DIRECT_MESSAGE_ID, renderMessageActivities, renderMessageActivity } from './render.ts';
import { cloudOf, isAllowedServiceUrl, type TeamsSettings } from './settings.ts';
import {
  finalActivity,
  informativeActivity,
  isProgressOnly,
  OpenStreams,
  STREAM_PREFIX,
  statusLine,
  streamIdOf,
} from './streams.ts';

export interface TeamsSenderOptions {
  settings: TeamsSettings;
  log: Logger;
  /** Where people's 1:1 chats are found for direct messages; without it, notifyUser is not offered. */
  contacts?: TeamsContacts;
  timeoutMs?: number;
}

/** A reply split over several activities is stored as their ids joined by this (Teams ids have none). */
const PART_SEPARATOR = ',';

/**
 * Reply → Bot Connector calls to the stored conversation reference: POST a new activity into the chat or
 * the channel's reply chain, PUT to replace one in place (progress, approval decisions). Direct messages
 * open (or reuse) the person's 1:1 chat with the bot. Sends from the worker, never through the inbound
 * request; the bot's token goes only to the Bot Connector hosts allowed in the settings.
 */
export class TeamsSender implements Sender {
  readonly platform = 'teams' as const;
  readonly notifyUser?: (target: { tenantId: string; userId: string }, reply: Reply) => Promise<void>;
  readonly #options: TeamsSenderOptions;
  readonly #cloud: CloudEnvironment;
  readonly #tokens: BotTokenClient | null;
  readonly #clients = new Map<string, ApiClient>();
  readonly #streams = new OpenStreams();

  constructor(options: TeamsSenderOptions) {
    this.#options = options;
    this.#cloud = cloudOf(options.settings);
    const credentials = options.settings.credentials;
    this.#tokens = credentials
      ? new BotTokenClient({
          appId: credentials.appId,
          appPassword: credentials.appPassword,
          tenantId: credentials.tenantId,
          cloud: this.#cloud,
        })
      : null;
    if (options.contacts) {
      const contacts = options.contacts;
      this.notifyUser = (target, reply) => this.#notify(contacts, target, reply);
    }
  }

  async send(address: ReplyAddress, reply: Reply, message: OutboundMessage): Promise<SentMessage> {
    const reference = await this.#referenceOf(address);
    if (
      reply.visibility === 'ephemeral' &&
      reference.conversationType !== 'personal' &&
      reply.ephemeralUser
    ) {
      // Teams has no ephemeral messages in channels: a private answer goes to the person's 1:1 chat.
      const delivered = await this.#tryDirect(address.tenantId, reply.ephemeralUser, reply, message.id);
      if (delivered) return { platformMessageId: null };
    }
    if (reference.conversationType === 'personal' && isProgressOnly(reply)) {
      const streamId = await this.#startStream(reference, reply);
      if (streamId) return { platformMessageId: `${STREAM_PREFIX}${streamId}` };
    }
    const activities = renderMessageActivities(reply, message.id);
    const ids = startsChannelThread(reference)
      ? await this.#startChannelThread(reference, activities)
      : await this.#post(reference, activities);
    return { platformMessageId: ids.length > 0 ? ids.join(PART_SEPARATOR) : null };
  }

  /**
   * A new post at the top of a channel (a schedule, a digest), in a channel that may never have spoken to
   * the bot: the Connector's CreateConversation with the channel and the activity starts the thread (the
   * documented way to post proactively to a channel); further parts of a long reply go into that thread.
   */
  async #startChannelThread(reference: TeamsReference, activities: readonly object[]): Promise<string[]> {
    const [first, ...rest] = activities;
    if (!first) return [];
    let created: { id?: string; activityId?: string };
    try {
      created = await this.#api(reference.serviceUrl).conversations.create({
        isGroup: true,
        bot: { id: reference.botId },
        tenantId: reference.tenantId,
        channelData: { channel: { id: reference.conversationId }, tenant: { id: reference.tenantId } },
        activity: first as never,
      } as never);
    } catch (error) {
      throw connectorError(error, 'starting a thread in a channel');
    }
    const root = created.activityId ?? '';
    const thread = created.id ?? `${reference.conversationId};messageid=${root}`;
    const more = await this.#post({ ...reference, conversationId: thread }, rest);
    return [root, ...more].filter(Boolean);
  }

  /** Posts the parts of one reply in order; their activity ids, which updates and deletes need. */
  async #post(reference: TeamsReference, activities: readonly object[]): Promise<string[]> {
    const ids: string[] = [];
    for (const activity of activities) {
      try {
        const sent = await this.#api(reference.serviceUrl)
          .conversations.activities(reference.conversationId)
          .create(activity as never);
        if (sent.id) ids.push(sent.id);
      } catch (error) {
        throw connectorError(error, `posting to ${reference.conversationType} conversation`);
      }
    }
    return ids;
  }

  async update(
    address: ReplyAddress,
    platformMessageId: string,
    reply: Reply,
    message: OutboundMessage,
  ): Promise<SentMessage | undefined> {
    const reference = await this.#referenceOf(address);
    const streamId = streamIdOf(platformMessageId);
    if (streamId && (await this.#continueStream(reference, streamId, reply, message))) return undefined;
    const existing = (streamId ?? platformMessageId).split(PART_SEPARATOR).filter(Boolean);
    const parts = renderMessageActivities(reply, message.id);
    const activities = this.#api(reference.serviceUrl).conversations.activities(reference.conversationId);
    for (const [index, part] of parts.slice(0, existing.length).entries()) {
      const id = existing[index] ?? '';
      try {
        await activities.update(id, { ...part, id });
      } catch (error) {
        throw connectorError(error, 'updating a message');
      }
    }
    // The new content needs more (or fewer) messages than the old one had.
    const added = await this.#post(reference, parts.slice(existing.length));
    for (const extra of existing.slice(parts.length)) {
      try {
        await activities.delete(extra);
      } catch (error) {
        throw connectorError(error, 'removing a message part');
      }
    }
    const ids = [...existing.slice(0, parts.length), ...added].join(PART_SEPARATOR);
    return ids === (streamId ?? platformMessageId) && !streamId ? undefined : { platformMessageId: ids };
  }

  /** Starts a 1:1 stream with an informative update; null when Teams does not allow streaming here. */
  async #startStream(reference: TeamsReference, reply: Reply): Promise<string | null> {
    try {
      const sent = await this.#api(reference.serviceUrl)
        .conversations.activities(reference.conversationId)
        .create(informativeActivity(statusLine(reply), 1, null) as never);
      if (!sent.id) return null;
      this.#streams.open(sent.id);
      return sent.id;
    } catch (error) {
      if (statusOf(error) !== 403) throw connectorError(error, 'starting a stream');
      this.#options.log.info('teams-streaming-unavailable', { reason: 'Teams refused to stream here' });
      return null;
    }
  }

  /**
   * Progress continues an open stream (dropped if the stream is gone: it is only a status line); the
   * answer closes it as the final message. True when handled; false asks for a plain update instead.
   */
  async #continueStream(
    reference: TeamsReference,
    streamId: string,
    reply: Reply,
    message: OutboundMessage,
  ): Promise<boolean> {
    const activities = this.#api(reference.serviceUrl).conversations.activities(reference.conversationId);
    if (isProgressOnly(reply)) {
      const sequence = this.#streams.next(streamId);
      if (sequence === null) return true;
      try {
        await activities.create(informativeActivity(statusLine(reply), sequence, streamId) as never);
      } catch (error) {
        if (statusOf(error) !== 403) throw connectorError(error, 'streaming progress');
        this.#streams.close(streamId);
      }
      return true;
    }
    if (!this.#streams.isOpen(streamId)) return false;
    this.#streams.close(streamId);
    try {
      // The answer ends the stream; a reply too big for one card continues in messages after it.
      const [first, ...rest] = renderMessageActivities(reply, message.id);
      await activities.create(
        finalActivity(first ?? renderMessageActivity(reply, message.id), streamId) as never,
      );
      await this.#post(reference, rest);
      return true;
    } catch (error) {
      // A stream past Teams' two-minute limit (or cancelled) is finished with a plain update.
      if (statusOf(error) !== 403) throw connectorError(error, 'ending a stream');
      return false;
    }
  }

  async #notify(
    contacts: TeamsContacts,
    target: { tenantId: string; userId: string },
    reply: Reply,
  ): Promise<void> {
    const contact = await contacts.find(target.tenantId, target.userId);
    if (!contact) {
      throw new ChatOpsError('NOT_FOUND', `The bot has not met ${target.userId} in Teams yet.`, {
        remedy:
          'The person must message the bot once, or be in a team where the app is installed, before it can write to them.',
      });
    }
    const api = this.#api(contact.serviceUrl);
    let conversationId = contact.personalConversationId;
    try {
      if (!conversationId) {
        const created = await api.conversations.create({
          isGroup: false,
          bot: { id: contact.botId },
          members: [{ id: contact.teamsUserId, role: 'user', name: '' }],
          tenantId: contact.tenantId,
          channelData: { tenant: { id: contact.tenantId } },
        } as never);
        conversationId = created.id;
        await contacts.remember({ ...contact, personalConversationId: conversationId });
      }
      for (const part of renderMessageActivities(forDirectMessage(reply), DIRECT_MESSAGE_ID)) {
        await api.conversations.activities(conversationId).create(part);
      }
    } catch (error) {
      throw connectorError(error, 'writing to a 1:1 chat');
    }
  }

  async #tryDirect(tenantId: string, userId: string, reply: Reply, messageId: string): Promise<boolean> {
    if (!this.notifyUser) return false;
    try {
      await this.notifyUser({ tenantId, userId }, { ...reply, visibility: 'channel' });
      return true;
    } catch (error) {
      this.#options.log.warn('teams-direct-message-failed', { userId, messageId, error });
      return false;
    }
  }

  async #referenceOf(address: ReplyAddress): Promise<TeamsReference> {
    const parsed = TeamsReferenceSchema.safeParse(address.ref);
    if (parsed.success) return parsed.data;
    // A conversation the bot has not heard from (a schedule, an MCP request): a proactive post, through
    // the service URL last seen for this tenant (Teams serves each tenant from a region), else the default.
    const known = await this.#options.contacts?.serviceUrlOf?.(address.tenantId).catch(() => null);
    return {
      serviceUrl: known ?? this.#options.settings.defaultServiceUrl,
      conversationId: conversationIdOf(address),
      conversationType: address.channel.includes('@thread.v2')
        ? 'groupChat'
        : address.channel.startsWith('19:')
          ? 'channel'
          : 'personal',
      botId: this.#options.settings.credentials ? `28:${this.#options.settings.credentials.appId}` : 'bot',
      tenantId: address.tenantId,
    };
  }

  #api(serviceUrl: string): ApiClient {
    if (this.#tokens && !isAllowedServiceUrl(serviceUrl, this.#options.settings.serviceHosts)) {
      throw new ChatOpsError(
        'FORBIDDEN',
        `Refusing to send the bot's token to ${new URL(serviceUrl).host}.`,
        {
          remedy: 'Add that host to TEAMS_SERVICE_HOSTS if it really is a Bot Connector endpoint.',
          retryable: false,
        },
      );
    }
    let client = this.#clients.get(serviceUrl);
    if (!client) {
      client = new ApiClient(
        serviceUrl,
        { timeout: this.#options.timeoutMs ?? 15_000 },
        {
          cloud: this.#cloud,
          ...(this.#tokens ? { tokenProvider: this.#tokens } : {}),
        },
      );
      this.#clients.set(serviceUrl, client);
    }
    return client;
  }
}

/** A post to a channel itself (not into one of its threads) starts a new thread there. */
function startsChannelThread(reference: TeamsReference): boolean {
  return reference.conversationType === 'channel' && !reference.conversationId.includes(';messageid=');
}

function statusOf(error: unknown): number | undefined {
  return (error as { response?: { status?: number } } | null)?.response?.status;
}
