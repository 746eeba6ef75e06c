import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { historyOf } from '../../src/integrations/jira/analytics/history.ts';
import type { JiraService } from '../../src/integrations/jira/service.ts';
import { validateSpecRequest } from '../support/contract/index.ts';
import type { FakeJira } from '../support/fake-jira/server.ts';
import { S } from '../support/fake-jira/world.ts';
import type { DatabaseKind } from '../support/harness.ts';
import { fakeJiraWith, jiraService } from '../support/jira.ts';

// The snapshot against a fake Jira on 127.0.0.1: a full sync read page by page (search pages linked by
// nextPageToken, changelogs in pages of the bulk endpoint), through a 429 with Retry-After, then an
// incremental sync that reads only what changed; on PostgreSQL and on the embedded PGlite.
describe.each<DatabaseKind>(['postgresql', 'pglite'])('Jira sync (%s)', (kind) => {
  let fake: FakeJira;
  let database: Database;
  let service: JiraService;
  let close: () => Promise<void>;
  const waits: number[] = [];

  beforeAll(async () => {
    fake = await fakeJiraWith(
      { issues: 240, closedSprints: 6 },
      { searchPageSize: 40, changelogPageSize: 150 },
    );
    ({ database, service, close } = await jiraService(kind, fake, {
      sleep: async (milliseconds) => {
        waits.push(milliseconds);
      },
    }));
  });
  afterAll(async () => {
    await close?.();
    await fake?.close();
  });

  it('reads every issue with its whole history in a full sync, through pagination and a 429', async () => {
    fake.rateLimit(/\/search\/jql$/, 1, 2);
    fake.rateLimit(/\/changelog\/bulkfetch$/, 1, 1);
    const result = await service.sync('acme', { board: 1 });
    // At least the 240 issues asked for: sprint work may add a few, depending on the weekdays before today.
    expect(fake.world.issues.size).toBeGreaterThanOrEqual(240);
    expect(result).toMatchObject({ scope: 'board:1', full: true, issues: fake.world.issues.size, ran: true });

    const searches = fake.requests.filter((request) => request.path === '/rest/api/3/search/jql');
    // The issues in pages of 40 (six pages for 240), plus the one answered 429 and asked again.
    const pages = Math.ceil(fake.world.issues.size / 40);
    expect(searches).toHaveLength(pages + 1);
    const tokens = searches.map((request) => (request.body as { nextPageToken?: string }).nextPageToken);
    expect(tokens[0]).toBeUndefined();
    expect(new Set(tokens.slice(2)).size).toBe(pages - 1);
    const changelogPages = fake.requests.filter(
      (request) => request.path === '/rest/api/3/changelog/bulkfetch',
    );
    expect(changelogPages.some((request) => (request.body as { nextPageToken?: string }).nextPageToken)).toBe(
      true,
    );
    // The 429s were waited out for as long as Retry-After said (the fake sleep records the waits).
    expect(service.http.counters.rateLimited).toBe(2);
    expect(waits.filter((wait) => wait > 900).length).toBeGreaterThanOrEqual(2);

    const stored = await service.store.issues('acme', 'board:1');
    expect(stored).toHaveLength(fake.world.issues.size);
    for (const world of [...fake.world.issues.values()].slice(0, 60)) {
      const issue = stored.find((candidate) => candidate.key === world.key);
      const tracked = world.histories.flatMap((history) =>
        history.items.filter((item) => item.fieldId !== 'description').map(() => history.created),
      );
      expect(issue?.changes.map((change) => Date.parse(change.at))).toEqual(tracked);
      expect(issue?.statusId).toBe(world.status);
      expect(issue?.sprintIds).toEqual(world.sprints);
      // Replaying the stored history arrives at the current fields.
      if (!issue) throw new Error(`${world.key} was not stored`);
      const replay = historyOf(issue);
      expect(replay.status.at(Date.now())).toBe(world.status);
      expect(replay.points.at(Date.now())).toBe(world.points);
    }
    expect((await service.store.sprintsOfBoard('acme', 1)).map((sprint) => sprint.state)).toEqual([
      'closed',
      'closed',
      'closed',
      'closed',
      'closed',
      'closed',
      'active',
      'future',
    ]);
    expect((await service.store.board('acme', 1))?.columns.map((column) => column.name)).toEqual([
      'To Do',
      'In Progress',
      'In Review',
      'Done',
    ]);
    expect(await service.store.siteFields('acme')).toEqual({
      points: 'customfield_10016',
      sprint: 'customfield_10020',
      flagged: 'customfield_10021',
    });
  });

  it('sends only requests the Jira platform and Jira Software specs describe', async () => {
    const problems: string[] = [];
    for (const request of fake.requests) {
      const spec = request.path.startsWith('/rest/agile/') ? 'jira-software' : 'jira-platform';
      if (request.method === 'POST')
        problems.push(
          ...(await validateSpecRequest(spec, { method: 'POST', path: request.path, body: request.body })),
        );
    }
    expect(problems).toEqual([]);
    expect(fake.requests.every((request) => request.headers.authorization?.startsWith('Basic '))).toBe(true);
  });

  it('reads only what changed in an incremental sync, and replaces those histories', async () => {
    const before = fake.requests.length;
    const parents = [...fake.world.issues.values()].filter((issue) => issue.type !== 'Sub-task');
    const now = Date.now();
    const first = parents.find((issue) => issue.status !== S.done);
    const [second, third] = parents.filter((issue) => issue !== first && !issue.sprints.includes(107));
    if (!first || !second || !third) throw new Error('the world has too few issues');
    fake.world.transition(first, S.done, now - 1000);
    fake.world.estimate(second, 21, now - 900);
    fake.world.setSprints(third, [...third.sprints, 107], now - 800);
    const seen = fake.world.issues.size;
    const added = fake.world.create('OPS', now - 700, { points: 3 });
    const result = await service.sync('acme', { board: 1 });
    expect(result).toMatchObject({ full: false, issues: 4 });
    const search = fake.requests.slice(before).find((request) => request.path === '/rest/api/3/search/jql');
    expect((search?.body as { jql: string } | undefined)?.jql).toMatch(
      /^\(filter = 10001\) AND updated >= "-\d+m"$/,
    );
    const stored = new Map(
      (await service.store.issues('acme', 'board:1')).map((issue) => [issue.key, issue]),
    );
    // What the full sync saw (240 asked for, plus what sprint work added before today) and the new one.
    expect(stored.size).toBe(seen + 1);
    expect(stored.get(first.key)?.statusId).toBe(S.done);
    expect(stored.get(second.key)?.points).toBe(21);
    expect(stored.get(second.key)?.changes.at(-1)).toMatchObject({ field: 'points', to: '21' });
    expect(stored.get(third.key)?.sprintIds).toContain(107);
    expect(stored.get(added.key)?.points).toBe(3);
  });

  it("records a sprint's commitment when a sync sees it start, and the report uses that record", async () => {
    const active = [...fake.world.sprints.values()].find((sprint) => sprint.state === 'active');
    if (!active?.start) throw new Error('no active sprint');
    const started = active.start;
    // Another tenant sees the same Jira for the first time ten minutes after the sprint started.
    active.start = Date.now() - 10 * 60_000;
    try {
      const result = await service.sync('fresh', { board: 1 });
      expect(result.full).toBe(true);
      const recorded = await service.store.commitments('fresh', [active.id]);
      expect(recorded.get(active.id)).toMatchObject({ source: 'recorded', sprintId: active.id });
      expect(recorded.get(active.id)?.issues.length).toBeGreaterThan(0);
      const sprint = await service.report('fresh', { report: 'sprint' }, { board: 1, timezone: 'UTC' });
      expect(sprint.numbers).toMatchObject({ committed: { source: 'recorded' } });
      expect(sprint.definitions.join(' ')).toContain('recorded by the bot when the sprint started');
      // A later sync never replaces what was recorded at the start.
      await service.sync('fresh', { board: 1 }, { full: true });
      expect((await service.store.commitments('fresh', [active.id])).get(active.id)?.recordedAt).toBe(
        recorded.get(active.id)?.recordedAt,
      );
    } finally {
      active.start = started;
    }
  });

  it('computes every report from the synced snapshot', async () => {
    const settings = { board: 1, project: 'OPS', timezone: 'UTC' };
    const sprint = await service.report('acme', { report: 'sprint' }, settings);
    const numbers = sprint.numbers as {
      committed: { points: number };
      completed: { points: number };
      sprint: { name: string };
    };
    expect(numbers.sprint.name).toBe('OPS Sprint 7');
    expect(numbers.committed.points).toBeGreaterThan(0);
    const velocity = await service.report('acme', { report: 'velocity', sprints: 4 }, settings);
    expect((velocity.numbers as { sprints: unknown[] }).sprints).toHaveLength(4);
    for (const report of ['cycle-time', 'blockers', 'workload', 'forecast'] as const) {
      const result = await service.report('acme', { report, project: 'OPS' }, settings);
      expect(result.reply.blocks.length).toBeGreaterThan(2);
    }
    // The board's sync and the project's each list every issue they saw.
    const all = fake.world.issues.size;
    expect(
      await database.sql(
        "select scope, count(*)::int as count from jira_scope_issues where tenant_id = 'acme' group by scope order by scope",
      ),
    ).toEqual([
      { scope: 'board:1', count: all },
      { scope: 'project:OPS', count: all },
    ]);
  });
});
