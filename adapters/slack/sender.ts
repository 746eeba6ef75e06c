import type { WebClient } from '@slack/web-api';
import {
  forDirectMessage,
  type Logger,
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
