import type { DeploymentReport } from '../core/digest-sources.ts';
import type { Database } from '../db/database.ts';
import { ClusterStore } from './cluster-store.ts';
import { LockStore } from './lock-store.ts';

/**
 * What happened in deployments, for reports that read it (the `deployments` digest): the provisioning
 * runs started or finished after `since` (up to `until`), newest first, and the clusters and environment
 * locks as they are now. A run that started before `since` and ended inside the window is included, so a
 * deploy that finishes (or is rolled back) in a digest's period is in that digest. Read-only.
 */
export async function readDeploymentReport(
  database: Database,
  tenantId: string,
  since: Date,
  until: Date = new Date(),
): Promise<DeploymentReport> {
  const rows = await database.sql<Record<string, unknown>>(
    // Provisioning inputs carry the requester's name; `requested_by` is their `platform:user` id.
    `select id, definition, title, status, coalesce(input->>'requester', requested_by) as requested_by, created_at,
            finished_at, error::text as error
       from workflow_runs where tenant_id = $1 and definition like 'provisioning.%'
        and ((created_at > $2 and created_at <= $3) or (finished_at > $2 and finished_at <= $3))
      order by created_at desc limit 500`,
    [tenantId, since.toISOString(), until.toISOString()],
  );
  const clusters = await new ClusterStore(database).list(tenantId);
  const pipelines = new Map(clusters.map((cluster) => [cluster.id, cluster.runUrl]));
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
      url: pipelines.get(String(row.id)) ?? null,
    })),
    clusters,
    locks: await new LockStore(database).list(tenantId),
  };
}
