import { describe, expect, it } from 'vitest';
import {
  dayLabel,
  dayOf,
  endOfDay,
  workingDaysBetween,
} from '../../src/integrations/jira/analytics/calendar.ts';
import { cycleTimeNumbers } from '../../src/integrations/jira/analytics/cycle-time.ts';
import { cycleDays, flowOf, leadDays, percentile } from '../../src/integrations/jira/analytics/flow.ts';
import { forecastNumbers } from '../../src/integrations/jira/analytics/forecast.ts';
import { historyOf } from '../../src/integrations/jira/analytics/history.ts';
import { blockersNumbers, workloadNumbers } from '../../src/integrations/jira/analytics/work-in-progress.ts';
import { workflowOf } from '../../src/integrations/jira/analytics/workflow.ts';
import { BOARD, issue, moves, STATUS, STATUSES } from '../fixtures/jira/snapshot-builder.ts';

// Cycle and lead time (finish day − start day + 1, calendar days in the report's time zone), nearest-rank
// percentiles, throughput, blockers, workload and the forecast, each on a history with a known answer.
const utc = workflowOf(BOARD, STATUSES, {}, 'UTC');
const flow = (item: ReturnType<typeof issue>, workflow = utc) => flowOf(historyOf(item), workflow);

const reopened = issue('R-1', {
  created: '2026-03-01T09:00:00.000Z',
  changes: moves(
    ['2026-03-02T10:00:00.000Z', STATUS.progress],
    ['2026-03-04T12:00:00.000Z', STATUS.done],
    ['2026-03-06T09:00:00.000Z', STATUS.progress],
    ['2026-03-09T15:00:00.000Z', STATUS.done],
  ),
});
const sameDay = issue('S-1', {
  created: '2026-03-09T08:00:00.000Z',
  changes: moves(['2026-03-10T09:00:00.000Z', STATUS.progress], ['2026-03-10T17:00:00.000Z', STATUS.done]),
});
const aroundMidnight = issue('T-1', {
  created: '2026-03-11T20:00:00.000Z',
  changes: moves(['2026-03-11T23:30:00.000Z', STATUS.progress], ['2026-03-12T00:30:00.000Z', STATUS.done]),
});

describe('cycle and lead time', () => {
  it('counts a reopened item from its first start to its last finish', () => {
    const reopenedFlow = flow(reopened);
    expect(reopenedFlow.reopened).toBe(true);
    expect(cycleDays(reopenedFlow, 'UTC')).toBe(8);
    expect(leadDays(reopenedFlow, Date.parse(reopened.created), 'UTC')).toBe(9);
  });

  it('counts work started and finished the same day as one day', () => {
    expect(cycleDays(flow(sameDay), 'UTC')).toBe(1);
    expect(leadDays(flow(sameDay), Date.parse(sameDay.created), 'UTC')).toBe(2);
  });

  it("counts calendar days in the team's time zone, not the server's", () => {
    // 23:30 → 00:30 UTC crosses midnight in UTC, but not in New York, Berlin or Tokyo.
    expect(cycleDays(flow(aroundMidnight), 'UTC')).toBe(2);
    expect(cycleDays(flow(aroundMidnight), 'America/New_York')).toBe(1);
    expect(cycleDays(flow(aroundMidnight), 'Europe/Berlin')).toBe(1);
    expect(cycleDays(flow(aroundMidnight), 'Asia/Tokyo')).toBe(1);
  });

  it('has not finished an item that is open again, and starts an item that skipped the started statuses when it finished', () => {
    const open = issue('O-1', {
      created: '2026-03-01T09:00:00.000Z',
      changes: moves(
        ['2026-03-02T10:00:00.000Z', STATUS.progress],
        ['2026-03-03T10:00:00.000Z', STATUS.done],
        ['2026-03-04T10:00:00.000Z', STATUS.progress],
      ),
    });
    expect(flow(open).finish).toBeNull();
    const skipped = issue('K-1', {
      created: '2026-03-01T09:00:00.000Z',
      changes: moves(['2026-03-05T10:00:00.000Z', STATUS.done]),
    });
    expect(flow(skipped)).toMatchObject({ skippedStarted: true, reopened: false });
    expect(cycleDays(flow(skipped), 'UTC')).toBe(1);
  });

  it('uses nearest-rank percentiles: p85 is a number of days an item really took', () => {
    const values = [1, 2, 2, 3, 3, 4, 5, 8, 13, 21];
    expect(percentile(values, 50)).toBe(3);
    expect(percentile(values, 85)).toBe(13);
    expect(percentile(values, 95)).toBe(21);
    expect(percentile([], 50)).toBeNull();
  });

  it('reports the window: percentiles, throughput per week, the slowest items, sub-tasks left out', () => {
    const subtask = issue('U-1', {
      created: '2026-03-01T09:00:00.000Z',
      subtask: true,
      changes: moves(
        ['2026-03-02T10:00:00.000Z', STATUS.progress],
        ['2026-03-12T10:00:00.000Z', STATUS.done],
      ),
    });
    const numbers = cycleTimeNumbers([reopened, sameDay, aroundMidnight, subtask].map(historyOf), utc, {
      now: Date.parse('2026-03-13T12:00:00.000Z'),
      days: 14,
    });
    expect(numbers.finished).toBe(3);
    expect(numbers.items.map((item) => [item.key, item.cycleDays])).toEqual([
      ['R-1', 8],
      ['S-1', 1],
      ['T-1', 2],
    ]);
    expect(numbers.cycle).toEqual({ p50: 2, p85: 8, p95: 8 });
    expect(numbers.throughput).toEqual([
      { week: '2026-02-23', items: 0 },
      { week: '2026-03-02', items: 0 },
      { week: '2026-03-09', items: 3 },
    ]);
    expect(numbers.slowest[0]?.key).toBe('R-1');
    expect(numbers.reopened).toBe(1);
  });
});

describe('calendar', () => {
  it('knows local days, the end of a local day and working days', () => {
    expect(dayLabel(dayOf('2026-03-12T00:30:00.000Z', 'America/Los_Angeles'))).toBe('2026-03-11');
    const day = dayOf('2026-03-11T12:00:00.000Z', 'Europe/Berlin');
    expect(new Date(endOfDay(day, 'Europe/Berlin')).toISOString()).toBe('2026-03-11T22:59:59.999Z');
    // Fri → Mon: Sat, Sun and Mon; only Monday is a working day.
    expect(
      workingDaysBetween(dayOf('2026-04-10T12:00:00Z', 'UTC'), dayOf('2026-04-13T12:00:00Z', 'UTC')),
    ).toBe(1);
  });
});

describe('work in progress', () => {
  const now = Date.parse('2026-03-20T12:00:00.000Z');
  const finished = Array.from({ length: 6 }, (_, index) =>
    issue(`F-${index}`, {
      created: '2026-03-01T09:00:00.000Z',
      changes: moves(
        ['2026-03-02T10:00:00.000Z', STATUS.progress],
        [`2026-03-0${2 + index}T15:00:00.000Z`, STATUS.done],
      ),
    }),
  );
  const flagged = issue('W-1', {
    created: '2026-03-15T09:00:00.000Z',
    assignee: 'Ana',
    flagged: true,
    points: 3,
    changes: moves(['2026-03-18T10:00:00.000Z', STATUS.progress]),
  });
  const blocked = issue('W-2', {
    created: '2026-03-15T09:00:00.000Z',
    assignee: 'Ana',
    blockedBy: [
      { key: 'X-1', done: false },
      { key: 'X-2', done: true },
    ],
    changes: moves(['2026-03-19T10:00:00.000Z', STATUS.progress]),
  });
  const old = issue('W-3', {
    created: '2026-03-01T09:00:00.000Z',
    assignee: 'Ben',
    points: 5,
    changes: moves(['2026-03-05T10:00:00.000Z', STATUS.progress]),
  });
  const review = issue('W-4', {
    created: '2026-03-10T09:00:00.000Z',
    changes: moves(
      ['2026-03-12T10:00:00.000Z', STATUS.progress],
      ['2026-03-16T10:00:00.000Z', STATUS.review],
    ),
  });
  const todo = issue('W-5', { created: '2026-03-10T09:00:00.000Z', assignee: 'Ben' });
  const all = [...finished, flagged, blocked, old, review, todo].map(historyOf);

  it('finds flagged, blocked, aging and stuck-in-review work, with why', () => {
    // Finished cycle times 1..6 days: p85 = 6, so W-3 (16 days old) is aging; W-4 is 5 days in review.
    const numbers = blockersNumbers(all, utc, {
      now,
      recentCycleDays: [1, 2, 3, 4, 5, 6],
      reviewDays: 3,
    });
    expect(numbers).toMatchObject({
      flagged: 1,
      blockedByLinks: 1,
      aging: 2,
      stuckInReview: 1,
      agingThresholdDays: 6,
    });
    const why = Object.fromEntries(numbers.items.map((item) => [item.key, item.reasons]));
    expect(why).toEqual({
      'W-1': ['flagged'],
      'W-2': ['blocked by X-1'],
      'W-3': ['16 days old (p85 is 6)'],
      'W-4': ['9 days old (p85 is 6)', '5 days in In Review'],
    });
  });

  it('does not judge age from fewer than five finished items', () => {
    const numbers = blockersNumbers(all, utc, { now, recentCycleDays: [1, 2], reviewDays: 3 });
    expect(numbers.agingThresholdDays).toBeNull();
    expect(numbers.aging).toBe(0);
  });

  it('counts work in progress per assignee, with unassigned work apart', () => {
    const numbers = workloadNumbers(all, utc, now);
    expect(numbers.total).toBe(4);
    expect(numbers.assignees).toEqual([
      { assignee: 'Ana', items: 2, points: 3, oldestDays: 3 },
      { assignee: 'Ben', items: 1, points: 5, oldestDays: 16 },
      { assignee: 'Unassigned', items: 1, points: 0, oldestDays: 9 },
    ]);
    expect(numbers.unassigned).toBe(1);
  });
});

describe('forecast', () => {
  const items = (perDay: number[]) =>
    perDay.flatMap((count, index) =>
      Array.from({ length: count }, (_, position) => ({
        key: `Q-${index}-${position}`,
        summary: '',
        type: 'Story',
        finishDay: dayOf('2026-03-01T12:00:00Z', 'UTC') + index,
        cycleDays: 1,
        leadDays: 1,
        skippedStarted: false,
        reopened: false,
      })),
    );

  it('needs exactly N ÷ rate days when every day finished the same number of items', () => {
    const numbers = forecastNumbers(items(Array(28).fill(2)), {
      now: Date.parse('2026-03-28T12:00:00Z'),
      timeZone: 'UTC',
      items: 10,
      windowDays: 28,
    });
    expect(numbers.p50).toEqual({ days: 5, date: '2026-04-02' });
    expect(numbers.p85).toEqual({ days: 5, date: '2026-04-02' });
  });

  it('is deterministic for the same data, and later at 85% than at 50% when throughput varies', () => {
    const history = items([0, 3, 0, 1, 5, 0, 0, 2, 4, 0, 1, 0, 0, 6]);
    const options = { now: Date.parse('2026-03-14T12:00:00Z'), timeZone: 'UTC', items: 20, windowDays: 14 };
    const first = forecastNumbers(history, options);
    expect(forecastNumbers(history, options)).toEqual(first);
    expect(first.p85.days).toBeGreaterThan(first.p50.days);
    expect(first.distribution.reduce((sum, entry) => sum + entry.trials, 0)).toBe(first.trials);
  });

  it('refuses to forecast from a window in which nothing finished', () => {
    expect(() =>
      forecastNumbers([], {
        now: Date.parse('2026-03-14T12:00:00Z'),
        timeZone: 'UTC',
        items: 5,
        windowDays: 14,
      }),
    ).toThrow(/Nothing was finished/);
  });
});
