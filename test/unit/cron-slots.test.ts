import { describe, expect, it } from 'vitest';
import { parseCron } from '../../src/scheduler/cron-expression.ts';
import { CronSlots } from '../../src/scheduler/cron-slots.ts';
import { instantOf, wallTimeOf } from '../../src/scheduler/zoned-time.ts';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

describe('cron expressions', () => {
  it('reads ranges, lists, steps, names and Sunday as 7', () => {
    const cron = parseCron('*/15 9-17 * jan,jul mon-fri');
    expect(cron.minutes).toEqual([0, 15, 30, 45]);
    expect(cron.hours).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect([...cron.months]).toEqual([1, 7]);
    expect([...cron.daysOfWeek]).toEqual([1, 2, 3, 4, 5]);
    expect([...parseCron('0 0 * * 7').daysOfWeek]).toEqual([0]);
    expect(parseCron('*/20 * * * * *').seconds).toEqual([0, 20, 40]);
    expect(parseCron('5/20 * * * *').minutes).toEqual([5, 25, 45]);
  });

  it('names every field at fault, with a remedy', () => {
    expect(() => parseCron('61 25 * * *')).toThrow(/minute "61" is outside 0-59; hour "25" is outside 0-23/);
    expect(() => parseCron('0 9 * *')).toThrow(/has 4 fields/);
    expect(() => parseCron('0 9 31 2 *')).toThrow(/never fires/);
    try {
      parseCron('x 9 * * *');
    } catch (error) {
      expect(error).toMatchObject({
        code: 'VALIDATION_FAILED',
        remedy: expect.stringContaining('0 9 * * 1-5'),
      });
    }
  });
});

describe('fire times in a zone', () => {
  it('fires weekdays at 09:00 Berlin, which is 08:00 UTC in winter and 07:00 in summer', () => {
    const slots = new CronSlots('0 9 * * 1-5', 'Europe/Berlin');
    expect(iso(slots.nextRuns(new Date('2026-12-04T12:00:00Z'), 3))).toEqual([
      '2026-12-07T08:00:00.000Z',
      '2026-12-08T08:00:00.000Z',
      '2026-12-09T08:00:00.000Z',
    ]);
    expect(slots.next(new Date('2026-07-01T00:00:00Z'))?.toISOString()).toBe('2026-07-01T07:00:00.000Z');
  });

  it('fires a daily 09:00 once every day across both daylight-saving changes', () => {
    const slots = new CronSlots('0 9 * * *', 'Europe/Berlin');
    expect(iso(slots.nextRuns(new Date('2026-03-27T12:00:00Z'), 3))).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
    expect(iso(slots.nextRuns(new Date('2026-10-23T12:00:00Z'), 3))).toEqual([
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('fires 02:30 once on the night clocks go back, and an hour late on the night they go forward', () => {
    const slots = new CronSlots('30 2 * * *', 'Europe/Berlin');
    // 25 Oct 2026: 02:30 happens twice (CEST, then CET); the first counts, the second does not fire.
    expect(iso(slots.nextRuns(new Date('2026-10-24T12:00:00Z'), 2))).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
    // 29 Mar 2026: 02:30 does not exist; it runs at 03:30 CEST (01:30 UTC).
    expect(iso(slots.nextRuns(new Date('2026-03-28T12:00:00Z'), 2))).toEqual([
      '2026-03-29T01:30:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('keeps hourly schedules hourly in real time through the repeated hour, each slot once', () => {
    const slots = new CronSlots('0 * * * *', 'Europe/Berlin');
    const runs = slots.nextRuns(new Date('2026-10-24T22:30:00Z'), 5).map((date) => date.toISOString());
    // Local 01:00, 02:00 CEST, 02:00 CET, 03:00, 04:00: one hour apart, as Vixie cron runs such jobs.
    expect(runs).toEqual([
      '2026-10-24T23:00:00.000Z',
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
      '2026-10-25T03:00:00.000Z',
    ]);
    // A schedule at set hours does not repeat: every two hours skips the repeated 02:00.
    expect(
      iso(new CronSlots('0 */2 * * *', 'Europe/Berlin').nextRuns(new Date('2026-10-24T21:30:00Z'), 3)),
    ).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T00:00:00.000Z', '2026-10-25T03:00:00.000Z']);
    const spring = slots.nextRuns(new Date('2026-03-28T23:30:00Z'), 3).map((date) => date.toISOString());
    // 01:00 CET, then 02:00 (skipped, read as 03:00) and 03:00 are one instant: one slot.
    expect(spring).toEqual([
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T02:00:00.000Z',
    ]);
  });

  it('finds the latest fire time at or before an instant, within a floor', () => {
    const slots = new CronSlots('0 * * * *', 'UTC');
    const at = new Date('2026-12-08T11:30:00Z');
    expect(slots.previous(at, new Date('2026-12-08T09:00:00Z'))?.toISOString()).toBe(
      '2026-12-08T11:00:00.000Z',
    );
    expect(slots.previous(new Date('2026-12-08T11:00:00Z'), new Date(0))?.toISOString()).toBe(
      '2026-12-08T11:00:00.000Z',
    );
    expect(slots.previous(at, new Date('2026-12-08T11:10:00Z'))).toBeNull();
    const weekly = new CronSlots('0 9 * * 1', 'America/New_York');
    expect(weekly.previous(new Date('2026-12-10T00:00:00Z'), new Date(0))?.toISOString()).toBe(
      '2026-12-07T14:00:00.000Z',
    );
  });

  it('handles zones with half-hour offsets and the southern hemisphere', () => {
    expect(
      new CronSlots('0 9 * * *', 'Asia/Kolkata').next(new Date('2026-12-08T00:00:00Z'))?.toISOString(),
    ).toBe('2026-12-08T03:30:00.000Z');
    // Sydney goes forward on 4 Oct 2026 (02:00 → 03:00): 02:30 runs at 03:30 AEDT.
    expect(
      new CronSlots('30 2 * * *', 'Australia/Sydney').next(new Date('2026-10-03T12:00:00Z'))?.toISOString(),
    ).toBe('2026-10-03T16:30:00.000Z');
  });

  it('converts wall-clock times both ways', () => {
    const instant = instantOf(
      { year: 2026, month: 12, day: 8, hour: 9, minute: 0, second: 0 },
      'Europe/Berlin',
    );
    expect(new Date(instant).toISOString()).toBe('2026-12-08T08:00:00.000Z');
    expect(wallTimeOf(instant, 'Europe/Berlin')).toEqual({
      year: 2026,
      month: 12,
      day: 8,
      hour: 9,
      minute: 0,
      second: 0,
    });
  });

  it('finds rare fire times, and every second through the repeated hour', () => {
    expect(new CronSlots('0 0 29 2 *', 'UTC').next(new Date('2026-03-01T00:00:00Z'))?.toISOString()).toBe(
      '2028-02-29T00:00:00.000Z',
    );
    const seconds = new CronSlots('* * * * * *', 'Europe/Berlin').nextRuns(
      new Date('2026-10-25T00:59:58Z'),
      3,
    );
    expect(iso(seconds)).toEqual([
      '2026-10-25T00:59:59.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T01:00:01.000Z',
    ]);
  });
});
