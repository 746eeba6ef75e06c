import { Migration } from '@mikro-orm/migrations';

/**
 * Durable workflows (src/workflows): runs, their steps, the idempotency keys of side effects (written
 * before the call is made) and the events runs wait for. A run is unique per tenant and start key, so the
 * same request starting it twice gets one run.
 */
export class Migration20261208400000Workflows extends Migration {
  override name = 'Migration20261208400000_workflows';

  override up(): void {
    this.addSql(`create table workflow_runs (
      id uuid primary key,
      tenant_id text not null,
      definition text not null,
      skill text not null,
      title text not null,
      status text not null check (status in ('running', 'succeeded', 'failed', 'cancelled', 'compensating',
        'compensated', 'compensation_failed')),
      phase text not null,
      outcome text null,
      input jsonb not null,
      origin jsonb not null,
      start_key text not null,
      requested_by text not null,
      error jsonb null,
      compensable boolean not null default false,
      cancel_requested_by text null,
      progress_message_id uuid null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      finished_at timestamptz null,
      constraint workflow_runs_start_unique unique (tenant_id, start_key)
    );`);
    this.addSql('create index workflow_runs_tenant_index on workflow_runs (tenant_id, created_at);');
    this.addSql(
      'create index workflow_runs_definition_index on workflow_runs (tenant_id, definition, status);',
    );
    this.addSql(`create table workflow_steps (
      run_id uuid not null,
      phase text not null,
      name text not null,
      kind text not null check (kind in ('step', 'approval', 'wait')),
      status text not null check (status in ('queued', 'running', 'waiting', 'retrying', 'succeeded', 'failed',
        'skipped', 'cancelled')),
      position int not null,
      attempts int not null default 0,
      max_attempts int not null default 1,
      critical boolean not null default true,
      input jsonb null,
      output jsonb null,
      error jsonb null,
      detail text null,
      wait_key text null,
      deadline timestamptz null,
      next_attempt_at timestamptz null,
      created_at timestamptz not null default now(),
      started_at timestamptz null,
      finished_at timestamptz null,
      updated_at timestamptz not null default now(),
      constraint workflow_steps_pkey primary key (run_id, phase, name)
    );`);
    this.addSql(
      "create index workflow_steps_wait_index on workflow_steps (wait_key) where status = 'waiting';",
    );
    this.addSql(
      "create index workflow_steps_open_index on workflow_steps (updated_at) where status in ('queued', 'running', 'retrying');",
    );
    this.addSql(`create table workflow_effects (
      run_id uuid not null,
      key text not null,
      step text not null,
      status text not null check (status in ('started', 'succeeded', 'failed')),
      attempts int not null default 1,
      result jsonb null,
      error jsonb null,
      started_at timestamptz not null default now(),
      finished_at timestamptz null,
      constraint workflow_effects_pkey primary key (run_id, key)
    );`);
    this.addSql(`create table workflow_signals (
      id uuid primary key,
      key text not null,
      dedupe_key text not null,
      payload jsonb not null,
      received_at timestamptz not null default now(),
      constraint workflow_signals_dedupe_unique unique (dedupe_key)
    );`);
    this.addSql('create index workflow_signals_key_index on workflow_signals (key, received_at);');
  }

  override down(): void {
    this.addSql('drop table if exists workflow_signals cascade;');
    this.addSql('drop table if exists workflow_effects cascade;');
    this.addSql('drop table if exists workflow_steps cascade;');
    this.addSql('drop table if exists workflow_runs cascade;');
  }
}
