import type { JiraChannelSettings } from '../../core/jira.ts';
import type { Database } from '../../db/database.ts';
import { instant } from './store.ts';

/**
 * How fresh each scope's snapshot is, the lease that keeps two workers from syncing one scope at once, and
 * each channel's defaults (`/jira config`).
 */
export interface SyncState {
  lastFullAt: string | null;
  lastSyncAt: string | null;
  issues: number;
  leaseOwner: string | null;
  leaseUntil: string | null;
}

export class JiraStateStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async syncState(tenant: string, scope: string): Promise<SyncState | null> {
    const [row] = await this.#database.sql<{
      last_full_at: unknown;
      last_sync_at: unknown;
      issues: number;
      lease_owner: string | null;
      lease_until: unknown;
    }>(
      `select last_full_at, last_sync_at, issues, lease_owner, lease_until from jira_sync_state
        where tenant_id = $1 and scope = $2`,
      [tenant, scope],
    );
    return row
      ? {
          lastFullAt: instant(row.last_full_at),
          lastSyncAt: instant(row.last_sync_at),
          issues: Number(row.issues),
          leaseOwner: row.lease_owner,
          leaseUntil: instant(row.lease_until),
        }
      : null;
  }

  /** Takes the scope's sync lease unless another owner holds an unexpired one (compare-and-set). */
  async takeLease(tenant: string, scope: string, owner: string, seconds: number): Promise<boolean> {
    const rows = await this.#database.sql(
      `insert into jira_sync_state (tenant_id, scope, lease_owner, lease_until)
       values ($1, $2, $3, now() + make_interval(secs => $4))
       on conflict (tenant_id, scope) do update set lease_owner = excluded.lease_owner,
         lease_until = excluded.lease_until
       where jira_sync_state.lease_until is null or jira_sync_state.lease_until < now()
          or jira_sync_state.lease_owner = excluded.lease_owner
       returning scope`,
      [tenant, scope, owner, seconds],
    );
    return rows.length > 0;
  }

  /** Marks a sync finished (its start time is what the next incremental sync asks from) and frees the lease. */
  async finishSync(
    tenant: string,
    scope: string,
    owner: string,
    result: { startedAt: string; full: boolean; issues: number } | { error: string },
  ): Promise<void> {
    if ('error' in result) {
      await this.#database.sql(
        `update jira_sync_state set lease_owner = null, lease_until = null, last_error = $4
          where tenant_id = $1 and scope = $2 and lease_owner = $3`,
        [tenant, scope, owner, result.error.slice(0, 1000)],
      );
      return;
    }
    await this.#database.sql(
      `update jira_sync_state set lease_owner = null, lease_until = null, last_error = null,
         last_sync_at = $4::timestamptz, last_full_at = case when $5 then $4::timestamptz else last_full_at end,
         issues = $6
        where tenant_id = $1 and scope = $2 and lease_owner = $3`,
      [tenant, scope, owner, result.startedAt, result.full, result.issues],
    );
  }

  async channelSettings(tenant: string, platform: string, channel: string): Promise<JiraChannelSettings> {
    const [row] = await this.#database.sql<{
      board_id: unknown;
      project_key: string | null;
      started: unknown;
      done: unknown;
      timezone: string | null;
    }>(
      `select board_id, project_key, started, done, timezone from jira_channel_settings
        where tenant_id = $1 and platform = $2 and channel = $3`,
      [tenant, platform, channel],
    );
    if (!row) return {};
    const list = (value: unknown) =>
      value === null || value === undefined
        ? undefined
        : ((typeof value === 'string' ? JSON.parse(value) : value) as string[]);
    const started = list(row.started);
    const done = list(row.done);
    return {
      ...(row.board_id !== null ? { board: Number(row.board_id) } : {}),
      ...(row.project_key ? { project: row.project_key } : {}),
      ...(started ? { started } : {}),
      ...(done ? { done } : {}),
      ...(row.timezone ? { timezone: row.timezone } : {}),
    };
  }

  async saveChannelSettings(
    tenant: string,
    platform: string,
    channel: string,
    settings: JiraChannelSettings,
    by: string,
  ): Promise<void> {
    await this.#database.sql(
      `insert into jira_channel_settings (tenant_id, platform, channel, board_id, project_key, started, done, timezone, updated_by, updated_at)
       values ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, now())
       on conflict (tenant_id, platform, channel) do update set board_id = excluded.board_id,
         project_key = excluded.project_key, started = excluded.started, done = excluded.done,
         timezone = excluded.timezone, updated_by = excluded.updated_by, updated_at = now()`,
      [
        tenant,
        platform,
        channel,
        settings.board ?? null,
        settings.project ?? null,
        settings.started ? JSON.stringify(settings.started) : null,
        settings.done ? JSON.stringify(settings.done) : null,
        settings.timezone ?? null,
        by,
      ],
    );
  }
}
