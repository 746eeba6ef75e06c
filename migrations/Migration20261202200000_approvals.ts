import { Migration } from '@mikro-orm/migrations';

/**
 * Approvals (bound to the action, its argument hash, the tenant, thread and message; the resolved policy
 * stored with each) and the decisions on them: one per person and approval, one per click task.
 */
export class Migration20261202200000Approvals extends Migration {
  override name = 'Migration20261202200000_approvals';

  override up(): void {
    this.addSql(`create table approvals (
      id uuid primary key,
      tenant_id text not null,
      platform text not null,
      channel text not null,
      thread text not null,
      reply_to jsonb not null,
      message_id uuid null,
      request_task_id uuid not null,
      requested_by text not null,
      requested_by_name text not null,
      action_kind text not null check (action_kind in ('command', 'tool')),
      action_name text not null,
      action_args jsonb not null,
      args_hash text not null,
      executor text not null,
      title text not null,
      summary jsonb not null default '[]',
      environment text null,
      policy jsonb not null,
      required_approvals int not null,
      approvals_given int not null default 0,
      deciders jsonb not null default '[]',
      status text not null default 'pending'
        check (status in ('pending', 'approved', 'rejected', 'expired', 'cancelled')),
      expires_at timestamptz not null,
      decided_at timestamptz null,
      cancelled_by text null,
      cancel_reason text null,
      continuation_task_id uuid null,
      execution_status text null
        check (execution_status in ('running', 'retrying', 'succeeded', 'failed', 'interrupted', 'blocked')),
      execution_attempt int null,
      executed_at timestamptz null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );`);
    this.addSql('create index approvals_request_task_index on approvals (request_task_id);');
    this.addSql(
      "create index approvals_pending_index on approvals (tenant_id, platform, expires_at) where status = 'pending';",
    );
    this.addSql(
      "create unique index approvals_pending_request_unique on approvals (tenant_id, platform, channel, thread, action_name, args_hash) where status = 'pending';",
    );
    this.addSql(`create table approval_decisions (
      id uuid primary key,
      approval_id uuid not null
        constraint approval_decisions_approval_id_foreign references approvals (id) on delete cascade,
      tenant_id text not null,
      platform text not null,
      user_id text not null,
      user_name text not null,
      decision text not null check (decision in ('approved', 'rejected')),
      reason text null,
      task_id uuid not null constraint approval_decisions_task_id_unique unique,
      created_at timestamptz not null default now(),
      constraint approval_decisions_person_unique unique (approval_id, platform, user_id)
    );`);
  }

  override down(): void {
    this.addSql('drop table if exists approval_decisions cascade;');
    this.addSql('drop table if exists approvals cascade;');
  }
}
