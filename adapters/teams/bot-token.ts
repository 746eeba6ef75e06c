import type { CloudEnvironment } from '@microsoft/teams.api';
import { ChatOpsError } from '../../src/core/index.ts';

/**
 * The bot's own access token for the Bot Connector: an OAuth client-credentials grant against Entra
 * (`<login>/<tenant>/oauth2/v2.0/token`, scope `https://api.botframework.com/.default`), cached until five
 * minutes before it expires and shared by concurrent sends. Multi-tenant apps ask the `botframework.com`
 * tenant, single-tenant apps their own.
 */
export interface BotTokenOptions {
  appId: string;
  appPassword: string;
  tenantId: string | undefined;
  cloud: CloudEnvironment;
  fetch?: typeof fetch;
  now?: () => number;
}

const REFRESH_MARGIN_MS = 5 * 60_000;

export class BotTokenClient {
  readonly #options: BotTokenOptions;
  readonly #cache = new Map<string, { token: string; expiresAt: number }>();
  readonly #pending = new Map<string, Promise<string>>();

  constructor(options: BotTokenOptions) {
    this.#options = options;
  }

  /** The SDK's token-provider seam (`ITokenProvider.getAppToken`). */
  async getAppToken(scope: string): Promise<string> {
    const tenant = this.#options.tenantId ?? this.#options.cloud.loginTenant;
    const key = `${tenant} ${scope}`;
    const now = (this.#options.now ?? Date.now)();
    const cached = this.#cache.get(key);
    if (cached && cached.expiresAt - REFRESH_MARGIN_MS > now) return cached.token;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#request(tenant, scope, now).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  async #request(tenant: string, scope: string, now: number): Promise<string> {
    const url = `${this.#options.cloud.loginEndpoint}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.#options.appId,
      client_secret: this.#options.appPassword,
      scope,
    });
    let response: Response;
    try {
      response = await (this.#options.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new ChatOpsError('DEPENDENCY_UNAVAILABLE', `Could not reach Entra at ${url} for a bot token.`, {
        remedy: 'Check the network path to the Microsoft login endpoint; the reply is retried.',
        cause: error,
      });
    }
    const answer = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    };
    if (response.ok && answer.access_token) {
      const expiresAt = now + Math.max(60, Number(answer.expires_in ?? 3600)) * 1000;
      this.#cache.set(`${tenant} ${scope}`, { token: answer.access_token, expiresAt });
      return answer.access_token;
    }
    const reason = `${answer.error ?? response.status}: ${(answer.error_description ?? '').split('\n')[0]}`;
    if (response.status >= 500 || response.status === 429) {
      throw new ChatOpsError('DEPENDENCY_UNAVAILABLE', `Entra could not issue a bot token (${reason}).`, {
        remedy: 'This is usually brief; the reply is retried.',
      });
    }
    throw new ChatOpsError('CONFIG_INVALID', `Entra refused the bot's credentials (${reason}).`, {
      remedy:
        'Check TEAMS_APP_ID and TEAMS_APP_PASSWORD (an expired client secret is the usual cause), and TEAMS_APP_TENANT_ID for a single-tenant app.',
      retryable: false,
    });
  }
}
