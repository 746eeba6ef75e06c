import { Migration } from '@mikro-orm/migrations';

/**
 * Scheduled digests. `digest_runs` is the exactly-once ledger of digest posts: one row per schedule and
 * period, claimed before anything is built or posted, carrying the send's state (a send whose outcome is
 * unknown is looked for in the channel before it is posted again), the platform's message id and the
 * figures of the period. Schedules learn where to post on platforms that need more than a channel id
 * (`reply_ref`: a Teams service URL). Three indexes serve the digests' period queries.
 */
export class Migration20261208300000Digests extends Migration {
  override name = 'Migration20261208300000_digests';

  override up(): void {
    this.addSql('alter table schedules add column reply_ref jsonb null;');
    this.addSql(`create table digest_runs (
      schedule_id uuid not null constraint digest_runs_schedule_id_foreign references schedules (id) on delete cascade,
      period_key text not null,
      tenant_id text not null,
      task_id uuid not null,
      status text not null check (status in ('claimed', 'sending', 'posted', 'skipped', 'unknown')),
      fire_time timestamptz not null,
      period_start timestamptz not null,
      period_end timestamptz not null,
      catch_up boolean not null default false,
      attempts integer not null default 0,
      message_id uuid null,
      platform_message_id text null,
      figures jsonb not null default '{}',
      sending_at timestamptz null,
      posted_at timestamptz null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint digest_runs_pkey primary key (schedule_id, period_key)
    );`);
    this.addSql('create index digest_runs_latest_index on digest_runs (schedule_id, period_end);');
    this.addSql('create index tasks_tenant_received_index on tasks (tenant_id, received_at);');
    this.addSql('create index kb_documents_ingested_index on kb_documents (tenant_id, ingested_at);');
    this.addSql('create index kb_answers_tenant_index on kb_answers (tenant_id, created_at);');
  }

  override down(): void {
    this.addSql('drop index if exists kb_answers_tenant_index;');
    this.addSql('drop index if exists kb_documents_ingested_index;');
    this.addSql('drop index if exists tasks_tenant_received_index;');
    this.addSql('drop table if exists digest_runs cascade;');
    this.addSql('alter table schedules drop column if exists reply_ref;');
  }
}
