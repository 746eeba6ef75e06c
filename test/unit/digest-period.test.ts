import { describe, expect, it } from 'vitest';
import { periodOf } from '../../src/digests/digest-period.ts';

// What a digest covers: from the previous fire time to this one, up to now for a run asked for now, and
// back to the last digest for a catch-up; across a daylight-saving change the day is still one day.
const daily = { cron: '0 9 * * *', timezone: 'Europe/Berlin' };
const iso = (period: { start: Date; end: Date }) => [period.start.toISOString(), period.end.toISOString()];

describe('the period of a digest', () => {
  it('runs from the previous fire time to this one, a local day across the change to summer time', () => {
    expect(iso(periodOf(daily, new Date('2026-12-08T08:00:00Z'), { upToNow: false }))).toEqual([
      '2026-12-07T08:00:00.000Z',
      '2026-12-08T08:00:00.000Z',
    ]);
    expect(iso(periodOf(daily, new Date('2027-03-28T07:00:00Z'), { upToNow: false }))).toEqual([
      '2027-03-27T08:00:00.000Z',
      '2027-03-28T07:00:00.000Z',
    ]);
  });

  it('covers the time since the latest fire time when asked for now', () => {
    expect(iso(periodOf(daily, new Date('2026-12-08T15:30:00Z'), { upToNow: true }))).toEqual([
      '2026-12-08T08:00:00.000Z',
      '2026-12-08T15:30:00.000Z',
    ]);
  });

  it('reaches back to the last digest after missed fire times, never further than it needs', () => {
    const hourly = { cron: '0 * * * *', timezone: 'UTC' };
    const end = new Date('2027-05-03T11:00:00Z');
    expect(
      iso(periodOf(hourly, end, { upToNow: false, lastCovered: new Date('2027-05-03T09:00:00Z') })),
    ).toEqual(['2027-05-03T09:00:00.000Z', '2027-05-03T11:00:00.000Z']);
    expect(
      iso(periodOf(hourly, end, { upToNow: false, lastCovered: new Date('2027-05-03T10:00:00Z') }))[0],
    ).toBe('2027-05-03T10:00:00.000Z');
  });
});
