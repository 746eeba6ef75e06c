import type { Platform, TaskFile } from '../core/task.ts';
import type { Database } from './database.ts';

/** Files people attached to messages in a thread, oldest first (from the task ledger's payloads). */
export async function threadFiles(
  database: Database,
  where: { tenantId: string; platform: Platform; channel: string; thread: string },
): Promise<TaskFile[]> {
  const rows = await database.sql<{ payload: unknown }>(
    `select payload from tasks where tenant_id = $1 and platform = $2 and channel = $3 and thread = $4
       and jsonb_array_length(coalesce(payload->'files', '[]'::jsonb)) > 0 order by received_at`,
    [where.tenantId, where.platform, where.channel, where.thread],
  );
  const files: TaskFile[] = [];
  for (const row of rows) {
    const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as {
      files?: TaskFile[];
    };
    files.push(...(payload.files ?? []));
  }
  return files;
}
