import type { Database } from './database.ts';

/** A Teams user the bot can reach proactively (the shape of the Teams adapter's `TeamsContact`). */
export interface TeamsContactRow {
  tenantId: string;
  userId: string;
  teamsUserId: string;
  serviceUrl: string;
  botId: string;
  personalConversationId: string | null;
}

/**
 * The Teams adapter's contacts port: one upsert per change, one indexed read per direct message. A known
 * 1:1 chat is kept when a later activity (from a channel) does not name one.
 */
export class TeamsContactStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async remember(contact: TeamsContactRow): Promise<void> {
    await this.#database.sql(
      `insert into teams_contacts (tenant_id, user_id, teams_user_id, service_url, bot_id, personal_conversation_id)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (tenant_id, user_id) do update set
         teams_user_id = excluded.teams_user_id, service_url = excluded.service_url, bot_id = excluded.bot_id,
         personal_conversation_id = coalesce(excluded.personal_conversation_id, teams_contacts.personal_conversation_id),
         updated_at = now()`,
      [
        contact.tenantId,
        contact.userId,
        contact.teamsUserId,
        contact.serviceUrl,
        contact.botId,
        contact.personalConversationId,
      ],
    );
  }

  async serviceUrlOf(tenantId: string): Promise<string | null> {
    const rows = await this.#database.sql<{ service_url: string }>(
      'select service_url from teams_contacts where tenant_id = $1 order by updated_at desc limit 1',
      [tenantId],
    );
    return rows[0]?.service_url ?? null;
  }

  async find(tenantId: string, userId: string): Promise<TeamsContactRow | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select tenant_id, user_id, teams_user_id, service_url, bot_id, personal_conversation_id
         from teams_contacts where tenant_id = $1 and user_id = $2`,
      [tenantId, userId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      tenantId: String(row.tenant_id),
      userId: String(row.user_id),
      teamsUserId: String(row.teams_user_id),
      serviceUrl: String(row.service_url),
      botId: String(row.bot_id),
      personalConversationId: (row.personal_conversation_id as string | null) ?? null,
    };
  }
}
