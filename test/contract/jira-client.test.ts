import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JiraService } from '../../src/integrations/jira/service.ts';
import { contractNock, validateSpecSchema } from '../support/contract/index.ts';
import type { FakeJira } from '../support/fake-jira/server.ts';
import { jiraService } from '../support/jira.ts';

// Every Jira request the sync and the skill's settings make, against nock fixtures held to Atlassian's
// descriptions (../shared/specs/jira): the Jira platform REST v3 spec for fields, statuses, projects, the
// enhanced JQL search and the bulk changelog; the Jira Software (agile 1.0) spec for boards, their
// configuration and sprints. The harness fails a test when a request is not in the spec or a fixture does
// not match the documented response.
const HOST = 'https://acme.atlassian.net';
const time = (iso: string) => iso.replace('Z', '+0000');

const status = (id: string, name: string, key: 'new' | 'indeterminate' | 'done') => ({
  self: `${HOST}/rest/api/3/status/${id}`,
  id,
  name,
  statusCategory: {
    self: `${HOST}/rest/api/3/statuscategory/${key}`,
    id: { new: 2, indeterminate: 4, done: 3 }[key],
    key,
    name,
    colorName: 'yellow',
  },
});

const FIELDS = [
  {
    id: 'summary',
    key: 'summary',
    name: 'Summary',
    custom: false,
    navigable: true,
    orderable: true,
    searchable: true,
    clauseNames: ['summary'],
    schema: { type: 'string', system: 'summary' },
  },
  {
    id: 'customfield_10016',
    key: 'customfield_10016',
    name: 'Story point estimate',
    custom: true,
    navigable: true,
    orderable: true,
    searchable: true,
    clauseNames: ['cf[10016]'],
    schema: { type: 'number', custom: 'com.pyxis.greenhopper.jira:jsw-story-points', customId: 10016 },
  },
  {
    id: 'customfield_10020',
    key: 'customfield_10020',
    name: 'Sprint',
    custom: true,
    navigable: true,
    orderable: true,
    searchable: true,
    clauseNames: ['cf[10020]', 'Sprint'],
    schema: { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint', customId: 10020 },
  },
  {
    id: 'customfield_10021',
    key: 'customfield_10021',
    name: 'Flagged',
    custom: true,
    navigable: true,
    orderable: true,
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

const SPRINT_42 = {
  id: 42,
  self: `${HOST}/rest/agile/1.0/sprint/42`,
  state: 'active',
  name: 'OPS Sprint 42',
  startDate: '2026-03-30T09:00:00.000Z',
  endDate: '2026-04-13T09:00:00.000Z',
  originBoardId: 12,
  goal: 'Ship the runbooks',
};

function issue(id: string, key: string, statusJson: object, extra: Record<string, unknown> = {}) {
  return {
    expand: '',
    id,
    self: `${HOST}/rest/api/3/issue/${id}`,
    key,
    fields: {
      summary: `Work item ${key}`,
      issuetype: { id: '10001', name: 'Story', subtask: false },
      status: statusJson,
      project: { id: '10000', key: 'OPS', name: 'Operations' },
      assignee: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ana Silva', active: true },
      created: time('2026-03-20T10:00:00.000Z'),
      updated: time('2026-04-01T12:00:00.000Z'),
      resolutiondate: null,
      issuelinks: [],
      customfield_10016: 3,
      customfield_10020: [{ ...SPRINT_42, boardId: 12 }],
      customfield_10021: null,
      ...extra,
    },
  };
}

function history(id: string, created: string, items: Record<string, string>[]) {
  return {
    id,
    author: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ana Silva', active: true },
    created: time(created),
    items,
  };
}

describe('Jira REST client (contract)', () => {
  let service: JiraService;
  let close: () => Promise<void>;
  const waits: number[] = [];

  beforeAll(async () => {
    // The service is pointed at the nock host; jiraService only reads url and world.boards from the fake.
    const stand = { url: HOST, world: { boards: [{ id: 12, projectKey: 'OPS' }] } } as unknown as FakeJira;
    ({ service, close } = await jiraService('postgresql', stand, {
      env: { JIRA_MAX_RETRIES: '2' },
      sleep: async (milliseconds) => {
        waits.push(milliseconds);
      },
    }));
  });
  afterAll(async () => {
    await close?.();
  });
  afterEach(() => {
    nock.cleanAll();
  });

  it('syncs a board: agile board, configuration and sprints; fields, statuses; JQL search pages; bulk changelogs', async () => {
    const software = contractNock('jira-software', HOST);
    software.get('/rest/agile/1.0/board/12').reply(200, {
      id: 12,
      self: `${HOST}/rest/agile/1.0/board/12`,
      name: 'OPS board',
      type: 'scrum',
      location: {
        projectId: 10000,
        projectKey: 'OPS',
        projectName: 'Operations',
        displayName: 'Operations (OPS)',
        projectTypeKey: 'software',
        name: 'Operations (OPS)',
      },
    });
    software.get('/rest/agile/1.0/board/12/configuration').reply(200, {
      id: 12,
      name: 'OPS board',
      self: `${HOST}/rest/agile/1.0/board/12/configuration`,
      filter: { id: '10070', self: `${HOST}/rest/api/3/filter/10070` },
      columnConfig: {
        columns: [
          { name: 'To Do', statuses: [{ id: '10000', self: `${HOST}/rest/api/3/status/10000` }] },
          { name: 'In Progress', statuses: [{ id: '3', self: `${HOST}/rest/api/3/status/3` }] },
          { name: 'Done', statuses: [{ id: '10002', self: `${HOST}/rest/api/3/status/10002` }] },
        ],
        constraintType: 'issueCount',
      },
      estimation: {
        type: 'field',
        field: { fieldId: 'customfield_10016', displayName: 'Story point estimate' },
      },
      ranking: { rankCustomFieldId: 10019 },
    });
    software
      .get('/rest/agile/1.0/board/12/sprint')
      .query({ startAt: '0', maxResults: '50' })
      .reply(200, { maxResults: 50, startAt: 0, isLast: true, values: [SPRINT_42] });
    const platform = contractNock('jira-platform', HOST);
    platform.get('/rest/api/3/field').reply(200, FIELDS);
    const todo = status('10000', 'To Do', 'new');
    const progress = status('3', 'In Progress', 'indeterminate');
    const done = status('10002', 'Done', 'done');
    platform.get('/rest/api/3/status').reply(200, [todo, progress, done]);
    const fields = [
      'summary',
      'issuetype',
      'status',
      'project',
      'assignee',
      'created',
      'updated',
      'resolutiondate',
      'parent',
      'issuelinks',
      'customfield_10016',
      'customfield_10020',
      'customfield_10021',
    ];
    // First page: rate limited once (Retry-After: 3), then answered with a token for the next page.
    platform
      .post('/rest/api/3/search/jql', { jql: 'filter = 10070', fields, maxResults: 100 })
      .reply(429, { errorMessages: ['Rate limit exceeded.'] }, { 'Retry-After': '3' });
    platform.post('/rest/api/3/search/jql', { jql: 'filter = 10070', fields, maxResults: 100 }).reply(200, {
      issues: [issue('10101', 'OPS-1', done), issue('10102', 'OPS-2', progress)],
      nextPageToken: 'CAEaAggD',
      isLast: false,
    });
    // The last page leaves nextPageToken out (Jira's schema allows no null there).
    platform
      .post('/rest/api/3/search/jql', {
        jql: 'filter = 10070',
        fields,
        maxResults: 100,
        nextPageToken: 'CAEaAggD',
      })
      .reply(200, { issues: [issue('10103', 'OPS-3', todo, { customfield_10016: null })], isLast: true });
    const tracked = ['status', 'customfield_10016', 'customfield_10020', 'customfield_10021'];
    platform
      .post('/rest/api/3/changelog/bulkfetch', {
        issueIdsOrKeys: ['10101', '10102'],
        fieldIds: tracked,
        maxResults: 1000,
      })
      .reply(200, {
        issueChangeLogs: [
          {
            issueId: '10101',
            changeHistories: [
              history('20001', '2026-03-27T10:00:00.000Z', [
                {
                  field: 'Sprint',
                  fieldId: 'customfield_10020',
                  fieldtype: 'custom',
                  to: '42',
                  toString: 'OPS Sprint 42',
                },
              ]),
              history('20002', '2026-03-31T10:00:00.000Z', [
                {
                  field: 'status',
                  fieldId: 'status',
                  fieldtype: 'jira',
                  from: '10000',
                  fromString: 'To Do',
                  to: '3',
                  toString: 'In Progress',
                },
              ]),
            ],
          },
        ],
        nextPageToken: 'page-2',
      });
    platform
      .post('/rest/api/3/changelog/bulkfetch', {
        issueIdsOrKeys: ['10101', '10102'],
        fieldIds: tracked,
        maxResults: 1000,
        nextPageToken: 'page-2',
      })
      .reply(200, {
        issueChangeLogs: [
          {
            issueId: '10101',
            changeHistories: [
              history('20003', '2026-04-01T12:00:00.000Z', [
                {
                  field: 'status',
                  fieldId: 'status',
                  fieldtype: 'jira',
                  from: '3',
                  fromString: 'In Progress',
                  to: '10002',
                  toString: 'Done',
                },
              ]),
            ],
          },
          {
            issueId: '10102',
            changeHistories: [
              history('20004', '2026-03-27T10:00:00.000Z', [
                {
                  field: 'Sprint',
                  fieldId: 'customfield_10020',
                  fieldtype: 'custom',
                  to: '42',
                  toString: 'OPS Sprint 42',
                },
                {
                  field: 'Story point estimate',
                  fieldId: 'customfield_10016',
                  fieldtype: 'custom',
                  fromString: '2',
                  toString: '3',
                },
              ]),
              history('20005', '2026-04-01T09:00:00.000Z', [
                {
                  field: 'status',
                  fieldId: 'status',
                  fieldtype: 'jira',
                  from: '10000',
                  fromString: 'To Do',
                  to: '3',
                  toString: 'In Progress',
                },
              ]),
            ],
          },
        ],
      });
    platform
      .post('/rest/api/3/changelog/bulkfetch', {
        issueIdsOrKeys: ['10103'],
        fieldIds: tracked,
        maxResults: 1000,
      })
      .reply(200, { issueChangeLogs: [{ issueId: '10103', changeHistories: [] }] });

    // The 2022 Jira Software description gives the sprint list no response schema, only its SprintBean.
    expect(await validateSpecSchema('jira-software', 'SprintBean', SPRINT_42)).toEqual([]);
    expect(
      await validateSpecSchema('jira-software', 'SprintBean', { ...SPRINT_42, activated: 'yes' }),
    ).not.toEqual([]);
    const result = await service.sync('acme', { board: 12 });
    expect(result).toMatchObject({ scope: 'board:12', full: true, issues: 3 });
    expect(waits.some((wait) => wait > 2000 && wait <= 3000)).toBe(true);
    const stored = new Map((await service.store.issues('acme', 'board:12')).map((row) => [row.key, row]));
    expect(stored.get('OPS-1')?.changes.map((change) => [change.field, change.to])).toEqual([
      ['sprint', '42'],
      ['status', '3'],
      ['status', '10002'],
    ]);
    expect(stored.get('OPS-2')?.changes.find((change) => change.field === 'points')).toMatchObject({
      from: '2',
      to: '3',
    });
    expect(stored.get('OPS-3')?.points).toBeNull();
    expect(nock.isDone()).toBe(true);
  });

  it('checks a channel setting against Jira: the project and the board must exist', async () => {
    contractNock('jira-platform', HOST)
      .get('/rest/api/3/project/OPS')
      .reply(200, { self: `${HOST}/rest/api/3/project/10000`, id: '10000', key: 'OPS', name: 'Operations' });
    contractNock('jira-software', HOST)
      .get('/rest/agile/1.0/board')
      .query({ startAt: '0', maxResults: '50', projectKeyOrId: 'NOPE' })
      .reply(200, { maxResults: 50, startAt: 0, total: 0, isLast: true, values: [] });
    contractNock('jira-platform', HOST)
      .get('/rest/api/3/project/NOPE')
      .reply(404, { errorMessages: ["No project could be found with key 'NOPE'."], errors: {} });
    expect((await service.api.project('OPS')).key).toBe('OPS');
    expect(await service.api.boards('NOPE')).toEqual([]);
    await expect(service.api.project('NOPE')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining("No project could be found with key 'NOPE'"),
    });
  });
});
