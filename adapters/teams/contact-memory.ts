import type { Logger } from '../../src/core/index.ts';
import type { InboundActivity } from './activity.ts';
import type { TeamsContacts } from './ports.ts';

const MAX_REMEMBERED = 10_000;

/**
 * Remembers how to reach each person who talks to the bot (for approval DMs), writing only when
 * something changed: a small memory of what was last stored keeps the hot path free of writes.
 */
export class ContactMemory {
  readonly #contacts: TeamsContacts | undefined;
  readonly #log: Logger;
  readonly #recent = new Map<string, string>();

  constructor(contacts: TeamsContacts | undefined, log: Logger) {
    this.#contacts = contacts;
    this.#log = log;
  }

  async remember(activity: InboundActivity, tenantId: string): Promise<void> {
    if (!this.#contacts || !activity.from.id.startsWith('29:')) return;
    const userId = activity.from.aadObjectId ?? activity.from.id;
    const personal = activity.conversation.conversationType === 'personal' ? activity.conversation.id : null;
    const key = `${tenantId} ${userId}`;
    const signature = `${activity.serviceUrl} ${activity.from.id} ${activity.recipient.id} ${personal ?? ''}`;
    if (this.#recent.get(key) === signature) return;
    try {
      await this.#contacts.remember({
        tenantId,
        userId,
        teamsUserId: activity.from.id,
        serviceUrl: activity.serviceUrl,
        botId: activity.recipient.id,
        personalConversationId: personal,
      });
      if (this.#recent.size >= MAX_REMEMBERED) this.#recent.delete(this.#recent.keys().next().value ?? '');
      this.#recent.set(key, signature);
    } catch (error) {
      // A lost contact only costs a later direct message; the person's request still goes through.
      this.#log.warn('teams-contact-not-saved', { userId, error });
    }
  }
}
