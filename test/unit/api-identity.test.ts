import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { type ChatOpsError, isChatOpsError } from '../../src/core/errors.ts';
import { type ApiKeyOwner, type ApiScope, parseScopes } from '../../src/db/api-keys.ts';
import { type ApiPrincipal, authenticate } from '../../src/http/api-auth.ts';
import {
  type ActingPurpose,
  actingIdentity,
  principalId,
  scopedSourceEventId,
} from '../../src/http/api-identity.ts';

const key = (scopes: ApiScope[], userId: string | null = null): ApiPrincipal => ({
  tenantId: 'default',
  key: { id: 'k-1', name: 'bridge', tenantId: 'default', scopes, userId } satisfies ApiKeyOwner,
});
const dev: ApiPrincipal = { tenantId: 'default', key: null };

function outcome(principal: ApiPrincipal, named: string | undefined, purpose: ActingPurpose) {
  try {
    const identity = actingIdentity(principal, named, purpose);
    return { user: identity.user.id, onBehalfOf: identity.onBehalfOf?.scope ?? null };
  } catch (error) {
    if (!isChatOpsError(error)) throw error;
    return {
      refused: error.code,
      scope: (error.details as { requiredScope?: string }).requiredScope ?? null,
    };
  }
}

// Who a request acts as, as a table: the key decides, a name in the body only with a scope.
describe('actingIdentity', () => {
  const cases: [string, ApiPrincipal, string | undefined, ActingPurpose, ReturnType<typeof outcome>][] = [
    ['dev: the body names the user', dev, 'alice', 'chat', { user: 'alice', onBehalfOf: null }],
    ['dev: a decision by name too', dev, 'bob', 'decide', { user: 'bob', onBehalfOf: null }],
    ['service key, nobody named', key(['chat']), undefined, 'chat', { user: 'key:bridge', onBehalfOf: null }],
    [
      'service key naming alice',
      key(['chat']),
      'alice',
      'chat',
      { refused: 'SCOPE_REQUIRED', scope: 'act-as' },
    ],
    [
      'act-as naming alice',
      key(['chat', 'act-as']),
      'alice',
      'chat',
      { user: 'alice', onBehalfOf: 'act-as' },
    ],
    [
      'service key deciding as itself',
      key(['chat', 'act-as']),
      undefined,
      'decide',
      { refused: 'PERSONAL_TOKEN_REQUIRED', scope: null },
    ],
    [
      'act-as deciding for bob',
      key(['chat', 'act-as']),
      'bob',
      'decide',
      { refused: 'SCOPE_REQUIRED', scope: 'decide-as' },
    ],
    [
      'decide-as deciding for bob',
      key(['chat', 'decide-as']),
      'bob',
      'decide',
      { user: 'bob', onBehalfOf: 'decide-as' },
    ],
    [
      'personal token deciding',
      key(['chat'], 'carol'),
      undefined,
      'decide',
      { user: 'carol', onBehalfOf: null },
    ],
    [
      'personal token naming itself',
      key(['chat'], 'carol'),
      'carol',
      'decide',
      { user: 'carol', onBehalfOf: null },
    ],
    [
      'personal token naming bob',
      key(['chat'], 'carol'),
      'bob',
      'decide',
      { refused: 'SCOPE_REQUIRED', scope: 'decide-as' },
    ],
    [
      'a key without chat',
      key(['knowledge']),
      undefined,
      'chat',
      { refused: 'SCOPE_REQUIRED', scope: 'chat' },
    ],
  ];
  it.each(cases)('%s', (_name, principal, named, purpose, expected) => {
    expect(outcome(principal, named, purpose)).toEqual(expected);
  });

  it('says which scope is missing and how to get it', () => {
    const error = (() => {
      try {
        actingIdentity(key(['chat']), 'alice', 'chat');
      } catch (thrown) {
        return thrown as ChatOpsError;
      }
    })();
    expect(error?.httpStatus).toBe(403);
    expect(error?.explanation).toContain('chatops api-key update --name bridge --scopes chat,act-as');
    expect(error?.explanation).toContain('--user <person>');
  });
});

describe('scopes and idempotency scopes', () => {
  it('parses a scope list and refuses unknown names', () => {
    expect(parseScopes('chat, act-as,chat')).toEqual(['chat', 'act-as']);
    expect(() => parseScopes('chat,admin')).toThrow(/Unknown API key scope: admin/);
    expect(() => parseScopes(',')).toThrow(/Unknown API key scope/);
  });

  it('scopes an Idempotency-Key by tenant, principal and endpoint, keeping it readable', () => {
    const id = scopedSourceEventId('messages', 'default', principalId(key(['chat'])), 'K-1');
    expect(id).toMatch(/^messages\.[0-9a-f]{24}\.K-1$/);
    expect(scopedSourceEventId('messages', 'other', principalId(key(['chat'])), 'K-1')).not.toBe(id);
    expect(scopedSourceEventId('actions', 'default', principalId(key(['chat'])), 'K-1')).not.toBe(id);
    expect(scopedSourceEventId('messages', 'default', principalId(dev, 'alice'), 'K-1')).not.toBe(id);
    expect(scopedSourceEventId('messages', 'default', 'p', 'k'.repeat(200)).length).toBeLessThanOrEqual(255);
  });
});

// `chatops dev` has no keys, so its API trusts names: it must only answer this machine.
describe('authenticate without keys (chatops dev)', () => {
  const options = {
    required: false,
    defaultTenant: 'default',
    keys: { verify: async () => null },
  };
  const request = (host: string, remoteAddress: string) =>
    ({ headers: { host }, socket: { remoteAddress } }) as unknown as IncomingMessage;

  it('answers loopback callers addressing a loopback host', async () => {
    for (const [host, peer] of [
      ['127.0.0.1:3000', '127.0.0.1'],
      ['localhost:3000', '::ffff:127.0.0.1'],
      ['[::1]:3000', '::1'],
    ] as const) {
      await expect(authenticate(request(host, peer), options)).resolves.toEqual({
        tenantId: 'default',
        key: null,
      });
    }
  });

  it('refuses another host name (DNS rebinding) and another machine', async () => {
    await expect(authenticate(request('evil.example:3000', '127.0.0.1'), options)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(authenticate(request('127.0.0.1:3000', '192.168.1.20'), options)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      remedy: expect.stringContaining('chatops gateway'),
    });
  });
});
