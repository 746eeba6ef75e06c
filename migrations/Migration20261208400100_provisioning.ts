import { Migration } from '@mikro-orm/migrations';

/**
 * Provisioning: environment locks (one row per tenant and environment, so two deploys can never hold the
 * same environment) and the clusters /deploy-cluster made (one row per deploy run, with its TTL).
 */
export class Migration20261208400100Provisioning extends Migration {
  override name = 'Migration20261208400100_provisioning';

  override up(): void {
    this.addSql(`create table environment_locks (
      tenant_id text not null,
      environment text not null,
      holder_key text not null,
      holder_name text not null,
      run_id uuid null,
      reason text not null,
      channel text not null,
      thread text not null,
      expires_at timestamptz null,
      created_at timestamptz not null default now(),
      constraint environment_locks_pkey primary key (tenant_id, environment)
    );`);
    this.addSql(`create table clusters (
      id uuid primary key,
      tenant_id text not null,
      name text not null,
      platform text not null,
      environment text not null,
      size text not null,
      region text not null,
      nodes int not null,
      status text not null,
      plan_hash text not null,
      requested_by text not null,
      run_url text null,
      expires_at timestamptz null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );`);
    this.addSql('create index clusters_tenant_index on clusters (tenant_id, environment, status);');
  }

  override down(): void {
    this.addSql('drop table if exists clusters cascade;');
    this.addSql('drop table if exists environment_locks cascade;');
  }
}
