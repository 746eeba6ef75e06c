import type { Platform } from './task.ts';

/**
 * Who is in a channel, as far as the platform tells us. The knowledge base uses it to answer in a shared
 * channel only from collections that every member may read; approvals use it to reach approvers.
 */
export interface ChannelMembersPort {
  /**
   * The platform user ids of the channel's members, or null when the platform cannot say (the answer is
   * then treated as "unknown members": only collections open to the whole channel are used).
   */
  members(tenantId: string, platform: Platform, channel: string): Promise<readonly string[] | null>;
}
