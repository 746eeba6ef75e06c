import type { TaskStatus } from '../core/task.ts';
import { conversationId } from './conversation-id.ts';
import type { Database } from './database.ts';

/** A Slack installation (the shape of the Slack adapter's `SlackInstallation`). */
export interface SlackInstallationRow {
  tenantId: string;
  teamId: string | undefined;
  enterpriseId: string | undefined;
  isEnterpriseInstall: boolean;
  botToken: string;
  botUserId: string;
  botId: string | undefined;
  appId: string | undefined;
  scopes: string[];
  installedBy: string | undefined;
}

/** The Slack adapter's installations port: one upsert per install, one indexed read per token lookup. */
export class SlackInstallationStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async save(installation: SlackInstallationRow): Promise<void> {
    await this.#database.sql(
      `insert into slack_installations (tenant_id, team_id, enterprise_id, is_enterprise_install, bot_token, bot_user_id,
         bot_id, app_id, scopes, installed_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10)
       on conflict (tenant_id) do update set team_id = excluded.team_id, enterprise_id = excluded.enterprise_id,
         is_enterprise_install = excluded.is_enterprise_install, bot_token = excluded.bot_token,
         bot_user_id = excluded.bot_user_id, bot_id = excluded.bot_id, app_id = excluded.app_id,
         scopes = excluded.scopes, installed_by = excluded.installed_by, updated_at = now()`,
      [
        installation.tenantId,
        installation.teamId ?? null,
        installation.enterpriseId ?? null,
        installation.isEnterpriseInstall,
        installation.botToken,
        installation.botUserId,
        installation.botId ?? null,
        installation.appId ?? null,
        installation.scopes,
        installation.installedBy ?? null,
      ],
    );
  }

  async find(tenantId: string): Promise<SlackInstallationRow | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select tenant_id, team_id, enterprise_id, is_enterprise_install, bot_token, bot_user_id, bot_id, app_id, scopes,
              installed_by from slack_installations where tenant_id = $1`,
      [tenantId],
    );
    const row = rows[0];
    if (!row) return null;
    const optional = (value: unknown) => (value === null || value === undefined ? undefined : String(value));
    return {
      tenantId: String(row.tenant_id),
      teamId: optional(row.team_id),
      enterpriseId: optional(row.enterprise_id),
      isEnterpriseInstall: row.is_enterprise_install === true,
      botToken: String(row.bot_token),
      botUserId: String(row.bot_user_id),
      botId: optional(row.bot_id),
      appId: optional(row.app_id),
      scopes: Array.isArray(row.scopes) ? row.scopes.map(String) : [],
      installedBy: optional(row.installed_by),
    };
  }

  async remove(tenantId: string): Promise<boolean> {
    const rows = await this.#database.sql<{ tenant_id: string }>(
      'delete from slack_installations where tenant_id = $1 returning tenant_id',
      [tenantId],
    );
    return rows.length > 0;
  }
}

/** Whether the bot has posted in a Slack thread: in our record of it, or as the thread's root message. */
export class SlackThreadStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async botAnswered(tenantId: string, channel: string, threadTs: string): Promise<boolean> {
    const rows = await this.#database.sql<{ answered: boolean }>(
      `select exists (select 1 from messages where conversation_id = $1 and author_kind = 'bot')
           or exists (select 1 from messages where tenant_id = $2 and platform = 'slack' and channel = $3
                        and author_kind = 'bot' and platform_message_id is not null
                        and split_part(platform_message_id, ',', 1) = $4) as answered`,
      [conversationId(tenantId, 'slack', channel, threadTs), tenantId, channel, threadTs],
    );
    return rows[0]?.answered === true;
  }
}

export interface RecentTaskRow {
  id: string;
  channel: string;
  command: string | undefined;
  text: string;
  status: TaskStatus;
  skill: string | null;
  receivedAt: string;
}

/** A person's latest tasks (the App Home), newest first, on the tasks' (tenant, user, time) index. */
export async function recentTasksOf(
  database: Database,
  tenantId: string,
  platform: string,
  userId: string,
  limit: number,
): Promise<RecentTaskRow[]> {
  const rows = await database.sql<Record<string, unknown>>(
    `select id, channel, payload->>'command' as command, payload->>'text' as text, status, skill, received_at
       from tasks where tenant_id = $1 and user_id = $2 and platform = $3 and kind <> 'action'
      order by received_at desc limit $4`,
    [tenantId, userId, platform, limit],
  );
  return rows.map((row) => ({
    id: String(row.id),
    channel: String(row.channel),
    command: row.command === null || row.command === undefined ? undefined : String(row.command),
    text: String(row.text ?? ''),
    status: row.status as TaskStatus,
    skill: (row.skill as string | null) ?? null,
    receivedAt: new Date(row.received_at as string).toISOString(),
  }));
}
