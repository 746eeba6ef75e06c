import {
  FIELDS,
  type JiraWorld,
  WORLD_STATUSES,
  type WorldBoard,
  type WorldIssue,
  type WorldSprint,
} from './world.ts';

/**
 * The fake Jira's answers in Jira Cloud's shapes (fields, statuses, issues, agile boards, configuration,
 * sprints, agile pages), with Jira's timestamp format. Shapes follow the vendor specs the contract tests use.
 */
export const jiraTime = (time: number) => new Date(time).toISOString().replace('Z', '+0000');

export function fieldsJson() {
  return [
    {
      id: 'summary',
      key: 'summary',
      name: 'Summary',
      custom: false,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: ['summary'],
      schema: { type: 'string', system: 'summary' },
    },
    {
      id: 'status',
      key: 'status',
      name: 'Status',
      custom: false,
      orderable: false,
      navigable: true,
      searchable: true,
      clauseNames: ['status'],
      schema: { type: 'status', system: 'status' },
    },
    {
      id: FIELDS.points,
      key: FIELDS.points,
      name: 'Story point estimate',
      custom: true,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: ['cf[10016]', 'Story point estimate'],
      schema: { type: 'number', custom: 'com.pyxis.greenhopper.jira:jsw-story-points', customId: 10016 },
    },
    {
      id: FIELDS.sprint,
      key: FIELDS.sprint,
      name: 'Sprint',
      custom: true,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: ['cf[10020]', 'Sprint'],
      schema: {
        type: 'array',
        items: 'json',
        custom: 'com.pyxis.greenhopper.jira:gh-sprint',
        customId: 10020,
      },
    },
    {
      id: FIELDS.flagged,
      key: FIELDS.flagged,
      name: 'Flagged',
      custom: true,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: ['cf[10021]', 'Flagged'],
      schema: {
        type: 'array',
        items: 'option',
        custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes',
        customId: 10021,
      },
    },
  ];
}

export function statusesJson(base: string) {
  return WORLD_STATUSES.map((status) => ({
    self: `${base}/rest/api/3/status/${status.id}`,
    description: '',
    iconUrl: `${base}/images/icons/status_generic.gif`,
    name: status.name,
    untranslatedName: status.name,
    id: status.id,
    statusCategory: { self: `${base}/rest/api/3/statuscategory/${status.category.id}`, ...status.category },
  }));
}

export function statusJson(base: string, id: string) {
  const status = WORLD_STATUSES.find((candidate) => candidate.id === id) ?? WORLD_STATUSES[0];
  return {
    self: `${base}/rest/api/3/status/${status.id}`,
    name: status.name,
    id: status.id,
    statusCategory: status.category,
  };
}

export function issueJson(world: JiraWorld, base: string, issue: WorldIssue, wanted: string[]) {
  const all: Record<string, unknown> = {
    summary: issue.summary,
    issuetype: {
      id: issue.type === 'Sub-task' ? '10003' : '10001',
      name: issue.type,
      subtask: issue.type === 'Sub-task',
    },
    status: statusJson(base, issue.status),
    project: { id: '10000', key: issue.project, name: `${issue.project} project` },
    assignee: issue.assignee
      ? { accountId: issue.assignee.accountId, displayName: issue.assignee.displayName, active: true }
      : null,
    created: jiraTime(issue.created),
    updated: jiraTime(issue.updated),
    resolutiondate: issue.resolved === null ? null : jiraTime(issue.resolved),
    parent: issue.parent ? { id: world.byKey(issue.parent).id, key: issue.parent } : undefined,
    issuelinks: issue.blockedBy.map((key, index) => ({
      id: `2${issue.id}${index}`,
      type: { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
      inwardIssue: {
        id: world.byKey(key).id,
        key,
        fields: { status: statusJson(base, world.byKey(key).status) },
      },
    })),
    [FIELDS.points]: issue.points,
    [FIELDS.sprint]: issue.sprints.length
      ? issue.sprints.map((id) => {
          const sprint = world.sprints.get(id);
          return sprint
            ? { ...sprintJson(base, sprint), boardId: sprint.boardId }
            : { id, name: String(id), state: 'closed' };
        })
      : null,
    [FIELDS.flagged]: issue.flagged
      ? [{ self: `${base}/rest/api/3/customFieldOption/10019`, value: 'Impediment', id: '10019' }]
      : null,
  };
  const fields = Object.fromEntries(
    Object.entries(all).filter(([name, value]) => wanted.includes(name) && value !== undefined),
  );
  return { expand: '', id: issue.id, self: `${base}/rest/api/3/issue/${issue.id}`, key: issue.key, fields };
}

export function boardJson(base: string, board: WorldBoard) {
  return {
    id: board.id,
    self: `${base}/rest/agile/1.0/board/${board.id}`,
    name: board.name,
    type: board.type,
    location: {
      projectId: Number(board.projectId),
      displayName: `${board.projectKey} project (${board.projectKey})`,
      projectName: `${board.projectKey} project`,
      projectKey: board.projectKey,
      projectTypeKey: 'software',
      name: `${board.projectKey} project (${board.projectKey})`,
    },
  };
}

export function configurationJson(base: string, board: WorldBoard) {
  return {
    id: board.id,
    name: board.name,
    self: `${base}/rest/agile/1.0/board/${board.id}/configuration`,
    filter: { id: board.filterId, self: `${base}/rest/api/3/filter/${board.filterId}` },
    columnConfig: {
      columns: board.columns.map((column) => ({
        name: column.name,
        statuses: column.statuses.map((id) => ({ id, self: `${base}/rest/api/3/status/${id}` })),
      })),
      constraintType: 'issueCount',
    },
    estimation: { type: 'field', field: { fieldId: FIELDS.points, displayName: 'Story point estimate' } },
    ranking: { rankCustomFieldId: 10019 },
  };
}

export function sprintJson(base: string, sprint: WorldSprint) {
  return {
    id: sprint.id,
    self: `${base}/rest/agile/1.0/sprint/${sprint.id}`,
    state: sprint.state,
    name: sprint.name,
    ...(sprint.start !== null ? { startDate: new Date(sprint.start).toISOString() } : {}),
    ...(sprint.end !== null ? { endDate: new Date(sprint.end).toISOString() } : {}),
    ...(sprint.complete !== null ? { completeDate: new Date(sprint.complete).toISOString() } : {}),
    originBoardId: sprint.boardId,
    ...(sprint.goal ? { goal: sprint.goal } : {}),
  };
}

export function pageOf<T>(values: T[], url: URL) {
  const startAt = Number(url.searchParams.get('startAt') ?? 0);
  const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 50), 50);
  const slice = values.slice(startAt, startAt + maxResults);
  return {
    maxResults,
    startAt,
    total: values.length,
    isLast: startAt + slice.length >= values.length,
    values: slice,
  };
}
