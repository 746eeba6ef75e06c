import type { ChannelMembersPort } from '../core/channels.ts';
import type { Platform } from '../core/task.ts';
import type { Database } from './database.ts';

/**
 * Channel members of the web chat and REST API: that platform has no membership of its own, so the
 * members of a channel are the people who have posted in it. Other platforms answer through their own
 * port (Slack's conversations.members); without one, members are unknown (null).
 */
export class PostedChannelMembers implements ChannelMembersPort {
  readonly #database: Database;
  readonly #platforms: ReadonlyMap<Platform, ChannelMembersPort>;

  constructor(database: Database, platforms: ReadonlyMap<Platform, ChannelMembersPort> = new Map()) {
    this.#database = database;
    this.#platforms = platforms;
  }

  async members(tenantId: string, platform: Platform, channel: string): Promise<readonly string[] | null> {
    const own = this.#platforms.get(platform);
    if (own) return own.members(tenantId, platform, channel);
    if (platform !== 'api') return null;
    const rows = await this.#database.sql<{ author_id: string }>(
      `select distinct author_id from messages
       where tenant_id = $1 and platform = $2 and channel = $3 and author_kind = 'user' order by author_id`,
      [tenantId, platform, channel],
    );
    return rows.map((row) => row.author_id);
  }
}
