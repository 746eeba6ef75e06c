import { type CronExpression, matchesDay, parseCron } from './cron-expression.ts';
import { checkTimeZone, DAY_MS, instantsOfWall, offsetsOfDay, wallTimeOf } from './zoned-time.ts';

/** How far ahead (or back) a search goes before it gives up: "0 0 29 2 1" needs decades. */
const SEARCH_DAYS = 366 * 8;

/**
 * The fire times (slots) of a cron expression in a time zone, computed from the wall clock: one slot per
 * matching local time, so a daily 09:00 fires once every day across daylight-saving changes, and 02:30 on
 * the night clocks go back fires once, not twice (see zoned-time.ts). Every scheduler replica computes the
 * same instants, which is what makes their task ids agree.
 */
export class CronSlots {
  readonly cron: CronExpression;
  readonly zone: string;

  constructor(expression: string | CronExpression, zone: string) {
    this.cron = typeof expression === 'string' ? parseCron(expression) : expression;
    this.zone = checkTimeZone(zone);
  }

  /** The first slot strictly after `after`, or null when there is none within eight years. */
  next(after: Date): Date | null {
    const from = after.getTime();
    let dayMs = dayOf(wallTimeOf(from - DAY_MS / 2, this.zone));
    for (let index = 0; index < SEARCH_DAYS; index += 1, dayMs += DAY_MS) {
      const found = this.#firstInDay(dayMs, (instant) => instant > from);
      if (found !== null) return new Date(found);
    }
    return null;
  }

  /** The last slot at or before `at` and not before `notBefore`, or null. */
  previous(at: Date, notBefore: Date): Date | null {
    const to = at.getTime();
    const floor = notBefore.getTime();
    const lastDay = dayOf(wallTimeOf(floor - DAY_MS / 2, this.zone));
    let dayMs = dayOf(wallTimeOf(to + DAY_MS / 2, this.zone));
    for (; dayMs >= lastDay; dayMs -= DAY_MS) {
      const found = this.#lastInDay(dayMs, (instant) => instant <= to && instant >= floor);
      if (found !== null) return new Date(found);
    }
    return null;
  }

  /** The next `count` slots after `after`. */
  nextRuns(after: Date, count: number): Date[] {
    const runs: Date[] = [];
    let cursor: Date | null = after;
    while (runs.length < count && cursor) {
      cursor = this.next(cursor);
      if (cursor) runs.push(cursor);
    }
    return runs;
  }

  #firstInDay(dayMs: number, wanted: (instant: number) => boolean): number | null {
    const day = this.#day(dayMs);
    let best: number | null = null;
    for (const instant of day?.instants ?? []) {
      if (!wanted(instant)) continue;
      // Wall order is instant order on a steady day, so the first hit is the earliest.
      if (day?.steady) return instant;
      if (best === null || instant < best) best = instant;
    }
    return best;
  }

  #lastInDay(dayMs: number, wanted: (instant: number) => boolean): number | null {
    let best: number | null = null;
    for (const instant of this.#day(dayMs)?.instants ?? []) {
      if (wanted(instant) && (best === null || instant > best)) best = instant;
    }
    return best;
  }

  /** The day's matching wall times as instants, in wall-clock order; null when the day does not match. */
  #day(dayMs: number): { steady: boolean; instants: Iterable<number> } | null {
    const date = new Date(dayMs);
    if (!matchesDay(this.cron, date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCDay())) return null;
    const offsets = offsetsOfDay(dayMs, this.zone);
    const steady = offsets.before === offsets.after;
    const { hours, minutes, seconds } = this.cron;
    const everyHour = hours.length === 24;
    function* instants(): Generator<number> {
      for (const hour of hours) {
        for (const minute of minutes) {
          for (const second of seconds) {
            const wall = dayMs + ((hour * 60 + minute) * 60 + second) * 1000;
            if (steady) {
              yield wall - offsets.before;
              continue;
            }
            const found = instantsOfWall(wall, offsets);
            yield* everyHour ? found : found.slice(0, 1);
          }
        }
      }
    }
    return { steady, instants: instants() };
  }
}

/** UTC midnight of a wall-clock date: the day counter the searches step through. */
function dayOf(wall: { year: number; month: number; day: number }): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day);
}
