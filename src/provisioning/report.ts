import type { ClusterRecord, EnvironmentLock } from '../core/deployments.ts';
import type { Database } from '../db/database.ts';
import { ClusterStore } from './cluster-store.ts';
import { LockStore } from './lock-store.ts';

export interface DeploymentReport {
  /** Provisioning workflow runs created since `since`, newest first. */
  runs: {
    id: string;
    definition: string;
    title: string;
    status: string;
    requestedBy: string;
    createdAt: string;
    finishedAt: string | null;
    error: string | null;
  }[];
  clusters: ClusterRecord[];
  locks: EnvironmentLock[];
}

/**
 * What happened in deployments, for reports that read it (a `deployments` digest): the provisioning
 * runs since a time, the clusters and the environment locks held now. Read-only.
 */
export async function readDeploymentReport(
  database: Database,
  tenantId: string,
  since: Date,
): Promise<DeploymentReport> {
  const rows = await database.sql<Record<string, unknown>>(
    `select id, definition, title, status, requested_by, created_at, finished_at, error::text as error
       from workflow_runs where tenant_id = $1 and definition like 'provisioning.%' and created_at >= $2
      order by created_at desc limit 500`,
    [tenantId, since.toISOString()],
  );
  return {
    runs: rows.map((row) => ({
      id: String(row.id),
      definition: String(row.definition),
      title: String(row.title),
      status: String(row.status),
      requestedBy: String(row.requested_by),
      createdAt: new Date(row.created_at as string).toISOString(),
      finishedAt: row.finished_at ? new Date(row.finished_at as string).toISOString() : null,
      error: row.error ? ((JSON.parse(String(row.error)) as { message?: string }).message ?? null) : null,
    })),
    clusters: await new ClusterStore(database).list(tenantId),
    locks: await new LockStore(database).list(tenantId),
  };
}
