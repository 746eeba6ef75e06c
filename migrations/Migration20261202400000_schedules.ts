import { Migration } from '@mikro-orm/migrations';

/**
 * Schedules: recurring runs of a skill command (digests, knowledge-base re-syncs). One row per tenant and
 * name. The runs themselves need no table of their own: each fire time becomes a task whose source event id
 * is the schedule and the fire time, so the task ledger's unique key makes every fire time run once, however
 * many scheduler replicas fired it.
 */
export class Migration20261202400000Schedules extends Migration {
  override name = 'Migration20261202400000_schedules';

  override up(): void {
    this.addSql(`create table schedules (
      id uuid primary key,
      tenant_id text not null,
      name text not null,
      cron text not null,
      timezone text not null,
      platform text not null,
      channel text not null,
      command text not null,
      text text not null default '',
      args jsonb not null default '{}',
      created_by text not null,
      enabled boolean not null default true,
      last_run_at timestamptz null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint schedules_name_unique unique (tenant_id, name)
    );`);
    this.addSql('create index schedules_channel_index on schedules (tenant_id, platform, channel);');
  }

  override down(): void {
    this.addSql('drop table if exists schedules cascade;');
  }
}
