import { describe, expect, it } from 'vitest';
import { buildJiraSprintDigest, jiraSprintDigest } from '../../skills/jira/digest.ts';
import type { DigestContext, JiraSprintActivity } from '../../src/core/index.ts';
import { DigestKindSpecSchema } from '../../src/core/index.ts';
import { checkDigestOptions, describeOptions } from '../../src/digests/digest-options.ts';
import { workflowOf } from '../../src/integrations/jira/analytics/workflow.ts';
import { sprintActivity } from '../../src/integrations/jira/digest-source.ts';
import type { Snapshot } from '../../src/integrations/jira/model.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { at, issue, moves, STATUS, STATUSES } from '../fixtures/jira/snapshot-builder.ts';
import { BOARD, ISSUES, SPRINTS } from '../fixtures/jira/sprint-scenario.ts';

// The jira-sprint digest: the engine's period arithmetic on the hand-worked sprint scenario
// (test/fixtures/jira/sprint-scenario.ts, plus one flagged issue), and the kind's words and figures.
const FLAGGED = issue('A-10', {
  created: '2026-03-20T10:00:00.000Z',
  points: 1,
  sprintIds: [42],
  flagged: true,
  assignee: 'Dana',
  summary: 'Rotate the TLS certificates',
  changes: [
    at('sprint', '2026-03-27T10:00:00.000Z', null, '42'),
    ...moves(['2026-03-31T10:00:00.000Z', STATUS.progress]),
  ],
});
const SNAPSHOT: Snapshot = {
  board: BOARD,
  project: null,
  issues: [...ISSUES, FLAGGED],
  sprints: SPRINTS,
  statuses: STATUSES,
  commitments: new Map(),
  syncedAt: '2026-04-03T17:55:00.000Z',
  browseBase: 'https://acme.atlassian.net',
};
const workflow = workflowOf(BOARD, STATUSES, {}, 'UTC');
const activityOver = (start: string, end: string) =>
  sprintActivity(SNAPSHOT, {
    period: { start: new Date(start), end: new Date(end) },
    workflow,
    reviewDays: 3,
  });
const keys = (issues: { key: string }[]) => issues.map((entry) => entry.key).sort();

describe('jira sprint activity over a period', () => {
  it('tells what the sprint gained, lost and finished within the period, and where it stands at its end', () => {
    // Apr 1 00:00 → Apr 3 18:00: A-5 joined (Apr 1), A-6 moved to sprint 43 (Apr 2); A-1 (Apr 2), A-4 and
    // A-5 (Apr 3) were done; A-9 was done on Apr 1 and reopened on Apr 2, so it is not done at the end.
    const activity = activityOver('2026-04-01T00:00:00Z', '2026-04-03T18:00:00Z');
    expect(keys(activity.added)).toEqual(['A-5']);
    expect(keys(activity.removed)).toEqual(['A-6']);
    expect(keys(activity.done)).toEqual(['A-1', 'A-4', 'A-5']);
    expect(activity.done.find((entry) => entry.key === 'A-4')).toMatchObject({
      points: 3,
      status: 'Done',
      url: 'https://acme.atlassian.net/browse/A-4',
    });
    expect(activity.sprint).toMatchObject({
      name: 'OPS Sprint 42',
      state: 'active',
      startedInPeriod: false,
      committed: { issues: 7, points: 21 },
      completed: { issues: 3, points: 11 },
      remaining: { issues: 4, points: 8 },
      days: { total: 15, elapsed: 5, left: 10, workingLeft: 6 },
    });
    // A-2 has been in progress since Mar 24 (11 days), past the p85 cycle time of the finished work.
    expect(activity.blocked.map((entry) => [entry.key, entry.reasons])).toEqual([
      ['A-2', ['11 days old (p85 is 8)']],
      ['A-10', ['flagged']],
    ]);
    expect(activity.ended).toBeNull();
  });

  it('finds nothing new in a period without changes', () => {
    const activity = activityOver('2026-04-04T00:00:00Z', '2026-04-05T00:00:00Z');
    expect([activity.added, activity.removed, activity.done]).toEqual([[], [], []]);
    expect(activity.sprint?.startedInPeriod).toBe(false);
    expect(activity.ended).toBeNull();
  });

  it('reports the sprint that ended and the one that started within the period', () => {
    const activity = activityOver('2026-03-29T00:00:00Z', '2026-03-31T00:00:00Z');
    expect(activity.ended).toEqual({
      name: 'OPS Sprint 41',
      committed: { issues: 2, points: 8 },
      completed: { issues: 2, points: 8 },
    });
    expect(activity.sprint).toMatchObject({ name: 'OPS Sprint 42', startedInPeriod: true });
    expect(activity.done).toEqual([]);
  });
});

const END = new Date('2026-04-03T18:00:00Z');
const START = new Date('2026-04-01T00:00:00Z');

function context(activity: JiraSprintActivity, options: Record<string, string> = {}) {
  const asked: { board?: number }[] = [];
  const ctx: DigestContext = {
    tenantId: 'acme',
    platform: 'slack',
    channel: 'C0OPS000001',
    createdBy: 'U0ALICE0001',
    period: { start: START, end: END, timeZone: 'Europe/Berlin' },
    options: { board: 'channel', ...options },
    sources: {
      jira: {
        sprint: async (_period, wanted) => {
          asked.push(wanted);
          return activity;
        },
      },
    },
    log: silentLogger,
  };
  return { ctx, asked };
}

describe('jira-sprint digest', () => {
  it('puts the period into a headline and figures, with the changes as linked lines', async () => {
    const { ctx, asked } = context(activityOver(START.toISOString(), END.toISOString()), { board: '7' });
    const digest = await buildJiraSprintDigest(ctx);
    expect(asked).toEqual([{ board: 7 }]);
    expect(digest.quiet).toBe(false);
    expect(digest.headline).toBe(
      '*OPS Sprint 42* on OPS board: 11 of 21 committed points done (52%), 10 days left; 2 issues blocked or aging. Since the last digest: 3 issues done (11 points), 1 added, 1 removed.',
    );
    expect(digest.figures).toEqual({
      committedIssues: 7,
      committedPoints: 21,
      completedIssues: 3,
      completedPoints: 11,
      remainingIssues: 4,
      remainingPoints: 8,
      doneInPeriod: 3,
      donePointsInPeriod: 11,
      addedInPeriod: 1,
      addedPointsInPeriod: 5,
      removedInPeriod: 1,
      removedPointsInPeriod: 8,
      blocked: 2,
      daysLeft: 10,
      workingDaysLeft: 6,
    });
    const text = JSON.stringify(digest.blocks);
    expect(text).toContain('[A-6](https://acme.atlassian.net/browse/A-6)');
    expect(text).toContain('*Blocked or aging*');
    expect(text).toContain('Rotate the TLS certificates (1 point, Dana): flagged');
  });

  it('is quiet when the sprint did not change, and its one line still says where it stands', async () => {
    const { ctx, asked } = context(activityOver('2026-04-04T00:00:00Z', '2026-04-05T00:00:00Z'));
    const digest = await buildJiraSprintDigest(ctx);
    expect(asked).toEqual([{}]);
    expect(digest).toMatchObject({ quiet: true, blocks: [] });
    expect(digest.headline).toBe(
      'No change in *OPS Sprint 42* on OPS board: 11 of 21 committed points done (52%), 8 days left; 2 issues blocked or aging.',
    );
    expect(digest.figures).toMatchObject({
      doneInPeriod: 0,
      addedInPeriod: 0,
      removedInPeriod: 0,
      daysLeft: 8,
    });
  });

  it('says a sprint ended, and that a board without a started sprint has none', async () => {
    const turnover = await buildJiraSprintDigest(
      context(activityOver('2026-03-29T00:00:00Z', '2026-03-31T00:00:00Z')).ctx,
    );
    expect(turnover.quiet).toBe(false);
    // At the period's end (Mar 31 00:00) A-10 had not started; A-2 is aging.
    expect(turnover.headline).toBe(
      '*OPS Sprint 41* ended with 8 of 8 committed points done (2 of 2 issues). *OPS Sprint 42* on OPS board: 0 of 21 committed points done (0%), 13 days left; 1 issue blocked or aging. Since the last digest: it started.',
    );
    const none = await buildJiraSprintDigest(
      context({
        board: { id: 7, name: 'OPS board' },
        sprint: null,
        added: [],
        removed: [],
        done: [],
        blocked: [],
        ended: null,
        syncedAt: null,
      }).ctx,
    );
    expect(none).toMatchObject({ quiet: true, headline: 'OPS board has no started sprint.' });
    expect(none.figures.committedPoints).toBe(0);
  });

  it('takes board=channel (the default) or a board id, and nothing else', () => {
    const spec = DigestKindSpecSchema.parse(jiraSprintDigest);
    expect(checkDigestOptions(spec, {}, { operator: false }).board).toBe('channel');
    expect(checkDigestOptions(spec, { board: '12' }, { operator: false }).board).toBe('12');
    expect(() => checkDigestOptions(spec, { board: 'OPS' }, { operator: false })).toThrow(
      /board=OPS: choose one of channel, <board id>/,
    );
    expect(describeOptions(spec)).toContain('board=channel|<board id>');
  });
});
