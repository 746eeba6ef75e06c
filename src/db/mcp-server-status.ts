import { hostname } from 'node:os';
import type { Database } from './database.ts';

export interface McpServerStatus {
  name: string;
  transport: string;
  status: string;
  tools: number;
  lastError: string | null;
  reportedBy: string;
  updatedAt: string;
}

/**
 * The last known health of each MCP server. Workers hold the connections and write here; gateways (which
 * connect to no MCP server) read it for /health.
 */
export class McpServerStatusStore {
  readonly #database: Database;
  readonly #reporter = `${hostname()}:${process.pid}`;

  constructor(database: Database) {
    this.#database = database;
  }

  async report(entry: {
    name: string;
    transport: string;
    status: string;
    tools: number;
    error?: string;
  }): Promise<void> {
    await this.#database.sql(
      `insert into mcp_servers (name, transport, status, tools, last_error, reported_by, updated_at)
       values ($1, $2, $3, $4, $5, $6, now())
       on conflict (name) do update set transport = excluded.transport, status = excluded.status, tools = excluded.tools,
         last_error = excluded.last_error, reported_by = excluded.reported_by, updated_at = now()`,
      [entry.name, entry.transport, entry.status, entry.tools, entry.error ?? null, this.#reporter],
    );
  }

  async all(): Promise<McpServerStatus[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      'select name, transport, status, tools, last_error, reported_by, updated_at from mcp_servers order by name',
    );
    return rows.map((row) => ({
      name: String(row.name),
      transport: String(row.transport),
      status: String(row.status),
      tools: Number(row.tools),
      lastError: (row.last_error as string | null) ?? null,
      reportedBy: String(row.reported_by),
      updatedAt: new Date(row.updated_at as string).toISOString(),
    }));
  }
}
