import { Migration } from '@mikro-orm/migrations';

/**
 * Jira analytics' snapshot of the Jira site (src/integrations/jira): boards with their column → status
 * mapping, statuses, sprints, issues with their current fields and their change history (status, sprint,
 * estimate and flag changes, oldest first, as JSON on the issue row: a report reads whole histories, never
 * single changes), which issues a board's or project's sync saw, how fresh each sync is (with a lease so
 * two workers do not sync the same scope at once), sprint commitments recorded when a sprint starts (Jira
 * keeps no history of them), and each channel's default board, project and definitions.
 */
export class Migration20261208200000JiraSnapshot extends Migration {
  override name = 'Migration20261208200000_jira_snapshot';

  override up(): void {
    this.addSql(`create table jira_sites (
      tenant_id text primary key,
      points_field text null,
      sprint_field text null,
      flagged_field text null,
      discovered_at timestamptz not null default now()
    );`);
    this.addSql(`create table jira_boards (
      tenant_id text not null,
      board_id bigint not null,
      name text not null,
      type text not null,
      project_key text null,
      filter_id text null,
      estimation_field text null,
      columns jsonb not null default '[]',
      synced_at timestamptz not null default now(),
      primary key (tenant_id, board_id)
    );`);
    this.addSql(`create table jira_statuses (
      tenant_id text not null,
      status_id text not null,
      name text not null,
      category text not null,
      primary key (tenant_id, status_id)
    );`);
    this.addSql(`create table jira_sprints (
      tenant_id text not null,
      sprint_id bigint not null,
      origin_board_id bigint null,
      name text not null,
      state text not null,
      start_at timestamptz null,
      end_at timestamptz null,
      completed_at timestamptz null,
      goal text not null default '',
      synced_at timestamptz not null default now(),
      primary key (tenant_id, sprint_id)
    );`);
    this.addSql('create index jira_sprints_board_index on jira_sprints (tenant_id, origin_board_id);');
    this.addSql(`create table jira_issues (
      tenant_id text not null,
      issue_id text not null,
      issue_key text not null,
      project_key text not null,
      issue_type text not null,
      subtask boolean not null default false,
      parent_key text null,
      summary text not null default '',
      status_id text not null,
      assignee_id text null,
      assignee_name text null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      resolved_at timestamptz null,
      points double precision null,
      sprint_ids jsonb not null default '[]',
      flagged boolean not null default false,
      blocked_by jsonb not null default '[]',
      changes jsonb not null default '[]',
      synced_at timestamptz not null default now(),
      primary key (tenant_id, issue_id)
    );`);
    this.addSql('create index jira_issues_project_index on jira_issues (tenant_id, project_key);');
    this.addSql('create index jira_issues_key_index on jira_issues (tenant_id, issue_key);');
    this.addSql(`create table jira_scope_issues (
      tenant_id text not null,
      scope text not null,
      issue_id text not null,
      primary key (tenant_id, scope, issue_id)
    );`);
    this.addSql(`create table jira_sync_state (
      tenant_id text not null,
      scope text not null,
      last_full_at timestamptz null,
      last_sync_at timestamptz null,
      issues integer not null default 0,
      lease_owner text null,
      lease_until timestamptz null,
      last_error text null,
      primary key (tenant_id, scope)
    );`);
    this.addSql(`create table jira_sprint_commitments (
      tenant_id text not null,
      sprint_id bigint not null,
      source text not null check (source in ('recorded', 'reconstructed')),
      recorded_at timestamptz not null,
      issues jsonb not null,
      primary key (tenant_id, sprint_id)
    );`);
    this.addSql(`create table jira_channel_settings (
      tenant_id text not null,
      platform text not null,
      channel text not null,
      board_id bigint null,
      project_key text null,
      started jsonb null,
      done jsonb null,
      timezone text null,
      updated_by text not null,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, platform, channel)
    );`);
  }

  override down(): void {
    for (const table of [
      'jira_channel_settings',
      'jira_sprint_commitments',
      'jira_sync_state',
      'jira_scope_issues',
      'jira_issues',
      'jira_sprints',
      'jira_statuses',
      'jira_boards',
      'jira_sites',
    ])
      this.addSql(`drop table if exists ${table} cascade;`);
  }
}
