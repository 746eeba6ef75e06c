/**
 * Calendar days in a time zone. Cycle time is counted in calendar days (ActionableAgile's definition:
 * finish day − start day + 1), so an item started and finished on the same day took one day, and where
 * midnight falls depends on the team's time zone, not the server's. A day is a whole number: days since
 * 1970-01-01 of the local date.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const DAY_MS = 86_400_000;

function formatter(timeZone: string): Intl.DateTimeFormat {
  let cached = formatters.get(timeZone);
  if (!cached) {
    cached = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, cached);
  }
  return cached;
}

const QUARTER_HOUR = 15 * 60_000;
const days = new Map<string, Map<number, number>>();

/** The local calendar day (days since the epoch) of an instant in a time zone. */
export function dayOf(instant: number | string, timeZone: string): number {
  const time = typeof instant === 'number' ? instant : Date.parse(instant);
  // Every time zone's offset is a whole number of quarter hours, so a local midnight never falls inside a
  // UTC quarter hour: the day is looked up once per quarter hour (Intl formatting is the slow part).
  const bucket = Math.floor(time / QUARTER_HOUR);
  let zone = days.get(timeZone);
  if (!zone) {
    zone = new Map();
    days.set(timeZone, zone);
  }
  let day = zone.get(bucket);
  if (day === undefined) {
    // en-CA formats as YYYY-MM-DD; parsing that as UTC gives the local date's day number.
    day = Math.floor(Date.parse(formatter(timeZone).format(bucket * QUARTER_HOUR)) / DAY_MS);
    if (zone.size > 200_000) zone.clear();
    zone.set(bucket, day);
  }
  return day;
}

/** `2026-03-02` for a day number. */
export function dayLabel(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `Mar 2` for a day number (chart axes). */
export function shortLabel(day: number): string {
  const date = new Date(day * DAY_MS);
  return `${date.toLocaleString('en', { month: 'short', timeZone: 'UTC' })} ${date.getUTCDate()}`;
}

/** Saturday or Sunday. */
export function isWeekend(day: number): boolean {
  const weekday = new Date(day * DAY_MS).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** The Monday of the ISO week a day is in. */
export function weekOf(day: number): number {
  const weekday = (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
  return day - weekday;
}

/** Days d with from < d ≤ to that are Monday to Friday. */
export function workingDaysBetween(from: number, to: number): number {
  let count = 0;
  for (let day = from + 1; day <= to; day += 1) if (!isWeekend(day)) count += 1;
  return count;
}

/** The last instant (exclusive bound minus 1 ms) of a local day, for "as of the end of that day". */
export function endOfDay(day: number, timeZone: string): number {
  // Search from UTC midnight of the next day ± 14 h for the first instant whose local day is after `day`.
  let low = (day + 1) * DAY_MS - 15 * 3_600_000;
  let high = (day + 1) * DAY_MS + 15 * 3_600_000;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (dayOf(middle, timeZone) > day) high = middle;
    else low = middle;
  }
  return low;
}
