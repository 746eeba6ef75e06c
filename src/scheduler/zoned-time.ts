import { ChatOpsError } from '../core/errors.ts';

/**
 * Wall-clock time in an IANA zone, and back to instants, with Intl only (no tz database of our own).
 * Local times that do not exist (the hour skipped when clocks go forward) are read with the offset in
 * force before the change, so they move forward by the gap (02:30 becomes 03:30); local times that exist
 * twice (clocks go back) mean the earlier of the two. A schedule thus fires once per local time, every day.
 * (Schedules that run every hour are the exception, as in Vixie cron: see cron-slots.ts.)
 */
export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** True for a zone Intl knows (cron libraries often fall back to the local zone silently instead). */
export function isTimeZone(zone: string): boolean {
  if (!zone.trim()) return false;
  try {
    formatterOf(zone.trim());
    return true;
  } catch {
    return false;
  }
}

export function checkTimeZone(zone: string): string {
  if (isTimeZone(zone)) return zone.trim();
  throw new ChatOpsError('VALIDATION_FAILED', `"${zone}" is not a time zone I know.`, {
    remedy: 'Use an IANA zone name such as UTC, Europe/Berlin or America/New_York.',
  });
}

export function wallTimeOf(instantMs: number, zone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(zone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (Berlin in winter: +3,600,000). */
export function offsetAt(instantMs: number, zone: string): number {
  const wall = wallTimeOf(instantMs, zone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** The instant of a wall-clock time (see the module comment for skipped and repeated local times). */
export function instantOf(wall: WallTime, zone: string): number {
  return instantsOf(wall, zone)[0] ?? 0;
}

/** Every instant showing this wall-clock time: two in the repeated hour, else one (moved past a gap). */
export function instantsOf(wall: WallTime, zone: string): number[] {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const before = offsetAt(asUtc - DAY_MS, zone);
  const after = offsetAt(asUtc + DAY_MS, zone);
  const candidates = [...new Set([asUtc - before, asUtc - after])]
    .filter((instant) => sameWall(wallTimeOf(instant, zone), wall))
    .sort((left, right) => left - right);
  return candidates.length > 0 ? candidates : [asUtc - before];
}

/** The offsets of one local calendar day: `before` until `changeAt`, `after` from then on. */
export interface DayOffsets {
  before: number;
  after: number;
  /** The instant the clocks change that day, or Infinity on a steady day (before === after). */
  changeAt: number;
}

/**
 * The offsets around the local calendar day starting at `dayMs` (UTC midnight of that date). Probes cover
 * every offset from -14 h to +14 h; the change instant is found by bisection to the second, so the day's
 * fire times are then plain arithmetic (no Intl call per fire time).
 */
export function offsetsOfDay(dayMs: number, zone: string): DayOffsets {
  let low = dayMs - 14 * HOUR_MS;
  let high = dayMs + DAY_MS + 14 * HOUR_MS;
  const before = offsetAt(low, zone);
  const after = offsetAt(high, zone);
  if (before === after) return { before, after, changeAt: Number.POSITIVE_INFINITY };
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (offsetAt(middle, zone) === before) low = middle;
    else high = middle;
  }
  return { before, after, changeAt: high };
}

/**
 * Every instant that shows a wall-clock time (given as milliseconds of that time read as if it were UTC):
 * one on a steady day, two in a repeated hour, and past a skipped hour the time read with the offset from
 * before the change (so 02:30 becomes 03:30).
 */
export function instantsOfWall(asUtc: number, day: DayOffsets): number[] {
  if (day.before === day.after) return [asUtc - day.before];
  const found: number[] = [];
  if (asUtc - day.before < day.changeAt) found.push(asUtc - day.before);
  if (asUtc - day.after >= day.changeAt) found.push(asUtc - day.after);
  found.sort((left, right) => left - right);
  return found.length > 0 ? found : [asUtc - day.before];
}

function sameWall(left: WallTime, right: WallTime): boolean {
  return (
    left.year === right.year &&
    left.month === right.month &&
    left.day === right.day &&
    left.hour === right.hour &&
    left.minute === right.minute &&
    left.second === right.second
  );
}
