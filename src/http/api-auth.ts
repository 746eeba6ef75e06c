import type { IncomingMessage } from 'node:http';
import { ChatOpsError } from '../core/errors.ts';
import type { ApiKeyOwner } from '../db/api-keys.ts';

/**
 * Who is calling the REST API (or /mcp): the key that authenticated the request and its tenant. In
 * `chatops dev` the API has no keys (`key: null`) and, on loopback only, trusts the name in the body.
 */
export interface ApiPrincipal {
  tenantId: string;
  key: ApiKeyOwner | null;
}

export interface ApiKeyVerifier {
  verify(key: string): Promise<ApiKeyOwner | null>;
}

export interface ApiAuthOptions {
  required: boolean;
  defaultTenant: string;
  keys: ApiKeyVerifier;
}

/**
 * Checks `Authorization: Bearer <key>`. In `chatops dev` the API is open without a key — and so trusts
 * whatever name a request carries — which is only acceptable for a person on the same machine: it answers
 * loopback callers addressing a loopback host name only (a web page cannot reach it through DNS rebinding).
 */
export async function authenticate(req: IncomingMessage, options: ApiAuthOptions): Promise<ApiPrincipal> {
  if (!options.required) {
    assertLoopback(req);
    return { tenantId: options.defaultTenant, key: null };
  }
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) {
    throw new ChatOpsError('UNAUTHORIZED', 'This API needs an API key.', {
      remedy:
        'Create one with `chatops api-key create --name <name>` and send it as "Authorization: Bearer <key>".',
    });
  }
  const owner = await options.keys.verify(match[1]);
  if (!owner) {
    throw new ChatOpsError('UNAUTHORIZED', 'The API key is unknown or revoked.', {
      remedy: 'Check the key, or create a new one with `chatops api-key create --name <name>`.',
    });
  }
  return { tenantId: owner.tenantId, key: owner };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function assertLoopback(req: IncomingMessage): void {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  const peer = req.socket.remoteAddress ?? '';
  const loopbackPeer = peer === '::1' || /^(::ffff:)?127\./.test(peer);
  if (LOOPBACK_HOSTS.has(host) && loopbackPeer) return;
  throw new ChatOpsError(
    'FORBIDDEN',
    `The API of chatops dev has no keys, so it only answers on loopback (not "${host}" from ${peer || 'an unknown address'}).`,
    {
      remedy:
        'Connect to http://127.0.0.1:<port> from this machine, or run `chatops gateway` with API keys (`chatops api-key create`).',
    },
  );
}
