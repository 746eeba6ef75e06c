import type { Logger } from '../../src/core/index.ts';
import type { SlackClients } from './clients.ts';
import type { SlackPeople } from './ports.ts';

const TTL_MS = 60 * 60_000;
const MISS_TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 20_000;

/**
 * Slack users by name, through `users.info`, cached for an hour. The receiver never waits for Slack: a
 * name already known goes into the task, an unknown one is looked up after the answer (and the person is
 * recorded as an internal user, which is what roles are granted to).
 */
export class SlackUserNames {
  readonly #clients: SlackClients;
  readonly #people: SlackPeople | undefined;
  readonly #log: Logger;
  readonly #cache = new Map<string, { name: string | null; until: number }>();
  readonly #pending = new Map<string, Promise<string | null>>();

  constructor(clients: SlackClients, people: SlackPeople | undefined, log: Logger) {
    this.#clients = clients;
    this.#people = people;
    this.#log = log;
  }

  /** The cached name, without waiting (undefined when not known yet). */
  cached(tenantId: string, userId: string): string | undefined {
    const hit = this.#cache.get(`${tenantId}.${userId}`);
    return hit && hit.until > Date.now() && hit.name ? hit.name : undefined;
  }

  /** Looks the person up unless known; concurrent lookups of one person share one call. */
  resolve(tenantId: string, userId: string): Promise<string | null> {
    const key = `${tenantId}.${userId}`;
    const hit = this.#cache.get(key);
    if (hit && hit.until > Date.now()) return Promise.resolve(hit.name);
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#lookup(tenantId, userId).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  async #lookup(tenantId: string, userId: string): Promise<string | null> {
    const key = `${tenantId}.${userId}`;
    try {
      const { client } = await this.#clients.forTenant(tenantId);
      const answer = await client.users.info({ user: userId });
      const user = answer.user;
      const name =
        user?.profile?.display_name || user?.real_name || user?.profile?.real_name || user?.name || null;
      this.#remember(key, name, TTL_MS);
      if (name) await this.#people?.remember({ tenantId, userId, name });
      return name;
    } catch (error) {
      this.#log.debug('slack-user-lookup-failed', {
        userId,
        error: error instanceof Error ? error.message : error,
      });
      this.#remember(key, null, MISS_TTL_MS);
      return null;
    }
  }

  #remember(key: string, name: string | null, ttl: number): void {
    if (this.#cache.size >= MAX_ENTRIES) this.#cache.delete(this.#cache.keys().next().value ?? '');
    this.#cache.set(key, { name, until: Date.now() + ttl });
  }
}
