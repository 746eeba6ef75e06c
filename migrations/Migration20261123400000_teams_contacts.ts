import { Migration } from '@mikro-orm/migrations';

/**
 * Teams contacts: how to reach a person proactively (approval requests sent to approvers' 1:1 chats). One
 * row per tenant and Entra user, refreshed when their Teams id, service URL or 1:1 chat changes.
 */
export class Migration20261123400000TeamsContacts extends Migration {
  override name = 'Migration20261123400000_teams_contacts';

  override up(): void {
    this.addSql(`create table teams_contacts (
      tenant_id text not null,
      user_id text not null,
      teams_user_id text not null,
      service_url text not null,
      bot_id text not null,
      personal_conversation_id text null,
      updated_at timestamptz not null default now(),
      constraint teams_contacts_pkey primary key (tenant_id, user_id)
    );`);
  }

  override down(): void {
    this.addSql('drop table if exists teams_contacts cascade;');
  }
}
