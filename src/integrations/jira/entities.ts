import { defineEntity, p } from '@mikro-orm/core';

/**
 * The Jira snapshot's tables (migrations/Migration20261208200000_jira_snapshot.ts) as the ORM sees them.
 * Reads and writes go through SQL in store.ts and state-store.ts; these definitions keep the schema and the
 * ORM in step (the storage test fails on any drift).
 */
export const JiraSiteRecord = defineEntity({
  name: 'JiraSiteRecord',
  tableName: 'jira_sites',
  properties: {
    tenantId: p.text().primary(),
    pointsField: p.text().nullable(),
    sprintField: p.text().nullable(),
    flaggedField: p.text().nullable(),
    discoveredAt: p.datetime().defaultRaw('now()'),
  },
});

export const JiraBoardRecord = defineEntity({
  name: 'JiraBoardRecord',
  tableName: 'jira_boards',
  properties: {
    tenantId: p.text().primary(),
    boardId: p.bigint('number').primary(),
    name: p.text(),
    type: p.text(),
    projectKey: p.text().nullable(),
    filterId: p.text().nullable(),
    estimationField: p.text().nullable(),
    columns: p.json<unknown[]>().defaultRaw(`'[]'`),
    syncedAt: p.datetime().defaultRaw('now()'),
  },
});

export const JiraStatusRecord = defineEntity({
  name: 'JiraStatusRecord',
  tableName: 'jira_statuses',
  properties: {
    tenantId: p.text().primary(),
    statusId: p.text().primary(),
    name: p.text(),
    category: p.text(),
  },
});

export const JiraSprintRecord = defineEntity({
  name: 'JiraSprintRecord',
  tableName: 'jira_sprints',
  properties: {
    tenantId: p.text().primary(),
    sprintId: p.bigint('number').primary(),
    originBoardId: p.bigint('number').nullable(),
    name: p.text(),
    state: p.text(),
    startAt: p.datetime().nullable(),
    endAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    goal: p.text().defaultRaw(`''`),
    syncedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'jira_sprints_board_index', properties: ['tenantId', 'originBoardId'] }],
});

export const JiraIssueRecord = defineEntity({
  name: 'JiraIssueRecord',
  tableName: 'jira_issues',
  properties: {
    tenantId: p.text().primary(),
    issueId: p.text().primary(),
    issueKey: p.text(),
    projectKey: p.text(),
    issueType: p.text(),
    subtask: p.boolean().default(false),
    parentKey: p.text().nullable(),
    summary: p.text().defaultRaw(`''`),
    statusId: p.text(),
    assigneeId: p.text().nullable(),
    assigneeName: p.text().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    resolvedAt: p.datetime().nullable(),
    points: p.double().nullable(),
    sprintIds: p.json<number[]>().defaultRaw(`'[]'`),
    flagged: p.boolean().default(false),
    blockedBy: p.json<unknown[]>().defaultRaw(`'[]'`),
    changes: p.json<unknown[]>().defaultRaw(`'[]'`),
    syncedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    { name: 'jira_issues_project_index', properties: ['tenantId', 'projectKey'] },
    { name: 'jira_issues_key_index', properties: ['tenantId', 'issueKey'] },
  ],
});

export const JiraScopeIssueRecord = defineEntity({
  name: 'JiraScopeIssueRecord',
  tableName: 'jira_scope_issues',
  properties: {
    tenantId: p.text().primary(),
    scope: p.text().primary(),
    issueId: p.text().primary(),
  },
});

export const JiraSyncStateRecord = defineEntity({
  name: 'JiraSyncStateRecord',
  tableName: 'jira_sync_state',
  properties: {
    tenantId: p.text().primary(),
    scope: p.text().primary(),
    lastFullAt: p.datetime().nullable(),
    lastSyncAt: p.datetime().nullable(),
    issues: p.integer().default(0),
    leaseOwner: p.text().nullable(),
    leaseUntil: p.datetime().nullable(),
    lastError: p.text().nullable(),
  },
});

export const JiraSprintCommitmentRecord = defineEntity({
  name: 'JiraSprintCommitmentRecord',
  tableName: 'jira_sprint_commitments',
  properties: {
    tenantId: p.text().primary(),
    sprintId: p.bigint('number').primary(),
    source: p.enum(['recorded', 'reconstructed'] as const),
    recordedAt: p.datetime(),
    issues: p.json<unknown[]>(),
  },
});

export const JiraChannelSettingsRecord = defineEntity({
  name: 'JiraChannelSettingsRecord',
  tableName: 'jira_channel_settings',
  properties: {
    tenantId: p.text().primary(),
    platform: p.text().primary(),
    channel: p.text().primary(),
    boardId: p.bigint('number').nullable(),
    projectKey: p.text().nullable(),
    started: p.json<string[]>().nullable(),
    done: p.json<string[]>().nullable(),
    timezone: p.text().nullable(),
    updatedBy: p.text(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});

export const jiraEntities = [
  JiraSiteRecord,
  JiraBoardRecord,
  JiraStatusRecord,
  JiraSprintRecord,
  JiraIssueRecord,
  JiraScopeIssueRecord,
  JiraSyncStateRecord,
  JiraSprintCommitmentRecord,
  JiraChannelSettingsRecord,
];
