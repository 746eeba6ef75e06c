import type { IncomingMessage } from 'node:http';
import { ChatOpsError } from '../core/errors.ts';

/** Who is calling the REST API: the tenant its key belongs to (or the default tenant in `chatops dev`). */
export interface ApiPrincipal {
  tenantId: string;
  keyName: string | null;
}

export interface ApiKeyVerifier {
  verify(key: string): Promise<{ name: string; tenantId: string } | null>;
}

export interface ApiAuthOptions {
  required: boolean;
  defaultTenant: string;
  keys: ApiKeyVerifier;
}

/** Checks `Authorization: Bearer <key>`; in `chatops dev` the API is open on loopback and needs no key. */
export async function authenticate(req: IncomingMessage, options: ApiAuthOptions): Promise<ApiPrincipal> {
  if (!options.required) return { tenantId: options.defaultTenant, keyName: null };
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
  return { tenantId: owner.tenantId, keyName: owner.name };
}
