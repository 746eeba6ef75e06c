import { Migration } from '@mikro-orm/migrations';

/**
 * Slack: installations from the OAuth flow (one row per workspace, or per Enterprise Grid organisation for
 * an org-wide install), and an index that finds the bot's own message by its Slack ts (a thread root), so a
 * follow-up in a thread the bot answered is recognised with one indexed read.
 */
export class Migration20261202100000SlackInstallations extends Migration {
  override name = 'Migration20261202100000_slack_installations';

  override up(): void {
    this.addSql(`create table slack_installations (
      tenant_id text not null constraint slack_installations_pkey primary key,
      team_id text null,
      enterprise_id text null,
      is_enterprise_install boolean not null default false,
      bot_token text not null,
      bot_user_id text not null,
      bot_id text null,
      app_id text null,
      scopes text[] not null default '{}',
      installed_by text null,
      installed_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );`);
    this.addSql(`create index messages_platform_message_index on messages
      (tenant_id, platform, channel, (split_part(platform_message_id, ',', 1)))
      where author_kind = 'bot' and platform_message_id is not null;`);
  }

  override down(): void {
    this.addSql('drop index if exists messages_platform_message_index;');
    this.addSql('drop table if exists slack_installations cascade;');
  }
}
