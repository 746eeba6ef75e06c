import { createHash, randomBytes } from 'node:crypto';
import { Batcher } from '../core/batcher.ts';
import { ChatOpsError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { AuditLog } from './audit-log.ts';
import type { Database } from './database.ts';
import { ApiKey, Tenant } from './entities/index.ts';

/**
 * What an API key may do. A key is an identity of its own (a service principal, `key:<name>`) or, bound to
 * one person with `--user`, that person's personal token; either way it acts as itself unless a scope says
 * otherwise.
 */
export const API_SCOPES = {
  chat: 'post messages and click buttons as the key itself (or as its person), read tasks, threads and approvals, use /mcp',
  knowledge: 'manage and search the knowledge base over /api/v1/kb (every collection of the tenant)',
  digests: 'manage scheduled digests over /api/v1/digests (every digest of the tenant, operator options)',
  'act-as': 'name another person in a request\'s "user" (audited as "key K on behalf of U")',
  'decide-as': 'decide approvals (Approve / Reject) for the person named in "user" (audited)',
} as const;
export type ApiScope = keyof typeof API_SCOPES;

/** A new key can chat as itself and nothing more; everything else is asked for when it is created. */
export const DEFAULT_SCOPES: readonly ApiScope[] = ['chat'];

export function isApiScope(value: string): value is ApiScope {
  return Object.hasOwn(API_SCOPES, value);
}

/** `chat,act-as` → the scopes, or a usage error naming the unknown ones. */
export function parseScopes(list: string): ApiScope[] {
  const names = [
    ...new Set(
      list
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = names.filter((name) => !isApiScope(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new ChatOpsError('VALIDATION_FAILED', `Unknown API key scope: ${unknown.join(', ') || '(none)'}.`, {
      remedy: `Use a comma-separated list of ${Object.keys(API_SCOPES).join(', ')}.`,
    });
  }
  return names as ApiScope[];
}

/** A person's API user name, as the REST API accepts it in `user` (no ":": never mistaken for a key). */
export const API_USER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,79}$/;

export interface ApiKeyOwner {
  id: string;
  name: string;
  tenantId: string;
  scopes: readonly ApiScope[];
  /** The person a personal token acts as; null for a service key. */
  userId: string | null;
}

export interface ApiKeyListing {
  name: string;
  prefix: string;
  scopes: readonly ApiScope[];
  userId: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revoked: boolean;
}

const KEY_PREFIX = 'cok_';

/** Hashes a key for storage and lookup. Keys are 256 random bits, so a plain SHA-256 is enough. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

interface KeyRow {
  id: string;
  key_hash: string;
  name: string;
  tenant_id: string;
  scopes: string[];
  user_id: string | null;
}

// One statement finds the key and, at most once a minute, stamps last_used_at: a lookup that changes no row
// writes no WAL, so the hot path is a read of one unique index.
const LOOKUP = (match: string) => `with found as (
    select id, key_hash, name, tenant_id, scopes, user_id, last_used_at from api_keys
     where ${match} and revoked_at is null
  ), touched as (
    update api_keys set last_used_at = now()
     where id in (select id from found where last_used_at is null or last_used_at < now() - interval '1 minute')
  )
  select id, key_hash, name, tenant_id, scopes, user_id from found`;

/**
 * REST API keys. The key is printed once at creation; only its hash is stored. Every request looks its key
 * up in the database — no cache — so a revoke or a change of scopes (made by the CLI, in another process)
 * holds from the very next request on every gateway. Concurrent lookups share one statement (see Batcher).
 */
export class ApiKeys {
  readonly #database: Database;
  readonly #audit: AuditLog;
  readonly #lookups: Batcher<string, ApiKeyOwner | null>;

  constructor(database: Database, audit: AuditLog) {
    this.#database = database;
    this.#audit = audit;
    this.#lookups = new Batcher(
      async (hashes) => {
        const rows = await database.sql<KeyRow>(LOOKUP('key_hash = any($1::text[])'), [hashes]);
        const byHash = new Map(rows.map((row) => [row.key_hash, ownerOf(row)]));
        return hashes.map((hash) => byHash.get(hash) ?? null);
      },
      {
        one: async (hash) => {
          const [row] = await database.sql<KeyRow>(LOOKUP('key_hash = $1'), [hash]);
          return row ? ownerOf(row) : null;
        },
      },
    );
  }

  async create(
    name: string,
    tenantId: string,
    options: { scopes?: readonly ApiScope[]; userId?: string; actor?: string } = {},
  ): Promise<{ id: string; key: string; scopes: readonly ApiScope[] }> {
    const scopes = options.scopes && options.scopes.length > 0 ? options.scopes : DEFAULT_SCOPES;
    if (options.userId !== undefined && !API_USER_NAME.test(options.userId)) {
      throw new ChatOpsError('VALIDATION_FAILED', `"${options.userId}" is not an API user name.`, {
        remedy:
          'Use 1-80 letters, digits, ".", "_", "@" or "-", as the person is named in the web chat and API.',
      });
    }
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const em = this.#database.em();
    const id = uuidv7();
    em.create(ApiKey, {
      id,
      tenant: em.getReference(Tenant, tenantId),
      name,
      keyHash: hashApiKey(key),
      keyPrefix: key.slice(0, KEY_PREFIX.length + 6),
      scopes: [...scopes],
      userId: options.userId ?? null,
    });
    await em.flush();
    await this.#audit.append({
      tenantId,
      actor: options.actor ?? 'cli',
      action: 'api-key-created',
      target: name,
      details: { id, scopes, user: options.userId ?? null },
    });
    return { id, key, scopes };
  }

  /**
   * The key's owner, or null for an unknown or revoked key. Never cached: see the class comment. (Lookups of
   * one key may share a batch: it is a read, and a busy integration sends its key many times at once.)
   */
  verify(key: string): Promise<ApiKeyOwner | null> {
    if (!key.startsWith(KEY_PREFIX)) return Promise.resolve(null);
    return this.#lookups.submit(hashApiKey(key));
  }

  async list(tenantId: string): Promise<ApiKeyListing[]> {
    const rows = await this.#database
      .em()
      .find(ApiKey, { tenant: tenantId }, { orderBy: { createdAt: 'asc' } });
    return rows.map((row) => ({
      name: row.name,
      prefix: row.keyPrefix,
      scopes: (row.scopes ?? []).filter(isApiScope),
      userId: row.userId ?? null,
      createdAt: row.createdAt,
      lastUsedAt: row.lastUsedAt ?? null,
      revoked: row.revokedAt !== null && row.revokedAt !== undefined,
    }));
  }

  /** Replaces an active key's scopes (e.g. to take `act-as` from a key made before scopes existed). */
  async setScopes(
    name: string,
    tenantId: string,
    scopes: readonly ApiScope[],
    actor = 'cli',
  ): Promise<boolean> {
    const changed = await this.#database
      .em()
      .nativeUpdate(ApiKey, { tenant: tenantId, name, revokedAt: null }, { scopes: [...scopes] });
    if (changed > 0) {
      await this.#audit.append({
        tenantId,
        actor,
        action: 'api-key-scopes-changed',
        target: name,
        details: { scopes },
      });
    }
    return changed > 0;
  }

  async revoke(name: string, tenantId: string, actor = 'cli'): Promise<boolean> {
    const revoked = await this.#database
      .em()
      .nativeUpdate(ApiKey, { tenant: tenantId, name, revokedAt: null }, { revokedAt: new Date() });
    if (revoked > 0) await this.#audit.append({ tenantId, actor, action: 'api-key-revoked', target: name });
    return revoked > 0;
  }
}

function ownerOf(row: KeyRow): ApiKeyOwner {
  return {
    id: row.id,
    name: row.name,
    tenantId: row.tenant_id,
    scopes: (row.scopes ?? []).filter(isApiScope),
    userId: row.user_id,
  };
}
