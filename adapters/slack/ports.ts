import type { MessageView } from '../../src/core/index.ts';

/**
 * What the Slack adapter needs from storage and shared infrastructure, as narrow ports (src/db and
 * src/queue implement them; src/main.ts wires them in; tests pass in-memory ones).
 */
export interface SlackMessageLookup {
  byId(messageId: string): Promise<MessageView | null>;
}

/** Whether the bot has posted in a thread (follow-ups there need no @mention). */
export interface SlackThreads {
  botAnswered(tenantId: string, channel: string, threadTs: string): Promise<boolean>;
}

/** One workspace (or Enterprise Grid organisation) that installed the app through OAuth. */
export interface SlackInstallation {
  tenantId: string;
  teamId: string | undefined;
  enterpriseId: string | undefined;
  isEnterpriseInstall: boolean;
  botToken: string;
  botUserId: string;
  botId: string | undefined;
  appId: string | undefined;
  scopes: string[];
  installedBy: string | undefined;
}

export interface SlackInstallations {
  save(installation: SlackInstallation): Promise<void>;
  find(tenantId: string): Promise<SlackInstallation | null>;
  /** The app was uninstalled or its tokens revoked. */
  remove(tenantId: string): Promise<boolean>;
}

/**
 * Posting slots per channel, shared by every worker (Slack allows about one message per second in a
 * channel, and answers more with 429). `reserve` takes the channel's next slot if it is at most
 * `maxWaitMs` away and says how long to wait for it; `block` keeps the channel closed until Slack's
 * Retry-After has passed.
 */
export interface ChannelPacer {
  reserve(key: string, intervalMs: number, maxWaitMs: number): Promise<{ waitMs: number; reserved: boolean }>;
  block(key: string, forMs: number): Promise<void>;
}

/** Short-lived "seen" marks shared by every gateway: a repeated click within the window counts once. */
export interface RecentClicks {
  /** True the first time `key` is seen within `windowMs`. */
  firstSeen(key: string, windowMs: number): Promise<boolean>;
}

/** The people directory: Slack users as internal users (roles are granted to `slack:<user id>`). */
export interface SlackPeople {
  remember(person: { tenantId: string; userId: string; name: string }): Promise<void>;
}
