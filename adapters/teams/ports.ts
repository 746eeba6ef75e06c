import type { MessageView } from '../../src/core/index.ts';

/**
 * What the Teams adapter needs from storage, as narrow ports (src/db implements them; src/main.ts wires
 * them in). The receiver checks a click against the message we stored; the sender finds the way to a
 * person's 1:1 chat for direct messages.
 */
export interface TeamsMessageLookup {
  byId(messageId: string): Promise<MessageView | null>;
}

/** How to reach one person proactively: who they are in Teams, and where their tenant's service lives. */
export interface TeamsContact {
  tenantId: string;
  /** The Entra object id (the id roles and approvals use). */
  userId: string;
  /** The Teams user id (`29:…`), needed to open a 1:1 chat. */
  teamsUserId: string;
  serviceUrl: string;
  botId: string;
  /** The 1:1 chat with the bot, once known. */
  personalConversationId: string | null;
}

export interface TeamsContacts {
  /** Records (or refreshes) a contact; a known personal chat is kept when `personalConversationId` is null. */
  remember(contact: TeamsContact): Promise<void>;
  find(tenantId: string, userId: string): Promise<TeamsContact | null>;
  /** The service URL Teams last used for this tenant (its region), for posts to conversations never heard from. */
  serviceUrlOf?(tenantId: string): Promise<string | null>;
}
