import type { Database } from '../../db/database.ts';
import { transpose } from '../../db/sql-arrays.ts';
import type {
  BoardColumn,
  SiteFields,
  SnapshotBoard,
  SnapshotIssue,
  SnapshotSprint,
  SprintCommitment,
  StatusInfo,
} from './model.ts';

/**
 * The snapshot's tables (migration 20261208200000). Writes are batched per search page (one statement per
 * table for a hundred issues); reads load a whole board or project, since every report replays histories.
 */
export class JiraStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async siteFields(tenant: string): Promise<SiteFields | null> {
    const [row] = await this.#database.sql<{
      points_field: string | null;
      sprint_field: string | null;
      flagged_field: string | null;
    }>('select points_field, sprint_field, flagged_field from jira_sites where tenant_id = $1', [tenant]);
    return row ? { points: row.points_field, sprint: row.sprint_field, flagged: row.flagged_field } : null;
  }

  async saveSiteFields(tenant: string, fields: SiteFields): Promise<void> {
    await this.#database.sql(
      `insert into jira_sites (tenant_id, points_field, sprint_field, flagged_field, discovered_at)
       values ($1, $2, $3, $4, now())
       on conflict (tenant_id) do update set points_field = excluded.points_field,
         sprint_field = excluded.sprint_field, flagged_field = excluded.flagged_field, discovered_at = now()`,
      [tenant, fields.points, fields.sprint, fields.flagged],
    );
  }

  async saveBoard(tenant: string, board: SnapshotBoard): Promise<void> {
    await this.#database.sql(
      `insert into jira_boards (tenant_id, board_id, name, type, project_key, filter_id, estimation_field, columns, synced_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, now())
       on conflict (tenant_id, board_id) do update set name = excluded.name, type = excluded.type,
         project_key = excluded.project_key, filter_id = excluded.filter_id,
         estimation_field = excluded.estimation_field, columns = excluded.columns, synced_at = now()`,
      [
        tenant,
        board.id,
        board.name,
        board.type,
        board.projectKey,
        board.filterId,
        board.estimationField,
        JSON.stringify(board.columns),
      ],
    );
  }

  async board(tenant: string, boardId: number): Promise<SnapshotBoard | null> {
    const [row] = await this.#database.sql<{
      board_id: unknown;
      name: string;
      type: string;
      project_key: string | null;
      filter_id: string | null;
      estimation_field: string | null;
      columns: BoardColumn[];
    }>(
      `select board_id, name, type, project_key, filter_id, estimation_field, columns
         from jira_boards where tenant_id = $1 and board_id = $2`,
      [tenant, boardId],
    );
    if (!row) return null;
    return {
      id: Number(row.board_id),
      name: row.name,
      type: row.type,
      projectKey: row.project_key,
      filterId: row.filter_id,
      estimationField: row.estimation_field,
      columns: json(row.columns),
    };
  }

  async saveStatuses(tenant: string, statuses: StatusInfo[]): Promise<void> {
    if (statuses.length === 0) return;
    const [ids, names, categories] = transpose(
      statuses.map((status) => [status.id, status.name, status.category]),
      3,
    );
    await this.#database.sql(
      `insert into jira_statuses (tenant_id, status_id, name, category)
       select $1, * from unnest($2::text[], $3::text[], $4::text[])
       on conflict (tenant_id, status_id) do update set name = excluded.name, category = excluded.category`,
      [tenant, ids, names, categories],
    );
  }

  async statuses(tenant: string): Promise<Map<string, StatusInfo>> {
    const rows = await this.#database.sql<{ status_id: string; name: string; category: string }>(
      'select status_id, name, category from jira_statuses where tenant_id = $1',
      [tenant],
    );
    return new Map(
      rows.map((row) => [row.status_id, { id: row.status_id, name: row.name, category: row.category }]),
    );
  }

  /** Upserts sprints; an origin board already known is kept when this source does not name one. */
  async saveSprints(tenant: string, sprints: SnapshotSprint[]): Promise<void> {
    if (sprints.length === 0) return;
    const unique = [...new Map(sprints.map((sprint) => [sprint.id, sprint])).values()];
    const columns = transpose(
      unique.map((sprint) => [
        sprint.id,
        sprint.originBoardId,
        sprint.name,
        sprint.state,
        sprint.start,
        sprint.end,
        sprint.completed,
        sprint.goal,
      ]),
      8,
    );
    await this.#database.sql(
      `insert into jira_sprints (tenant_id, sprint_id, origin_board_id, name, state, start_at, end_at, completed_at, goal, synced_at)
       select $1, i.*, now() from unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::timestamptz[],
                                         $7::timestamptz[], $8::timestamptz[], $9::text[]) as i
       on conflict (tenant_id, sprint_id) do update set
         origin_board_id = coalesce(excluded.origin_board_id, jira_sprints.origin_board_id),
         name = excluded.name, state = excluded.state, start_at = excluded.start_at, end_at = excluded.end_at,
         completed_at = excluded.completed_at, goal = excluded.goal, synced_at = now()`,
      [tenant, ...columns],
    );
  }

  async sprintsOfBoard(tenant: string, boardId: number): Promise<SnapshotSprint[]> {
    const rows = await this.#database.sql<SprintRow>(
      `${SPRINT_SELECT} where tenant_id = $1 and origin_board_id = $2 order by start_at nulls last, sprint_id`,
      [tenant, boardId],
    );
    return rows.map(toSprint);
  }

  async sprintsById(tenant: string, ids: number[]): Promise<SnapshotSprint[]> {
    if (ids.length === 0) return [];
    const rows = await this.#database.sql<SprintRow>(
      `${SPRINT_SELECT} where tenant_id = $1 and sprint_id = any($2::bigint[]) order by start_at nulls last, sprint_id`,
      [tenant, ids],
    );
    return rows.map(toSprint);
  }

  /** Upserts issues with their histories and notes that this scope's sync saw them. */
  async saveIssues(tenant: string, scope: string, issues: SnapshotIssue[]): Promise<void> {
    if (issues.length === 0) return;
    const columns = transpose(
      issues.map((issue) => [
        issue.id,
        issue.key,
        issue.project,
        issue.type,
        issue.subtask,
        issue.parent,
        issue.summary,
        issue.statusId,
        issue.assigneeId,
        issue.assigneeName,
        issue.created,
        issue.updated,
        issue.resolved,
        issue.points,
        JSON.stringify(issue.sprintIds),
        issue.flagged,
        JSON.stringify(issue.blockedBy),
        JSON.stringify(issue.changes),
      ]),
      18,
    );
    await this.#database.transaction(async (sql) => {
      await sql(
        `insert into jira_issues (tenant_id, issue_id, issue_key, project_key, issue_type, subtask, parent_key, summary,
           status_id, assignee_id, assignee_name, created_at, updated_at, resolved_at, points, sprint_ids, flagged,
           blocked_by, changes, synced_at)
         select $1, i.issue_id, i.issue_key, i.project_key, i.issue_type, i.subtask, i.parent_key, i.summary,
                i.status_id, i.assignee_id, i.assignee_name, i.created_at, i.updated_at, i.resolved_at, i.points,
                i.sprint_ids::jsonb, i.flagged, i.blocked_by::jsonb, i.changes::jsonb, now()
           from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[],
                       $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[],
                       $14::timestamptz[], $15::float8[], $16::text[], $17::boolean[], $18::text[], $19::text[])
             as i(issue_id, issue_key, project_key, issue_type, subtask, parent_key, summary, status_id, assignee_id,
                  assignee_name, created_at, updated_at, resolved_at, points, sprint_ids, flagged, blocked_by, changes)
         on conflict (tenant_id, issue_id) do update set issue_key = excluded.issue_key,
           project_key = excluded.project_key, issue_type = excluded.issue_type, subtask = excluded.subtask,
           parent_key = excluded.parent_key, summary = excluded.summary, status_id = excluded.status_id,
           assignee_id = excluded.assignee_id, assignee_name = excluded.assignee_name,
           created_at = excluded.created_at, updated_at = excluded.updated_at, resolved_at = excluded.resolved_at,
           points = excluded.points, sprint_ids = excluded.sprint_ids, flagged = excluded.flagged,
           blocked_by = excluded.blocked_by, changes = excluded.changes, synced_at = now()`,
        [tenant, ...columns],
      );
      await sql(
        `insert into jira_scope_issues (tenant_id, scope, issue_id)
         select $1, $2, id from unnest($3::text[]) as id on conflict do nothing`,
        [tenant, scope, issues.map((issue) => issue.id)],
      );
    });
  }

  /** Drops from a scope the issues its latest full sync no longer found (deleted, or moved elsewhere). */
  async forgetScopeIssues(tenant: string, scope: string, seen: string[]): Promise<void> {
    await this.#database.sql(
      `delete from jira_scope_issues where tenant_id = $1 and scope = $2 and not (issue_id = any($3::text[]))`,
      [tenant, scope, seen],
    );
  }

  /** The issues a board's or a project's latest syncs saw. */
  async issues(tenant: string, scope: string): Promise<SnapshotIssue[]> {
    const rows = await this.#database.sql<IssueRow>(
      `${ISSUE_SELECT} join jira_scope_issues s on s.tenant_id = i.tenant_id and s.issue_id = i.issue_id
        where i.tenant_id = $1 and s.scope = $2`,
      [tenant, scope],
    );
    return rows.map(toIssue);
  }

  async projectKeys(tenant: string): Promise<string[]> {
    const rows = await this.#database.sql<{ project_key: string }>(
      'select distinct project_key from jira_issues where tenant_id = $1 order by project_key',
      [tenant],
    );
    return rows.map((row) => row.project_key);
  }

  async commitments(tenant: string, sprintIds: number[]): Promise<Map<number, SprintCommitment>> {
    if (sprintIds.length === 0) return new Map();
    const rows = await this.#database.sql<{
      sprint_id: unknown;
      source: 'recorded' | 'reconstructed';
      recorded_at: unknown;
      issues: SprintCommitment['issues'];
    }>(
      `select sprint_id, source, recorded_at, issues from jira_sprint_commitments
        where tenant_id = $1 and sprint_id = any($2::bigint[])`,
      [tenant, sprintIds],
    );
    return new Map(
      rows.map((row) => [
        Number(row.sprint_id),
        {
          sprintId: Number(row.sprint_id),
          source: row.source,
          recordedAt: instant(row.recorded_at) ?? '',
          issues: json(row.issues),
        },
      ]),
    );
  }

  /** Records a commitment once; a later sync never replaces what was seen when the sprint started. */
  async recordCommitment(tenant: string, commitment: SprintCommitment): Promise<boolean> {
    const rows = await this.#database.sql(
      `insert into jira_sprint_commitments (tenant_id, sprint_id, source, recorded_at, issues)
       values ($1, $2, $3, $4, $5::jsonb) on conflict do nothing returning sprint_id`,
      [
        tenant,
        commitment.sprintId,
        commitment.source,
        commitment.recordedAt,
        JSON.stringify(commitment.issues),
      ],
    );
    return rows.length > 0;
  }
}

type SprintRow = {
  sprint_id: unknown;
  origin_board_id: unknown;
  name: string;
  state: string;
  start_at: unknown;
  end_at: unknown;
  completed_at: unknown;
  goal: string;
};

const SPRINT_SELECT =
  'select sprint_id, origin_board_id, name, state, start_at, end_at, completed_at, goal from jira_sprints';

function toSprint(row: SprintRow): SnapshotSprint {
  return {
    id: Number(row.sprint_id),
    originBoardId: row.origin_board_id === null ? null : Number(row.origin_board_id),
    name: row.name,
    state: row.state as SnapshotSprint['state'],
    start: instant(row.start_at),
    end: instant(row.end_at),
    completed: instant(row.completed_at),
    goal: row.goal,
  };
}

type IssueRow = {
  issue_id: string;
  issue_key: string;
  project_key: string;
  issue_type: string;
  subtask: boolean;
  parent_key: string | null;
  summary: string;
  status_id: string;
  assignee_id: string | null;
  assignee_name: string | null;
  created_at: unknown;
  updated_at: unknown;
  resolved_at: unknown;
  points: number | null;
  sprint_ids: unknown;
  flagged: boolean;
  blocked_by: unknown;
  changes: unknown;
};

const ISSUE_SELECT = `select i.issue_id, i.issue_key, i.project_key, i.issue_type, i.subtask, i.parent_key, i.summary,
  i.status_id, i.assignee_id, i.assignee_name, i.created_at, i.updated_at, i.resolved_at, i.points, i.sprint_ids,
  i.flagged, i.blocked_by, i.changes from jira_issues i`;

function toIssue(row: IssueRow): SnapshotIssue {
  return {
    id: row.issue_id,
    key: row.issue_key,
    project: row.project_key,
    type: row.issue_type,
    subtask: row.subtask,
    parent: row.parent_key,
    summary: row.summary,
    statusId: row.status_id,
    assigneeId: row.assignee_id,
    assigneeName: row.assignee_name,
    created: instant(row.created_at) ?? '',
    updated: instant(row.updated_at) ?? '',
    resolved: instant(row.resolved_at),
    points: row.points === null ? null : Number(row.points),
    sprintIds: json<unknown[]>(row.sprint_ids).map(Number),
    flagged: row.flagged,
    blockedBy: json(row.blocked_by),
    changes: json(row.changes),
  };
}

/** A timestamptz as pg or PGlite returns it (a Date, or a string) → UTC ISO. */
export function instant(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
