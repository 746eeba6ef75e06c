import type { ChannelMembersPort, Logger, Platform } from '../../src/core/index.ts';
import type { SlackClients } from './clients.ts';
import { slackError } from './web-api-errors.ts';

const TTL_MS = 60_000;
const PAGE_SIZE = 200;
/** A channel bigger than this is "unknown members" for the knowledge base (only open collections apply). */
const MAX_MEMBERS = 10_000;

/**
 * Who is in a Slack channel, for the knowledge base (answer only from collections every member may read):
 * `conversations.members`, every page, cached for a minute. When Slack cannot say (the bot is not in the
 * channel, a missing scope, a huge channel) the answer is null: "unknown", which is the safe answer.
 */
export class SlackChannelMembers implements ChannelMembersPort {
  readonly #clients: SlackClients;
  readonly #log: Logger;
  readonly #cache = new Map<string, { members: readonly string[] | null; until: number }>();

  constructor(clients: SlackClients, log: Logger) {
    this.#clients = clients;
    this.#log = log;
  }

  async members(tenantId: string, platform: Platform, channel: string): Promise<readonly string[] | null> {
    if (platform !== 'slack') return null;
    const key = `${tenantId}.${channel}`;
    const hit = this.#cache.get(key);
    if (hit && hit.until > Date.now()) return hit.members;
    const members = await this.#fetch(tenantId, channel);
    if (this.#cache.size > 5_000) this.#cache.delete(this.#cache.keys().next().value ?? '');
    this.#cache.set(key, { members, until: Date.now() + TTL_MS });
    return members;
  }

  async #fetch(tenantId: string, channel: string): Promise<readonly string[] | null> {
    try {
      const { client } = await this.#clients.forTenant(tenantId);
      const members: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.conversations.members({
          channel,
          limit: PAGE_SIZE,
          ...(cursor ? { cursor } : {}),
        });
        members.push(...(page.members ?? []));
        cursor = page.response_metadata?.next_cursor || undefined;
        if (members.length > MAX_MEMBERS) return null;
      } while (cursor);
      return members;
    } catch (error) {
      const mapped = slackError(error, 'listing channel members');
      // A transient failure must not be cached as "unknown" for a minute, nor pass for an answer.
      if (mapped.retryable) throw mapped;
      this.#log.info('slack-channel-members-unknown', { channel, error: mapped.message });
      return null;
    }
  }
}
