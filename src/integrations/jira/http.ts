import type { z } from 'zod';
import type { JiraConfig } from '../../config/load-config.ts';
import { ChatOpsError } from '../../core/errors.ts';
import type { Logger } from '../../core/ports.ts';

/**
 * The one way the bot talks to Jira: a thin fetch client that honours JIRA_HOST for every URL, signs each
 * request, keeps at most JIRA_CONCURRENCY requests in flight, and retries 429 (waiting Retry-After, and
 * pausing every other request for that long too: Jira's limits are per account, not per request), 5xx and
 * network errors with jittered exponential backoff. Answers are parsed with narrow zod schemas of exactly
 * the fields we read, so a changed answer fails loudly here instead of as a wrong number in chat.
 */
export interface JiraHttpOptions {
  host: string;
  auth: JiraConfig['auth'];
  concurrency: number;
  maxRetries: number;
  timeoutMs: number;
  log: Logger;
  /** Test seams: a fetch, a sleep and a random source (for the jitter). */
  fetch?: typeof fetch;
  sleep?: (milliseconds: number) => Promise<void>;
  random?: () => number;
}

export interface JiraRequest<T> {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  schema: z.ZodType<T>;
  /** What the request is for, in error messages ("reading board 12's sprints"). */
  what: string;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 60_000;

export class JiraHttp {
  readonly host: string;
  readonly #options: JiraHttpOptions;
  readonly #fetch: typeof fetch;
  readonly #sleep: (milliseconds: number) => Promise<void>;
  readonly #random: () => number;
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];
  #pausedUntil = 0;
  /** Requests sent and 429s met, for sync reports and the bench. */
  readonly counters = { requests: 0, rateLimited: 0, retries: 0 };

  constructor(options: JiraHttpOptions) {
    this.#options = options;
    this.host = options.host.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? fetch;
    this.#sleep = options.sleep ?? ((milliseconds) => new Promise((done) => setTimeout(done, milliseconds)));
    this.#random = options.random ?? Math.random;
  }

  async request<T>(request: JiraRequest<T>): Promise<T> {
    await this.#acquire();
    try {
      return await this.#withRetries(request);
    } finally {
      this.#release();
    }
  }

  async #withRetries<T>(request: JiraRequest<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const pause = this.#pausedUntil - Date.now();
      if (pause > 0) await this.#sleep(pause);
      let response: Response;
      try {
        this.counters.requests += 1;
        response = await this.#send(request);
      } catch (error) {
        if (attempt >= this.#options.maxRetries) throw unreachable(request, this.host, error);
        await this.#backoff(request, attempt, `network: ${(error as Error).message}`);
        continue;
      }
      if (response.status === 429 || response.status === 503) {
        if (response.status === 429) this.counters.rateLimited += 1;
        const wait = retryAfterMs(response.headers.get('retry-after'));
        await response.body?.cancel();
        if (attempt >= this.#options.maxRetries) throw rateLimited(request, response.status, wait);
        if (wait !== null) {
          // Everyone waits: the limit is the account's, so other requests would only be refused too.
          this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + wait);
          this.counters.retries += 1;
          this.#options.log.info('jira-rate-limited', { what: request.what, waitMs: wait, attempt });
          continue;
        }
        await this.#backoff(request, attempt, `HTTP ${response.status}`);
        continue;
      }
      if (response.status >= 500) {
        await response.body?.cancel();
        if (attempt >= this.#options.maxRetries)
          throw new ChatOpsError(
            'DEPENDENCY_UNAVAILABLE',
            `Jira answered ${response.status} ${request.what}.`,
            {
              remedy: 'Jira is having trouble; try again in a few minutes.',
            },
          );
        await this.#backoff(request, attempt, `HTTP ${response.status}`);
        continue;
      }
      return this.#parse(request, response);
    }
  }

  async #send(request: JiraRequest<unknown>): Promise<Response> {
    const url = new URL(`${this.host}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json', ...authHeader(this.#options.auth) };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    return this.#fetch(url, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(this.#options.timeoutMs),
    });
  }

  async #parse<T>(request: JiraRequest<T>, response: Response): Promise<T> {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {}
    if (!response.ok) throw clientError(request, response.status, body);
    const parsed = request.schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ChatOpsError(
        'DEPENDENCY_UNAVAILABLE',
        `Jira's answer ${request.what} has an unexpected shape (${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'}).`,
        {
          remedy: 'Check that JIRA_HOST is a Jira Cloud site (or a proxy that passes its answers through).',
          retryable: false,
        },
      );
    }
    return parsed.data;
  }

  async #backoff(request: JiraRequest<unknown>, attempt: number, reason: string): Promise<void> {
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
    const delay = Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
    this.counters.retries += 1;
    this.#options.log.info('jira-request-retried', { what: request.what, reason, delayMs: delay, attempt });
    await this.#sleep(delay);
  }

  async #acquire(): Promise<void> {
    if (this.#inFlight < this.#options.concurrency) {
      this.#inFlight += 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#inFlight -= 1;
  }
}

function authHeader(auth: JiraConfig['auth']): Record<string, string> {
  if (auth.kind === 'basic')
    return { authorization: `Basic ${Buffer.from(`${auth.email}:${auth.token}`).toString('base64')}` };
  if (auth.kind === 'bearer') return { authorization: `Bearer ${auth.token}` };
  return {};
}

/** Retry-After is seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.min(seconds * 1000, 10 * 60_000));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.min(date - now, 10 * 60_000));
}

function messagesOf(body: unknown): string {
  if (typeof body !== 'object' || body === null) return typeof body === 'string' ? body.slice(0, 300) : '';
  const { errorMessages, errors, message } = body as {
    errorMessages?: unknown;
    errors?: unknown;
    message?: unknown;
  };
  const list = [
    ...(Array.isArray(errorMessages) ? errorMessages.map(String) : []),
    ...(errors && typeof errors === 'object' ? Object.values(errors).map(String) : []),
    ...(typeof message === 'string' ? [message] : []),
  ];
  return list.join('; ').slice(0, 500);
}

function clientError(request: JiraRequest<unknown>, status: number, body: unknown): ChatOpsError {
  const said = messagesOf(body);
  const detail = said ? `: ${said}` : '';
  if (status === 401)
    return new ChatOpsError('UNAUTHORIZED', `Jira refused the bot's credentials ${request.what}${detail}.`, {
      remedy: 'Check JIRA_EMAIL and JIRA_API_TOKEN (a revoked or mistyped token gives 401).',
    });
  if (status === 403)
    return new ChatOpsError('FORBIDDEN', `Jira did not allow ${request.what}${detail}.`, {
      remedy: "Give the bot's Jira account Browse permission on the project (and access to the board).",
    });
  if (status === 404)
    return new ChatOpsError('NOT_FOUND', `Jira found nothing ${request.what}${detail}.`, {
      remedy: 'Check the board id or project key (`/jira config` shows what this channel uses).',
    });
  if (status === 410)
    return new ChatOpsError('DEPENDENCY_UNAVAILABLE', `Jira no longer offers the API used ${request.what}.`, {
      remedy: 'Upgrade the bot: Atlassian removed this endpoint.',
      retryable: false,
    });
  return new ChatOpsError('VALIDATION_FAILED', `Jira rejected the request ${request.what}${detail}.`, {
    remedy: 'Check the board, project and statuses named (`/jira config`).',
  });
}

function rateLimited(request: JiraRequest<unknown>, status: number, wait: number | null): ChatOpsError {
  return new ChatOpsError('RATE_LIMITED', `Jira kept answering ${status} (rate limited) ${request.what}.`, {
    remedy: `Try again ${wait ? `in ${Math.ceil(wait / 1000)} s` : 'in a minute'}, or lower JIRA_CONCURRENCY.`,
  });
}

function unreachable(request: JiraRequest<unknown>, host: string, error: unknown): ChatOpsError {
  return new ChatOpsError(
    'DEPENDENCY_UNAVAILABLE',
    `Jira at ${host} could not be reached ${request.what}: ${(error as Error).message}.`,
    { remedy: 'Check JIRA_HOST and the network between the bot and Jira.', cause: error },
  );
}
