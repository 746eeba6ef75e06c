import type { ClusterRecord, ClustersPort, DeployEnvironment } from '../core/deployments.ts';
import type { Database } from '../db/database.ts';

const COLUMNS = `id, name, platform, environment, size, region, nodes, status, plan_hash, requested_by, run_url,
  expires_at, created_at, updated_at`;
const ACTIVE = ['provisioning', 'active', 'rolling-back', 'destroying'];

/** The clusters /deploy-cluster made: one row per deploy run, with its status and TTL. */
export class ClusterStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  portFor(tenantId: string): ClustersPort {
    return {
      record: (cluster) => this.record(tenantId, cluster),
      update: (id, change) => this.update(tenantId, id, change),
      find: (idOrPrefix) => this.find(tenantId, idOrPrefix),
      list: (filter) => this.list(tenantId, filter),
    };
  }

  async record(
    tenantId: string,
    cluster: Omit<ClusterRecord, 'createdAt' | 'updatedAt'>,
  ): Promise<ClusterRecord> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `insert into clusters (id, tenant_id, name, platform, environment, size, region, nodes, status, plan_hash,
         requested_by, run_url, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       on conflict (id) do update set status = clusters.status returning ${COLUMNS}`,
      [
        cluster.id,
        tenantId,
        cluster.name,
        cluster.platform,
        cluster.environment,
        cluster.size,
        cluster.region,
        cluster.nodes,
        cluster.status,
        cluster.planHash,
        cluster.requestedBy,
        cluster.runUrl,
        cluster.expiresAt,
      ],
    );
    return toCluster(rows[0] ?? {});
  }

  async update(
    tenantId: string,
    id: string,
    change: Partial<Pick<ClusterRecord, 'status' | 'runUrl' | 'expiresAt'>>,
  ): Promise<ClusterRecord | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `update clusters set status = coalesce($3, status), run_url = coalesce($4, run_url),
         expires_at = case when $5::boolean then $6::timestamptz else expires_at end, updated_at = now()
        where tenant_id = $1 and id = $2 returning ${COLUMNS}`,
      [
        tenantId,
        id,
        change.status ?? null,
        change.runUrl ?? null,
        'expiresAt' in change,
        change.expiresAt ?? null,
      ],
    );
    return rows[0] ? toCluster(rows[0]) : null;
  }

  async find(tenantId: string, idOrPrefix: string): Promise<ClusterRecord | null> {
    const prefix = idOrPrefix.trim().toLowerCase();
    if (!/^[0-9a-f-]{6,36}$/.test(prefix)) return null;
    const rows = await this.#database.sql<Record<string, unknown>>(
      // Ids are time-ordered (uuidv7), so people are shown their random end: match either end.
      `select ${COLUMNS} from clusters where tenant_id = $1 and (id::text like $2 || '%' or id::text like '%' || $2)
        order by created_at desc limit 2`,
      [tenantId, prefix],
    );
    return rows.length === 1 && rows[0] ? toCluster(rows[0]) : null;
  }

  async list(
    tenantId: string,
    filter: { environment?: DeployEnvironment; active?: boolean } = {},
  ): Promise<ClusterRecord[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from clusters where tenant_id = $1 and ($2::text is null or environment = $2)
          and (not $3::boolean or status = any($4::text[]))
        order by created_at desc limit 200`,
      [tenantId, filter.environment ?? null, filter.active ?? false, ACTIVE],
    );
    return rows.map(toCluster);
  }
}

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

function toCluster(row: Record<string, unknown>): ClusterRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    platform: row.platform as ClusterRecord['platform'],
    environment: row.environment as ClusterRecord['environment'],
    size: row.size as ClusterRecord['size'],
    region: String(row.region),
    nodes: Number(row.nodes),
    status: row.status as ClusterRecord['status'],
    planHash: String(row.plan_hash),
    requestedBy: String(row.requested_by),
    runUrl: (row.run_url as string | null) ?? null,
    expiresAt: iso(row.expires_at),
    createdAt: iso(row.created_at) ?? '',
    updatedAt: iso(row.updated_at) ?? '',
  };
}
