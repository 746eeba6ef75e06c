import { describe, expect, it } from 'vitest';
import { dayLabel } from '../../src/integrations/jira/analytics/calendar.ts';
import { historyOf } from '../../src/integrations/jira/analytics/history.ts';
import { sprintNumbers } from '../../src/integrations/jira/analytics/sprint.ts';
import { leastSquaresSlope, velocityNumbers } from '../../src/integrations/jira/analytics/velocity.ts';
import { workflowOf } from '../../src/integrations/jira/analytics/workflow.ts';
import { STATUSES } from '../fixtures/jira/snapshot-builder.ts';
import { BOARD, ISSUES, NOW, SPRINTS } from '../fixtures/jira/sprint-scenario.ts';

// Known answers, worked out by hand in test/fixtures/jira/sprint-scenario.ts: reopened issues, issues moved
// between sprints, scope added mid-sprint, missing estimates, a re-estimate, work completed before the
// sprint, sub-tasks.
const workflow = workflowOf(BOARD, STATUSES, {}, 'UTC');
const histories = ISSUES.map(historyOf);
const sprintById = (id: number) => {
  const found = SPRINTS.find((sprint) => sprint.id === id);
  if (!found) throw new Error(`no sprint ${id}`);
  return found;
};

describe('sprint numbers', () => {
  const active = sprintNumbers(sprintById(42), histories, workflow, { now: NOW, allSprints: SPRINTS });

  it('counts the commitment at the start: estimates then, unestimated as zero, done work and sub-tasks left out', () => {
    expect(active.committed).toMatchObject({
      issues: 6,
      points: 20,
      unestimated: 1,
      source: 'reconstructed',
    });
    expect([...active.committed.keys].sort()).toEqual(['A-1', 'A-2', 'A-3', 'A-4', 'A-6', 'A-9']);
  });

  it('counts completed work at its estimate now, including work added mid-sprint, not a reopened issue', () => {
    expect(active.completed).toMatchObject({ issues: 3, points: 11 });
    expect([...active.completed.keys].sort()).toEqual(['A-1', 'A-4', 'A-5']);
  });

  it('reports scope added and removed since the start, carry-over and what is still open', () => {
    expect(active.added).toMatchObject({ issues: 1, points: 5, keys: ['A-5'] });
    expect(active.removed).toMatchObject({ issues: 1, points: 8, keys: ['A-6'] });
    expect(active.carriedIn).toMatchObject({ issues: 1, points: 5, keys: ['A-2'] });
    expect(active.remaining).toMatchObject({ issues: 3, points: 7 });
    expect([...active.remaining.keys].sort()).toEqual(['A-2', 'A-3', 'A-9']);
  });

  it('counts calendar days and working days left', () => {
    expect(active.days).toEqual({ total: 15, elapsed: 8, left: 7, workingLeft: 5 });
  });

  it('burns down day by day: re-estimates and added work raise the scope, removals lower it', () => {
    const byDay = Object.fromEntries(
      active.burndown.map((point) => [dayLabel(point.day), [point.remaining, point.completed, point.scope]]),
    );
    expect(byDay).toEqual({
      '2026-03-30': [20, 0, 20],
      '2026-03-31': [20, 0, 20],
      '2026-04-01': [24, 2, 26],
      '2026-04-02': [15, 3, 18],
      '2026-04-03': [7, 11, 18],
      '2026-04-04': [7, 11, 18],
      '2026-04-05': [7, 11, 18],
      '2026-04-06': [7, 11, 18],
    });
  });

  it('takes a closed sprint at its completion: the issue carried on to the next sprint is not completed', () => {
    const closed = sprintNumbers(sprintById(41), histories, workflow, { now: NOW, allSprints: SPRINTS });
    expect(closed.committed).toMatchObject({ issues: 2, points: 8 });
    expect(closed.completed).toMatchObject({ issues: 2, points: 8 });
    expect(closed.remaining.keys).toEqual(['A-2']);
    expect(closed.removed.issues).toBe(0);
  });

  it('prefers the commitment the bot recorded when the sprint started', () => {
    const recorded = sprintNumbers(sprintById(42), histories, workflow, {
      now: NOW,
      allSprints: SPRINTS,
      recorded: {
        sprintId: 42,
        source: 'recorded',
        recordedAt: '2026-03-30T09:05:00.000Z',
        issues: [
          { key: 'A-1', points: 3 },
          { key: 'A-2', points: 5 },
          { key: 'A-3', points: null },
        ],
      },
    });
    expect(recorded.committed).toMatchObject({ issues: 3, points: 8, unestimated: 1, source: 'recorded' });
    // were not in the record, so they count as added after the start.
    expect(recorded.added.keys.sort()).toEqual(['A-5']);
  });
});

describe('velocity', () => {
  it('is the mean completed points of the closed sprints, with committed beside it', () => {
    const numbers = velocityNumbers(SPRINTS, histories, workflow, {
      now: NOW,
      count: 6,
      commitments: new Map(),
    });
    expect(
      numbers.sprints.map((sprint) => [sprint.name, sprint.committedPoints, sprint.completedPoints]),
    ).toEqual([
      ['OPS Sprint 40', 11, 13],
      ['OPS Sprint 41', 8, 8],
    ]);
    expect(numbers.averageCompleted).toBe(10.5);
    expect(numbers.averageCommitted).toBe(9.5);
    expect(numbers.trend).toBe('unknown');
  });

  it('calls a trend from three sprints on, flat within 5% of the velocity', () => {
    expect(leastSquaresSlope([10, 12, 14])).toBe(2);
    expect(leastSquaresSlope([10, 12])).toBeNull();
    expect(leastSquaresSlope([20, 20.2, 20.4])).toBeCloseTo(0.2);
  });
});
