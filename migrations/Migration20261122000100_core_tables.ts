import { Migration } from '@mikro-orm/migrations';

/**
 * The walking skeleton's tables: tenants, users and roles, conversations and messages, the task ledger
 * (unique per platform event: the dedupe that survives Redis forgetting a job), the append-only audit log
 * and API keys (hashes only).
 */
export class Migration20261122000100CoreTables extends Migration {
  override name = 'Migration20261122000100_core_tables';

  override up(): void {
    this.addSql(`create table tenants (
      id text primary key,
      name text not null,
      platform text not null,
      created_at timestamptz not null default now()
    );`);
    this.addSql(`create table users (
      id uuid primary key,
      tenant_id text not null constraint users_tenant_id_foreign references tenants (id),
      platform text not null,
      external_id text not null,
      display_name text not null,
      created_at timestamptz not null default now(),
      constraint users_identity_unique unique (tenant_id, platform, external_id)
    );`);
    this.addSql(`create table user_roles (
      user_id uuid not null constraint user_roles_user_id_foreign references users (id) on delete cascade,
      role text not null,
      granted_by text not null,
      granted_at timestamptz not null default now(),
      primary key (user_id, role)
    );`);
    this.addSql(`create table conversations (
      id text primary key,
      tenant_id text not null,
      platform text not null,
      channel text not null,
      thread text not null,
      skill text null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );`);
    this.addSql('create index conversations_channel_index on conversations (tenant_id, platform, channel);');
    this.addSql(`create table messages (
      id uuid primary key,
      seq bigserial,
      conversation_id text not null constraint messages_conversation_id_foreign references conversations (id),
      tenant_id text not null,
      platform text not null,
      channel text not null,
      thread text not null,
      author_kind text not null check (author_kind in ('user', 'bot')),
      author_id text not null,
      author_name text not null,
      text text not null,
      reply jsonb null,
      actions jsonb not null default '[]',
      skill text null,
      task_id uuid null,
      delivery_key text null constraint messages_delivery_key_unique unique,
      platform_message_id text null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );`);
    this.addSql('create index messages_conversation_index on messages (conversation_id, seq);');
    this.addSql('create index messages_channel_index on messages (tenant_id, platform, channel, seq);');
    this.addSql(`create table tasks (
      id uuid primary key,
      tenant_id text not null,
      platform text not null,
      source_event_id text not null,
      kind text not null,
      status text not null default 'queued'
        check (status in ('queued', 'running', 'awaiting_approval', 'succeeded', 'failed')),
      skill text null,
      user_id text not null,
      channel text not null,
      thread text not null,
      payload jsonb not null,
      attempts integer not null default 0,
      error jsonb null,
      received_at timestamptz not null,
      started_at timestamptz null,
      finished_at timestamptz null,
      updated_at timestamptz not null default now(),
      constraint tasks_source_event_unique unique (platform, source_event_id)
    );`);
    this.addSql("create index tasks_open_index on tasks (updated_at) where status in ('queued', 'running');");
    this.addSql('create index tasks_user_index on tasks (tenant_id, user_id, received_at);');
    this.addSql(`create table audit_log (
      id bigserial primary key,
      tenant_id text not null,
      actor text not null,
      action text not null,
      target text null,
      details jsonb not null default '{}',
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index audit_log_tenant_index on audit_log (tenant_id, created_at);');
    // Append-only is enforced by the database, not by convention: updates, deletes and truncates fail.
    // Named as MikroORM names entity triggers, so the entity metadata and this schema agree.
    this.addSql(`create or replace function audit_log_no_change_fn() returns trigger as $$
      begin raise exception 'audit_log is append-only'; end; $$ language plpgsql;`);
    this.addSql(`create trigger no_change before update or delete on audit_log
      for each row execute function audit_log_no_change_fn();`);
    this.addSql(`create or replace function audit_log_no_truncate_fn() returns trigger as $$
      begin raise exception 'audit_log is append-only'; end; $$ language plpgsql;`);
    this.addSql(`create trigger no_truncate before truncate on audit_log
      for each statement execute function audit_log_no_truncate_fn();`);
    this.addSql(`create table api_keys (
      id uuid primary key,
      tenant_id text not null constraint api_keys_tenant_id_foreign references tenants (id),
      name text not null,
      key_hash text not null constraint api_keys_key_hash_unique unique,
      key_prefix text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz null,
      revoked_at timestamptz null,
      constraint api_keys_name_unique unique (tenant_id, name)
    );`);
  }

  override down(): void {
    for (const table of [
      'api_keys',
      'audit_log',
      'tasks',
      'messages',
      'conversations',
      'user_roles',
      'users',
      'tenants',
    ]) {
      this.addSql(`drop table if exists ${table} cascade;`);
    }
    this.addSql('drop function if exists audit_log_no_change_fn();');
    this.addSql('drop function if exists audit_log_no_truncate_fn();');
  }
}
