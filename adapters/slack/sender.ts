import type { WebClient } from '@slack/web-api';
import {
  ChatOpsError,
  type DeliveryMarker,
  forDirectMessage,
  type Logger,
  type MarkedLookup,
  type OutboundMessage,
  type Reply,
  type ReplyAddress,
  type Sender,
  type SentMessage,
} from '../../src/core/index.ts';
import type { SlackClients } from './clients.ts';
import type { ChannelPacing } from './pacing.ts';
import { DIRECT_MESSAGE_ID, type RenderedReply, renderReply, type SlackMessage } from './render.ts';
import { postToResponseUrl } from './response-url.ts';
import {
  isProgressOnly,
  STATUS_PREFIX,
  statusLine,
  statusOf,
  streamAnswer,
  streamableMarkdown,
} from './streams.ts';
import { referenceOf, type SlackReference } from './team.ts';
import { slackError, slackErrorCode } from './web-api-errors.ts';

export interface SlackSenderOptions {
  clients: SlackClients;
  pacing: ChannelPacing;
  log: Logger;
}

/** conversations.history pages read when looking for a marked post (200 messages each). */
const MAX_HISTORY_PAGES = 5;
/** Why a channel cannot be read back: then a post whose outcome is unknown is held, not sent again. */
const UNREADABLE = new Set(['not_in_channel', 'channel_not_found', 'missing_scope']);

/** True when a message from conversations.history carries the marker (metadata, or its footer text). */
function carries(
  posted: { metadata?: { event_type?: string; event_payload?: Record<string, unknown> }; blocks?: unknown[] },
  marker: DeliveryMarker,
): boolean {
  if (posted.metadata?.event_type === marker.type) return posted.metadata.event_payload?.key === marker.key;
  return JSON.stringify(posted.blocks ?? []).includes(`ref ${marker.key}`);
}

/** Errors after which a slash command's response URL still reaches the person (the bot is not in the channel). */
const UNREACHABLE = new Set(['channel_not_found', 'not_in_channel']);

/**
 * Reply → Web API calls, from the worker: threaded posts (`thread_ts`), in-place updates (progress, then
 * the answer; approval decisions for everyone), ephemeral messages, files through the external upload
 * flow, direct messages, and in assistant threads Slack's status line and streamed answers. A message
 * split over several Slack messages has the ids of all of them, comma-separated, as its platform id.
 */
export class SlackSender implements Sender {
  readonly platform = 'slack' as const;
  readonly #options: SlackSenderOptions;

  constructor(options: SlackSenderOptions) {
    this.#options = options;
  }

  async send(address: ReplyAddress, reply: Reply, message: OutboundMessage): Promise<SentMessage> {
    if (message.marker) return this.#sendMarked(address, reply, message, message.marker);
    const reference = referenceOf(address);
    const { client } = await this.#options.clients.forTenant(address.tenantId);
    if (reply.visibility === 'ephemeral' && reply.ephemeralUser) {
      await this.#ephemeral(client, address, reference, reply, message.id, reply.ephemeralUser);
      return { platformMessageId: null };
    }
    if (reference.assistantThread && reference.threadTs && isProgressOnly(reply)) {
      if (await this.#setStatus(client, address.channel, reference.threadTs, statusLine(reply))) {
        return { platformMessageId: `${STATUS_PREFIX}${reference.threadTs}` };
      }
    }
    const rendered = renderReply(reply, message.id);
    const streamed = await this.#tryStream(client, address, reference, reply, rendered, message.id);
    if (streamed) return { platformMessageId: streamed };
    try {
      const ids = await this.#post(client, address, reference, rendered.messages);
      await this.#upload(client, address, reference, rendered);
      return { platformMessageId: ids.join(',') };
    } catch (error) {
      if (UNREACHABLE.has(slackErrorCode(error) ?? '') && reference.responseUrl) {
        await postToResponseUrl(reference.responseUrl, this.#options.clients.apiUrl, 'in_channel', rendered);
        return { platformMessageId: null };
      }
      throw error;
    }
  }

  async update(
    address: ReplyAddress,
    platformMessageId: string,
    reply: Reply,
    message: OutboundMessage,
  ): Promise<SentMessage | undefined> {
    const threadTs = statusOf(platformMessageId);
    if (threadTs !== null) {
      // The status line is not a message: more progress sets it again, the answer is posted (which clears it).
      const { client } = await this.#options.clients.forTenant(address.tenantId);
      if (
        isProgressOnly(reply) &&
        (await this.#setStatus(client, address.channel, threadTs, statusLine(reply)))
      ) {
        return undefined;
      }
      return this.send(address, reply, message);
    }
    const { client } = await this.#options.clients.forTenant(address.tenantId);
    const reference = referenceOf(address);
    const rendered = renderReply(reply, message.id);
    const existing = platformMessageId.split(',').filter(Boolean);
    const parts = rendered.messages;
    for (const [index, part] of parts.slice(0, existing.length).entries()) {
      await this.#call(address, 'updating a message', () =>
        client.chat.update({
          channel: address.channel,
          ts: existing[index] ?? '',
          text: part.text,
          blocks: part.blocks,
        }),
      );
    }
    // The new content needs more (or fewer) Slack messages than the old one had.
    const added = await this.#post(client, address, reference, parts.slice(existing.length));
    for (const extra of existing.slice(parts.length)) {
      await this.#call(address, 'removing a message part', () =>
        client.chat.delete({ channel: address.channel, ts: extra }),
      );
    }
    await this.#upload(client, address, reference, rendered);
    const ids = [...existing.slice(0, parts.length), ...added];
    return ids.join(',') === platformMessageId ? undefined : { platformMessageId: ids.join(',') };
  }

  /**
   * A post that must land exactly once (a scheduled digest): one attempt, no retries inside the Web API
   * client, every part carrying the marker as message metadata (`event_type` + `event_payload.key`), so
   * findMarked can tell later whether a post whose answer was lost is in the channel.
   */
  async #sendMarked(
    address: ReplyAddress,
    reply: Reply,
    message: OutboundMessage,
    marker: DeliveryMarker,
  ): Promise<SentMessage> {
    const reference = referenceOf(address);
    const { client } = await this.#options.clients.forTenant(address.tenantId, { once: true });
    const rendered = renderReply(reply, message.id);
    const ids: string[] = [];
    try {
      for (const [part, content] of rendered.messages.entries()) {
        await this.#options.pacing.beforePost(address.tenantId, address.channel);
        const posted = await this.#call(address, 'posting a digest', () =>
          client.chat.postMessage({
            channel: address.channel,
            text: content.text,
            blocks: content.blocks,
            ...(reference.threadTs ? { thread_ts: reference.threadTs } : {}),
            unfurl_links: false,
            unfurl_media: false,
            metadata: { event_type: marker.type, event_payload: { key: marker.key, part } },
          }),
        );
        if (posted.ts) ids.push(posted.ts);
      }
      await this.#upload(client, address, reference, rendered);
    } catch (error) {
      if (ids.length === 0) throw error;
      // Some parts are in the channel already: sending again would repeat them.
      throw new ChatOpsError('DEPENDENCY_UNAVAILABLE', 'Only part of a digest reached Slack.', {
        remedy: 'The channel is checked before anything is posted again.',
        details: { sendOutcome: 'unknown', posted: ids },
        cause: error,
      });
    }
    return { platformMessageId: ids.join(',') };
  }

  /**
   * Looks for a marked post in the channel since `since` (conversations.history with message metadata).
   * A channel the bot may not read (not a member of a private channel, no history scope) cannot be checked.
   */
  async findMarked(address: ReplyAddress, marker: DeliveryMarker, since: Date): Promise<MarkedLookup> {
    const reference = referenceOf(address);
    if (reference.threadTs) return { found: 'unsupported', reason: 'posts in threads are not looked for' };
    const { client } = await this.#options.clients.forTenant(address.tenantId);
    const found: string[] = [];
    let cursor: string | undefined;
    try {
      for (let page = 0; page < MAX_HISTORY_PAGES; page += 1) {
        const answer = await this.#call(null, 'reading the channel', () =>
          client.conversations.history({
            channel: address.channel,
            oldest: (since.getTime() / 1000).toFixed(6),
            limit: 200,
            include_all_metadata: true,
            ...(cursor ? { cursor } : {}),
          }),
        );
        for (const posted of answer.messages ?? []) {
          if (posted.ts && carries(posted, marker)) found.push(posted.ts);
        }
        cursor = answer.response_metadata?.next_cursor || undefined;
        if (!answer.has_more || !cursor) break;
      }
    } catch (error) {
      const code = slackErrorCode(error);
      if (code && UNREADABLE.has(code)) {
        return { found: 'unsupported', reason: `Slack does not let the bot read this channel (${code})` };
      }
      throw error;
    }
    if (found.length === 0) return { found: false };
    return { found: true, platformMessageId: found.sort().join(',') };
  }

  /** A direct message (approval requests to approvers): the person's DM with the bot, opened if need be. */
  async notifyUser(target: { tenantId: string; userId: string }, reply: Reply): Promise<void> {
    const { client } = await this.#options.clients.forTenant(target.tenantId);
    const opened = await this.#call(null, 'opening a direct message', () =>
      client.conversations.open({ users: target.userId }),
    );
    const channel = opened.channel?.id;
    if (!channel)
      throw slackError(new Error('conversations.open returned no channel'), 'opening a direct message');
    const address: ReplyAddress = { platform: 'slack', tenantId: target.tenantId, channel, thread: channel };
    const rendered = renderReply(forDirectMessage(reply), DIRECT_MESSAGE_ID);
    await this.#post(client, address, {}, rendered.messages);
  }

  async #post(
    client: WebClient,
    address: ReplyAddress,
    reference: SlackReference,
    parts: SlackMessage[],
  ): Promise<string[]> {
    const ids: string[] = [];
    for (const part of parts) {
      await this.#options.pacing.beforePost(address.tenantId, address.channel);
      const posted = await this.#call(address, 'posting a reply', () =>
        client.chat.postMessage({
          channel: address.channel,
          text: part.text,
          blocks: part.blocks,
          ...(reference.threadTs ? { thread_ts: reference.threadTs } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      if (posted.ts) ids.push(posted.ts);
    }
    return ids;
  }

  async #ephemeral(
    client: WebClient,
    address: ReplyAddress,
    reference: SlackReference,
    reply: Reply,
    messageId: string,
    user: string,
  ): Promise<void> {
    const rendered = renderReply(reply, messageId);
    try {
      for (const part of rendered.messages) {
        await this.#call(address, 'posting an ephemeral reply', () =>
          client.chat.postEphemeral({
            channel: address.channel,
            user,
            text: part.text,
            blocks: part.blocks,
            ...(reference.threadTs ? { thread_ts: reference.threadTs } : {}),
          }),
        );
      }
    } catch (error) {
      if (!UNREACHABLE.has(slackErrorCode(error) ?? '') || !reference.responseUrl) throw error;
      await postToResponseUrl(reference.responseUrl, this.#options.clients.apiUrl, 'ephemeral', rendered);
    }
  }

  async #setStatus(client: WebClient, channel: string, threadTs: string, status: string): Promise<boolean> {
    try {
      await client.assistant.threads.setStatus({ channel_id: channel, thread_ts: threadTs, status });
      return true;
    } catch (error) {
      // Not an assistant thread after all (or no assistant scope): a "working…" message instead.
      this.#options.log.debug('slack-status-unavailable', {
        error: slackError(error, 'setting the status').message,
      });
      return false;
    }
  }

  async #tryStream(
    client: WebClient,
    address: ReplyAddress,
    reference: SlackReference,
    reply: Reply,
    rendered: RenderedReply,
    messageId: string,
  ): Promise<string | null> {
    const markdown = streamableMarkdown(reply);
    if (!markdown || !reference.assistantThread || !reference.threadTs || rendered.uploads.length > 0)
      return null;
    const rest = { ...reply, blocks: reply.blocks.filter((block) => block.type !== 'markdown') };
    const tail = renderReply(rest, messageId)
      .messages.flatMap((part) => part.blocks)
      .slice(0, 50);
    try {
      await this.#options.pacing.beforePost(address.tenantId, address.channel);
      return await streamAnswer(
        client,
        { channel: address.channel, threadTs: reference.threadTs },
        markdown,
        tail,
      );
    } catch (error) {
      const mapped = slackError(error, 'streaming an answer');
      if (mapped.code === 'RATE_LIMITED') throw mapped;
      this.#options.log.info('slack-streaming-unavailable', { error: mapped.message });
      return null;
    }
  }

  async #upload(
    client: WebClient,
    address: ReplyAddress,
    reference: SlackReference,
    rendered: RenderedReply,
  ) {
    if (rendered.uploads.length === 0) return;
    await this.#options.pacing.beforePost(address.tenantId, address.channel);
    await this.#call(address, 'uploading files', () =>
      client.filesUploadV2({
        channel_id: address.channel,
        ...(reference.threadTs ? { thread_ts: reference.threadTs } : {}),
        file_uploads: rendered.uploads.map((upload) => ({
          file: Buffer.from(upload.contentBase64, 'base64'),
          filename: upload.name,
          title: upload.name,
        })),
      } as never),
    );
  }

  /** One Web API call with its failure mapped; a 429 also closes the channel until Retry-After. */
  async #call<T>(address: ReplyAddress | null, what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const mapped = slackError(error, what);
      if (address) await this.#options.pacing.afterFailure(address.tenantId, address.channel, mapped);
      throw mapped;
    }
  }
}
