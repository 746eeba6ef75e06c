import type { ChannelMembersPort } from '../core/channels.ts';
import { ChatOpsError } from '../core/errors.ts';
import { PlatformSchema } from '../core/task.ts';
import type { ReaderScope } from './domain.ts';

/**
 * The reader scope of an operator's request (CLI, REST): every collection of the tenant, unless it names
 * a place — a channel (`slack:C0123ABCDEF`, `ops` for the web chat), whose members must all be able to
 * read what answers there, and/or a user, who must be able to read it too.
 */
export async function placeScope(
  members: ChannelMembersPort,
  tenantId: string,
  place: { channel?: string | undefined; user?: string | undefined },
): Promise<ReaderScope> {
  const [prefix, ...rest] = place.channel?.includes(':')
    ? place.channel.split(':')
    : [undefined, place.channel ?? ''];
  const platform = PlatformSchema.safeParse(prefix ?? 'api');
  if (!platform.success) {
    throw new ChatOpsError('VALIDATION_FAILED', `"${place.channel}" names no platform I know.`, {
      remedy: `Write the channel as platform:channel with platform one of ${PlatformSchema.options.join(', ')}.`,
    });
  }
  const channelName = rest.join(':');
  const base = { tenantId, platform: platform.data };
  if (!channelName && !place.user) return { ...base, channel: null, readers: [], admin: true };
  if (!channelName) return { ...base, channel: null, readers: [place.user ?? ''], admin: false };
  const found = await members.members(tenantId, platform.data, channelName);
  const readers = found === null ? null : [...new Set([...found, ...(place.user ? [place.user] : [])])];
  return { ...base, channel: `${platform.data}:${channelName}`, readers, admin: false };
}
