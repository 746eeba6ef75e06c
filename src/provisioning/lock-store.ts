import type { DeployEnvironment, EnvironmentLock, LockHolder, LocksPort } from '../core/deployments.ts';
import type { Database } from '../db/database.ts';

const COLUMNS =
  'environment, holder_key, holder_name, run_id, reason, channel, thread, expires_at, created_at';

/**
 * Environment locks: one row per tenant and environment (the primary key), taken with one statement that
 * inserts, or takes over a lock that expired or that the same holder already has. A lock cannot be held
 * twice, and a release names its holder, so a second deploy never frees the first one's lock.
 */
export class LockStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  portFor(tenantId: string): LocksPort {
    return {
      acquire: (environment, holder) => this.acquire(tenantId, environment, holder),
      release: (environment, holderKey, force) => this.release(tenantId, environment, holderKey, force),
      get: (environment) => this.get(tenantId, environment),
      list: () => this.list(tenantId),
    };
  }

  async acquire(
    tenantId: string,
    environment: DeployEnvironment,
    holder: LockHolder,
  ): Promise<{ acquired: true; lock: EnvironmentLock } | { acquired: false; lock: EnvironmentLock }> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `insert into environment_locks (tenant_id, environment, holder_key, holder_name, run_id, reason, channel, thread, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (tenant_id, environment) do update set
         holder_key = excluded.holder_key, holder_name = excluded.holder_name, run_id = excluded.run_id,
         reason = excluded.reason, channel = excluded.channel, thread = excluded.thread,
         expires_at = excluded.expires_at, created_at = now()
       where environment_locks.holder_key = excluded.holder_key
          or (environment_locks.expires_at is not null and environment_locks.expires_at <= now())
       returning ${COLUMNS}`,
      [
        tenantId,
        environment,
        holder.key,
        holder.name,
        holder.runId,
        holder.reason.slice(0, 500),
        holder.channel,
        holder.thread,
        holder.expiresAt?.toISOString() ?? null,
      ],
    );
    if (rows[0]) return { acquired: true, lock: toLock(rows[0]) };
    const held = await this.get(tenantId, environment);
    if (held) return { acquired: false, lock: held };
    // Released between our insert and our read: try once more.
    return this.acquire(tenantId, environment, holder);
  }

  async release(tenantId: string, environment: DeployEnvironment, holderKey: string, force = false) {
    const rows = await this.#database.sql(
      `delete from environment_locks where tenant_id = $1 and environment = $2 and ($3::boolean or holder_key = $4)
       returning environment`,
      [tenantId, environment, force, holderKey],
    );
    return rows.length > 0;
  }

  async get(tenantId: string, environment: DeployEnvironment): Promise<EnvironmentLock | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from environment_locks where tenant_id = $1 and environment = $2
          and (expires_at is null or expires_at > now())`,
      [tenantId, environment],
    );
    return rows[0] ? toLock(rows[0]) : null;
  }

  async list(tenantId: string): Promise<EnvironmentLock[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from environment_locks where tenant_id = $1 and (expires_at is null or expires_at > now())
        order by environment`,
      [tenantId],
    );
    return rows.map(toLock);
  }
}

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

function toLock(row: Record<string, unknown>): EnvironmentLock {
  return {
    environment: row.environment as DeployEnvironment,
    holderKey: String(row.holder_key),
    holderName: String(row.holder_name),
    runId: (row.run_id as string | null) ?? null,
    reason: String(row.reason),
    channel: String(row.channel),
    thread: String(row.thread),
    expiresAt: iso(row.expires_at),
    createdAt: iso(row.created_at) ?? '',
  };
}
