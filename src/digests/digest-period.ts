import type { DigestPeriod } from '../core/digests.ts';
import { CronSlots } from '../scheduler/cron-slots.ts';

const DAY_MS = 86_400_000;
/** How far back the previous fire time is looked for (a yearly digest covers a year). */
const LOOK_BACK_MS = 400 * DAY_MS;

/**
 * What one digest covers: from the schedule's previous fire time (exclusive) to this one. A run asked for
 * now, and a preview, cover the time since the latest fire time up to now: "what the next one would say
 * so far". Periods follow the schedule's slots, so consecutive digests neither overlap nor leave gaps; a
 * catch-up (`lastCovered`: where the last digest ended) reaches back over the fire times that were missed.
 */
export function periodOf(
  schedule: { cron: string; timezone: string },
  end: Date,
  options: { upToNow: boolean; lastCovered?: Date | null },
): DigestPeriod {
  const slots = new CronSlots(schedule.cron, schedule.timezone);
  const before = options.upToNow ? end : new Date(end.getTime() - 1);
  const previous = slots.previous(before, new Date(end.getTime() - LOOK_BACK_MS));
  let start = previous && previous.getTime() < end.getTime() ? previous : new Date(end.getTime() - DAY_MS);
  // A catch-up after missed fire times covers everything since the last digest, so nothing falls between.
  const last = options.lastCovered;
  if (last && last.getTime() < start.getTime() && end.getTime() - last.getTime() <= LOOK_BACK_MS)
    start = last;
  return { start, end, timeZone: schedule.timezone };
}
