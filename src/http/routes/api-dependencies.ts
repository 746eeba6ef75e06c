import type { IncomingMessage } from 'node:http';
import { ChatOpsError } from '../../core/errors.ts';
import type { Intake, LiveEvents, Logger } from '../../core/ports.ts';
import type { Task } from '../../core/task.ts';
import type { WebInbound, WebRequest } from '../../core/web-inbound.ts';
import type { AuditInput } from '../../db/audit-log.ts';
import type { MessageStore, StoredMessage } from '../../db/message-store.ts';
import type { TaskLedger } from '../../db/task-ledger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { type ApiAuthOptions, type ApiPrincipal, authenticate } from '../api-auth.ts';
import {
  type ActingIdentity,
  actingIdentity,
  onBehalfOf,
  principalId,
  scopedSourceEventId,
} from '../api-identity.ts';
import { type RateLimiter, rateLimitHeaders } from '../rate-limit.ts';

/** What the REST API routes need; built in src/main.ts. */
export interface ApiDependencies {
  intake: Intake;
  /** The web adapter's receiver (adapters/web/receiver.ts): a message or a click becomes a queued task. */
  web: WebInbound;
  ledger: TaskLedger;
  messages: MessageStore;
  live: LiveEvents;
  rateLimiter: RateLimiter;
  auth: ApiAuthOptions;
  /** Where requests a key makes on someone's behalf are recorded (the append-only audit log). */
  audit: { appendBatched(entry: AuditInput): Promise<void> };
  metrics: Metrics;
  maxBodyBytes: number;
  log: Logger;
  /** How a stored message is shown to API clients (the web adapter adds rendered HTML). */
  present(message: StoredMessage): object;
}

/**
 * Authenticates and applies the rate limit of the authenticated principal — the API key, whatever name the
 * body gives; only `chatops dev`, which has no keys, counts per name (`devUser`). Returns the principal and
 * the headers to send.
 */
export async function admit(
  deps: ApiDependencies,
  req: IncomingMessage,
  devUser: string | null,
): Promise<{ principal: ApiPrincipal; headers: Record<string, string> }> {
  const principal = await authenticate(req, deps.auth);
  const decision = await deps.rateLimiter.check(`${principal.tenantId}:${principalId(principal, devUser)}`);
  const headers = rateLimitHeaders(decision);
  if (!decision.allowed) {
    const subject = principal.key ? `API key "${principal.key.name}"` : (devUser ?? 'anonymous');
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

/**
 * Records a request a key makes on someone's behalf — before it is accepted, so nothing acted for anyone
 * unrecorded (if the audit log cannot be written, the request fails and nothing is queued).
 */
export async function auditOnBehalf(
  deps: ApiDependencies,
  principal: ApiPrincipal,
  identity: ActingIdentity,
  details: Record<string, unknown>,
): Promise<void> {
  const via = identity.onBehalfOf;
  if (!via) return;
  await deps.audit.appendBatched({
    tenantId: principal.tenantId,
    actor: `key:${via.keyName}`,
    action: 'api-key-acted-on-behalf',
    target: `api:${identity.user.id}`,
    details: {
      summary: `key ${via.keyName} on behalf of ${identity.user.id}`,
      keyId: via.keyId,
      scope: via.scope,
      ...details,
    },
  });
}

/**
 * An admitted chat request as the web adapter's receiver takes it: its body and tenant, its event id when the
 * client sent an Idempotency-Key (scoped to tenant, caller and endpoint, see api-identity.ts), and who it acts
 * as, decided once the receiver knows what the request does (a click on Approve is a decision). A key acting
 * for someone is audited before the task is accepted, with what `audited` picks from the task.
 */
export function webRequest<Body extends { user?: string | undefined }>(
  deps: ApiDependencies,
  principal: ApiPrincipal,
  body: Body,
  endpoint: 'messages' | 'actions',
  key: string | undefined,
  audited: (task: Task) => Record<string, unknown>,
): WebRequest<Body> {
  const caller = principalId(principal, body.user);
  return {
    body,
    tenantId: principal.tenantId,
    sourceEventId:
      key === undefined ? undefined : scopedSourceEventId(endpoint, principal.tenantId, caller, key),
    identify: (purpose) => {
      const identity = actingIdentity(principal, body.user, purpose);
      return {
        user: identity.user,
        onBehalfOf: onBehalfOf(identity),
        beforeAccept: (task) =>
          auditOnBehalf(deps, principal, identity, {
            request: `POST /api/v1/${endpoint}`,
            taskId: task.id,
            ...audited(task),
            ...(key === undefined ? {} : { idempotencyKey: key }),
          }),
      };
    },
  };
}

/** Headers attached to an error by `admit` (rate-limit headers must go out with the 429). */
export function headersOf(error: unknown): Record<string, string> {
  return (error as { headers?: Record<string, string> })?.headers ?? {};
}
