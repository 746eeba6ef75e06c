import { WebClient } from '@slack/web-api';
import { ChatOpsError, type Logger } from '../../src/core/index.ts';
import type { SlackInstallations } from './ports.ts';
import { sdkLogger } from './sdk-logger.ts';

export interface SlackClientSettings {
  /** Web API base URL (SLACK_API_URL), ending in `/`. */
  apiUrl: string;
  /** Single-workspace mode: the one bot token. */
  botToken: string | undefined;
  /** OAuth mode: tokens per installation. */
  installations: SlackInstallations | undefined;
  log: Logger;
  timeoutMs?: number;
  /** Retries of a failed request inside one call (network errors, 5xx); 429s are never retried here. */
  retries?: number;
}

/** Where Slack serves shared files (commercial and GovSlack). */
const SLACK_FILE_HOSTS = ['files.slack.com', 'files.slack-gov.com'];

/** A Web API client with the right token for one tenant, and what is known about the bot there. */
export interface TenantClient {
  client: WebClient;
  botUserId: string | undefined;
}

/**
 * Web API clients per token. 429s are not retried inside the client (`rejectRateLimitedCalls`): a worker
 * reschedules the job instead of holding a slot while it waits, and the Web API base URL is the configured
 * one (GovSlack, proxies, test doubles). Installations are read through the port and kept briefly.
 */
export class SlackClients {
  readonly #settings: SlackClientSettings;
  readonly #clients = new Map<string, WebClient>();
  readonly #installations = new Map<string, { value: TenantClient; until: number }>();

  constructor(settings: SlackClientSettings) {
    this.#settings = settings;
  }

  get apiUrl(): string {
    return this.#settings.apiUrl;
  }

  /** A client without a token (OAuth's token exchange, signature-free calls). */
  anonymous(): WebClient {
    return this.#client('');
  }

  /**
   * The client of a tenant. `once: true` gives a client that never retries a request on its own: for posts
   * that must land exactly once, whose failures are settled by looking in the channel instead.
   */
  async forTenant(tenantId: string, options: { once?: boolean } = {}): Promise<TenantClient> {
    const once = options.once === true;
    if (this.#settings.botToken)
      return { client: this.#client(this.#settings.botToken, once), botUserId: undefined };
    const installations = this.#settings.installations;
    if (!installations) {
      throw new ChatOpsError('CONFIG_INVALID', 'Slack has no bot token to send with.', {
        remedy: 'Set SLACK_BOT_TOKEN, or the OAuth settings and install the app through /slack/install.',
      });
    }
    const cached = this.#installations.get(tenantId);
    if (cached && cached.until > Date.now()) return once ? this.#once(cached.value) : cached.value;
    const installation = await installations.find(tenantId);
    if (!installation) {
      throw new ChatOpsError('NOT_FOUND', `The Slack app is not installed in workspace ${tenantId}.`, {
        remedy: 'Install it through /slack/install on the gateway.',
        retryable: false,
      });
    }
    const value = { client: this.#client(installation.botToken, false), botUserId: installation.botUserId };
    this.#installations.set(tenantId, { value, until: Date.now() + 60_000 });
    return once ? this.#once(value) : value;
  }

  #once(value: TenantClient): TenantClient {
    return { ...value, client: this.#client(value.client.token ?? '', true) };
  }

  /**
   * The bot token as a request header for a file on Slack's own file hosts (a shared file's `url_private`),
   * and nothing for any other URL: the token never goes anywhere but Slack.
   */
  async fileHeaders(tenantId: string, url: URL): Promise<Record<string, string> | undefined> {
    if (url.protocol !== 'https:' || !SLACK_FILE_HOSTS.includes(url.hostname)) return undefined;
    const { client } = await this.forTenant(tenantId);
    return client.token ? { authorization: `Bearer ${client.token}` } : undefined;
  }

  /** Drops a tenant's cached installation (after an uninstall or a new install). */
  forget(tenantId: string): void {
    this.#installations.delete(tenantId);
  }

  #client(token: string, once = false): WebClient {
    const key = `${once ? 'once' : 'retry'}:${token}`;
    let client = this.#clients.get(key);
    if (!client) {
      const retries = once ? 0 : (this.#settings.retries ?? 2);
      client = new WebClient(token || undefined, {
        slackApiUrl: this.#settings.apiUrl,
        logger: sdkLogger(this.#settings.log, 'slack-web-api'),
        rejectRateLimitedCalls: true,
        timeout: this.#settings.timeoutMs ?? 15_000,
        retryConfig: { retries, factor: 2, minTimeout: 200, maxTimeout: 1000 },
      });
      this.#clients.set(key, client);
    }
    return client;
  }
}
