import { Migration } from '@mikro-orm/migrations';

/**
 * The supervisor's tables: model usage and estimated cost per task, tool calls (run, denied or held for
 * approval), the last known health of each MCP server, and summaries of long threads.
 */
export class Migration20261123200000AgentTables extends Migration {
  override name = 'Migration20261123200000_agent_tables';

  override up(): void {
    this.addSql(`create table llm_usage (
      id bigserial primary key,
      task_id uuid null,
      tenant_id text not null,
      purpose text not null,
      model text not null,
      input_tokens int not null,
      output_tokens int not null,
      cache_read_tokens int not null,
      cache_write_tokens int not null,
      cost_usd double precision not null,
      duration_ms int not null,
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index llm_usage_task_index on llm_usage (task_id);');
    this.addSql('create index llm_usage_tenant_index on llm_usage (tenant_id, created_at);');
    this.addSql(`create table tool_calls (
      id uuid primary key,
      task_id uuid null,
      tenant_id text not null,
      tool text not null,
      origin text not null,
      args_hash text not null,
      args jsonb not null,
      status text not null check (status in ('succeeded', 'failed', 'approval_requested', 'denied')),
      approval_id text null,
      error text null,
      duration_ms int not null,
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index tool_calls_task_index on tool_calls (task_id);');
    this.addSql(`create table mcp_servers (
      name text primary key,
      transport text not null,
      status text not null,
      tools int not null,
      last_error text null,
      reported_by text not null,
      updated_at timestamptz not null default now()
    );`);
    this.addSql(`create table conversation_summaries (
      conversation_id text primary key,
      through_seq bigint not null,
      summary text not null,
      updated_at timestamptz not null default now()
    );`);
  }

  override down(): void {
    for (const table of ['conversation_summaries', 'mcp_servers', 'tool_calls', 'llm_usage']) {
      this.addSql(`drop table if exists ${table} cascade;`);
    }
  }
}
