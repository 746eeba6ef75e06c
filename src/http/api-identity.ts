import { createHash } from 'node:crypto';
import { ChatOpsError } from '../core/errors.ts';
import type { OnBehalfOf, UserRef } from '../core/task.ts';
import type { ApiKeyOwner, ApiScope } from '../db/api-keys.ts';
import type { ApiPrincipal } from './api-auth.ts';

/**
 * Who a REST API (or /mcp) request acts as, from the key that authenticated it — never from a name in the
 * body alone. A service key acts as itself (`key:<name>`), a personal token as its person. Naming another
 * person in `user` needs the `act-as` scope; deciding an approval needs a person: the decider's own token,
 * or a key with `decide-as` naming them. In `chatops dev` (no keys, loopback only) the body's name is used.
 */
export interface ActingIdentity {
  user: UserRef;
  /** Set when a key acts for someone else: recorded in the audit log as "key K on behalf of U". */
  onBehalfOf: { keyId: string; keyName: string; scope: OnBehalfOf['scope'] } | null;
}

/** What the request does: `chat` (post, click, list) or `decide` (an approval's Approve / Reject). */
export type ActingPurpose = 'chat' | 'decide';

/** The user id a service key acts as. ":" never appears in a person's API name, so it is never a person. */
export function keyUserId(keyName: string): string {
  return `key:${keyName}`;
}

/** Who a key is when it names nobody: its person (a personal token), or the key itself (a service key). */
export function ownUser(key: Pick<ApiKeyOwner, 'name' | 'userId'>): UserRef {
  return key.userId
    ? { id: key.userId, name: key.userId }
    : { id: keyUserId(key.name), name: `${key.name} (API key)` };
}

/** What a task records of a key acting for someone (null when the user is the key or its person). */
export function onBehalfOf(identity: ActingIdentity): OnBehalfOf | undefined {
  const via = identity.onBehalfOf;
  return via ? { apiKey: via.keyName, scope: via.scope } : undefined;
}

/**
 * The authenticated principal, for rate limits and idempotency: the key's id, or in `chatops dev` (no keys)
 * the name the request gives.
 */
export function principalId(principal: ApiPrincipal, devUser?: string | null): string {
  return principal.key ? `key:${principal.key.id}` : `user:${devUser ?? 'anonymous'}`;
}

/** Refuses a key that lacks a scope, saying which scope and how to get a key that has it. */
export function requireScope(principal: ApiPrincipal, scope: ApiScope, doing: string): void {
  const key = principal.key;
  if (!key || key.scopes.includes(scope)) return;
  throw scopeMissing(key.name, key.scopes, scope, doing);
}

export function actingIdentity(
  principal: ApiPrincipal,
  named: string | undefined,
  purpose: ActingPurpose,
): ActingIdentity {
  const key = principal.key;
  if (!key) {
    if (!named) {
      throw new ChatOpsError(
        'VALIDATION_FAILED',
        'Name the person in "user" (chatops dev has no API keys).',
        {
          remedy: 'Send "user": "<your name>", as the web chat does.',
          details: { fields: [{ field: 'user', message: 'required in chatops dev' }] },
        },
      );
    }
    return { user: { id: named, name: named }, onBehalfOf: null };
  }
  requireScope(principal, 'chat', 'use the chat API');
  const own = key.userId;
  if (named === undefined || named === own) {
    if (purpose === 'decide' && !own) throw personRequired(key.name, key.scopes);
    return { user: ownUser(key), onBehalfOf: null };
  }
  const scope: OnBehalfOf['scope'] = purpose === 'decide' ? 'decide-as' : 'act-as';
  if (!key.scopes.includes(scope)) {
    throw scopeMissing(
      key.name,
      key.scopes,
      scope,
      purpose === 'decide' ? `decide approvals for "${named}"` : `act on behalf of "${named}"`,
    );
  }
  return { user: { id: named, name: named }, onBehalfOf: { keyId: key.id, keyName: key.name, scope } };
}

/**
 * An Idempotency-Key means "this request, again" only from the same tenant, principal and endpoint: the
 * same key from another tenant or on another endpoint is another request. The scope is hashed (bounded
 * length, no separators to escape) and the client's key kept readable at the end.
 */
export function scopedSourceEventId(
  endpoint: 'messages' | 'actions',
  tenantId: string,
  principal: string,
  key: string,
): string {
  const scope = createHash('sha256').update(`${tenantId}\u0000${principal}\u0000${endpoint}`).digest('hex');
  return `${endpoint}.${scope.slice(0, 24)}.${key}`;
}

function scopeMissing(
  keyName: string,
  scopes: readonly ApiScope[],
  scope: ApiScope,
  doing: string,
): ChatOpsError {
  const wanted = [...new Set([...scopes, scope])].join(',');
  const alternative =
    scope === 'act-as'
      ? ' Or leave out "user" to act as the key itself, or use that person\'s own token (`chatops api-key create --name <name> --user <person>`).'
      : scope === 'decide-as'
        ? " Or click with the decider's own token (`chatops api-key create --name <name> --user <approver>`)."
        : '';
  return new ChatOpsError(
    'SCOPE_REQUIRED',
    `API key "${keyName}" may not ${doing}: that needs the scope "${scope}".`,
    {
      remedy: `An administrator grants it with \`chatops api-key update --name ${keyName} --scopes ${wanted}\` (or creates a key with \`--scopes ${wanted}\`).${alternative}`,
      details: { requiredScope: scope, keyScopes: scopes },
    },
  );
}

function personRequired(keyName: string, scopes: readonly ApiScope[]): ChatOpsError {
  const mayNameDecider = scopes.includes('decide-as');
  return new ChatOpsError(
    'PERSONAL_TOKEN_REQUIRED',
    `Deciding an approval needs the decider's own identity; API key "${keyName}" is a service key, not a person.`,
    {
      remedy: mayNameDecider
        ? 'Name the decider in "user": this key has the scope decide-as.'
        : 'Click with the approver\'s personal token (`chatops api-key create --name <name> --user <approver>`), or with a key that has the scope decide-as and names the approver in "user".',
      details: { keyKind: 'service', keyScopes: scopes },
    },
  );
}
