import type { IncomingMessage } from 'node:http';
import { ChatOpsError } from '../../core/errors.ts';
import type { Intake, LiveEvents, Logger } from '../../core/ports.ts';
import type { MessageStore, StoredMessage } from '../../db/message-store.ts';
import type { TaskLedger } from '../../db/task-ledger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { type ApiAuthOptions, type ApiPrincipal, authenticate } from '../api-auth.ts';
import { type RateLimiter, rateLimitHeaders } from '../rate-limit.ts';

/** What the REST API routes need; built in src/main.ts. */
export interface ApiDependencies {
  intake: Intake;
  ledger: TaskLedger;
  messages: MessageStore;
  live: LiveEvents;
  rateLimiter: RateLimiter;
  auth: ApiAuthOptions;
  metrics: Metrics;
  maxBodyBytes: number;
  log: Logger;
  /** How a stored message is shown to API clients (the web adapter adds rendered HTML). */
  present(message: StoredMessage): object;
}

/** Authenticates and applies the per-user rate limit; returns the principal and the headers to send. */
export async function admit(
  deps: ApiDependencies,
  req: IncomingMessage,
  user: string | null,
): Promise<{ principal: ApiPrincipal; headers: Record<string, string> }> {
  const principal = await authenticate(req, deps.auth);
  const subject = user ?? principal.keyName ?? 'anonymous';
  const decision = await deps.rateLimiter.check(`${principal.tenantId}:${subject}`);
  const headers = rateLimitHeaders(decision);
  if (!decision.allowed) {
    throw Object.assign(
      new ChatOpsError('RATE_LIMITED', `${subject} sent more than ${decision.limit} requests this minute.`, {
        remedy: `Wait ${decision.resetSeconds} s (see Retry-After), or raise API_RATE_LIMIT_PER_MINUTE.`,
        details: { limit: decision.limit, retryAfterSeconds: decision.resetSeconds },
      }),
      { headers: { ...headers, 'retry-after': String(decision.resetSeconds) } },
    );
  }
  return { principal, headers };
}

/** Headers attached to an error by `admit` (rate-limit headers must go out with the 429). */
export function headersOf(error: unknown): Record<string, string> {
  return (error as { headers?: Record<string, string> })?.headers ?? {};
}
