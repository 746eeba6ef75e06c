import { createHash, randomBytes } from 'node:crypto';
import { uuidv7 } from '../core/ids.ts';
import type { AuditLog } from './audit-log.ts';
import type { Database } from './database.ts';
import { ApiKey, Tenant } from './entities/index.ts';

export interface ApiKeyOwner {
  id: string;
  name: string;
  tenantId: string;
}

const KEY_PREFIX = 'cok_';

/** Hashes a key for storage and lookup. Keys are 256 random bits, so a plain SHA-256 is enough. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * REST API keys. The key is printed once at creation; only its hash is stored. Lookups are cached
 * briefly because every API request checks one.
 */
export class ApiKeys {
  readonly #database: Database;
  readonly #audit: AuditLog;
  readonly #cache = new Map<string, { owner: ApiKeyOwner | null; expiresAt: number }>();
  readonly #cacheMs: number;

  constructor(database: Database, audit: AuditLog, options: { cacheMs?: number } = {}) {
    this.#database = database;
    this.#audit = audit;
    this.#cacheMs = options.cacheMs ?? 30_000;
  }

  async create(name: string, tenantId: string): Promise<{ id: string; key: string }> {
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const em = this.#database.em();
    const id = uuidv7();
    em.create(ApiKey, {
      id,
      tenant: em.getReference(Tenant, tenantId),
      name,
      keyHash: hashApiKey(key),
      keyPrefix: key.slice(0, KEY_PREFIX.length + 6),
    });
    await em.flush();
    await this.#audit.append({
      tenantId,
      actor: 'cli',
      action: 'api-key-created',
      target: name,
      details: { id },
    });
    return { id, key };
  }

  async verify(key: string, now = Date.now()): Promise<ApiKeyOwner | null> {
    if (!key.startsWith(KEY_PREFIX)) return null;
    const hash = hashApiKey(key);
    const cached = this.#cache.get(hash);
    if (cached && cached.expiresAt > now) return cached.owner;
    const rows = await this.#database.sql<{ id: string; name: string; tenant_id: string }>(
      'update api_keys set last_used_at = now() where key_hash = $1 and revoked_at is null returning id, name, tenant_id',
      [hash],
    );
    const row = rows[0];
    const owner = row ? { id: row.id, name: row.name, tenantId: row.tenant_id } : null;
    this.#cache.set(hash, { owner, expiresAt: now + this.#cacheMs });
    return owner;
  }

  async list(
    tenantId: string,
  ): Promise<{ name: string; prefix: string; createdAt: Date; revoked: boolean }[]> {
    const rows = await this.#database
      .em()
      .find(ApiKey, { tenant: tenantId }, { orderBy: { createdAt: 'asc' } });
    return rows.map((row) => ({
      name: row.name,
      prefix: row.keyPrefix,
      createdAt: row.createdAt,
      revoked: row.revokedAt !== null && row.revokedAt !== undefined,
    }));
  }

  async revoke(name: string, tenantId: string): Promise<boolean> {
    const revoked = await this.#database
      .em()
      .nativeUpdate(ApiKey, { tenant: tenantId, name, revokedAt: null }, { revokedAt: new Date() });
    if (revoked > 0) {
      this.#cache.clear();
      await this.#audit.append({ tenantId, actor: 'cli', action: 'api-key-revoked', target: name });
    }
    return revoked > 0;
  }
}
