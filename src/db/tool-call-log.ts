import type { Database } from './database.ts';

export interface ToolCallEntry {
  id: string;
  taskId: string | null;
  tenantId: string;
  tool: string;
  origin: 'model' | 'command' | 'approval' | 'skill' | 'mcp';
  argsHash: string;
  /** Already redacted. */
  args: Record<string, unknown>;
  status: 'succeeded' | 'failed' | 'approval_requested' | 'denied';
  approvalId: string | null;
  error: string | null;
  durationMs: number;
}

/** Every tool call the bot made, refused or held for approval: the record of what ran and why. */
export class ToolCallLog {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async record(entry: ToolCallEntry): Promise<void> {
    await this.#database.sql(
      `insert into tool_calls (id, task_id, tenant_id, tool, origin, args_hash, args, status, approval_id, error, duration_ms)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11)`,
      [
        entry.id,
        entry.taskId,
        entry.tenantId,
        entry.tool,
        entry.origin,
        entry.argsHash,
        JSON.stringify(entry.args),
        entry.status,
        entry.approvalId,
        entry.error,
        entry.durationMs,
      ],
    );
  }

  async forTask(taskId: string): Promise<Omit<ToolCallEntry, 'id' | 'taskId' | 'tenantId'>[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select tool, origin, args_hash, args, status, approval_id, error, duration_ms from tool_calls
        where task_id = $1 order by created_at, id`,
      [taskId],
    );
    return rows.map((row) => ({
      tool: String(row.tool),
      origin: row.origin as ToolCallEntry['origin'],
      argsHash: String(row.args_hash),
      args: (typeof row.args === 'string' ? JSON.parse(row.args) : row.args) as Record<string, unknown>,
      status: row.status as ToolCallEntry['status'],
      approvalId: (row.approval_id as string | null) ?? null,
      error: (row.error as string | null) ?? null,
      durationMs: Number(row.duration_ms),
    }));
  }
}
