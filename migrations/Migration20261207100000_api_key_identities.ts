import { Migration } from '@mikro-orm/migrations';

/**
 * API keys become identities: each key has scopes (what it may do) and may be bound to one person (a personal
 * token). Before this, every key could name any user in a request body, including the approver of an
 * approval. Keys that exist already keep what their integrations use — chatting, the knowledge base, and
 * naming the user they post for (`act-as`, now audited and rate-limited per key) — but not deciding approvals
 * for others (`decide-as`): that needs a personal token or a new key that is given the scope on purpose.
 */
export class Migration20261207100000ApiKeyIdentities extends Migration {
  override name = 'Migration20261207100000_api_key_identities';

  override up(): void {
    this.addSql(`alter table api_keys
      add column scopes text[] not null default '{chat}',
      add column user_id text null;`);
    this.addSql(`update api_keys set scopes = '{chat,knowledge,act-as}';`);
  }

  override down(): void {
    this.addSql('alter table api_keys drop column if exists scopes, drop column if exists user_id;');
  }
}
