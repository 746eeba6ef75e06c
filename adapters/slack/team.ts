import { z } from 'zod';
import type { ReplyAddress } from '../../src/core/index.ts';

/**
 * Tenancy: a Slack workspace (`team_id`) is a tenant; an org-wide install on Enterprise Grid is one tenant
 * for the whole organisation (`enterprise_id`), whose user ids are the same in every workspace of it.
 * The reply address keeps the ids a sender needs to find the right installation's token.
 */
export interface SlackTeam {
  tenantId: string;
  teamId: string | undefined;
  enterpriseId: string | undefined;
  isEnterpriseInstall: boolean;
}

export function teamOf(
  teamId: string | null | undefined,
  enterpriseId: string | null | undefined,
  isEnterpriseInstall: boolean | undefined,
): SlackTeam | null {
  const team = teamId || undefined;
  const enterprise = enterpriseId || undefined;
  const orgWide = isEnterpriseInstall === true && enterprise !== undefined;
  const tenantId = orgWide ? enterprise : (team ?? enterprise);
  if (!tenantId) return null;
  return { tenantId, teamId: team, enterpriseId: enterprise, isEnterpriseInstall: orgWide };
}

/** What `ReplyAddress.ref` holds for Slack (all optional: schedules and MCP requests carry none). */
export const SlackReferenceSchema = z.object({
  teamId: z.string().optional(),
  enterpriseId: z.string().optional(),
  enterpriseInstall: z.boolean().optional(),
  /** The person the task is for (ephemeral replies, streams outside DMs). */
  userId: z.string().optional(),
  /** Where replies go in the channel; absent: a new top-level message (slash commands, DMs). */
  threadTs: z.string().optional(),
  /** A DM thread, which may be an AI-app assistant thread (status shown with setStatus). */
  assistantThread: z.boolean().optional(),
  /** A slash command's response URL: the way to answer in a channel the bot is not a member of. */
  responseUrl: z.string().optional(),
});
export type SlackReference = z.infer<typeof SlackReferenceSchema>;

export function teamReference(team: SlackTeam): SlackReference {
  return {
    ...(team.teamId ? { teamId: team.teamId } : {}),
    ...(team.enterpriseId ? { enterpriseId: team.enterpriseId } : {}),
    ...(team.isEnterpriseInstall ? { enterpriseInstall: true } : {}),
  };
}

const SLACK_TS = /^\d{9,11}\.\d{1,8}$/;

/** The reference of an address; for addresses without one, a thread id that is a Slack ts is the thread. */
export function referenceOf(address: ReplyAddress): SlackReference {
  const parsed = SlackReferenceSchema.safeParse(address.ref ?? {});
  const reference = parsed.success ? parsed.data : {};
  // A thread equal to the channel is the channel's top level: scheduled runs start there, not in a thread.
  if (address.thread === address.channel) return reference;
  if (reference.threadTs === undefined && address.ref === undefined && SLACK_TS.test(address.thread)) {
    return { ...reference, threadTs: address.thread };
  }
  return reference;
}
