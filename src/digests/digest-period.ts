import type { DigestPeriod } from '../core/digests.ts';
import { CronSlots } from '../scheduler/cron-slots.ts';

const DAY_MS = 86_400_000;
/** How far back the previous fire time is looked for (a yearly digest covers a year). */
const LOOK_BACK_MS = 400 * DAY_MS;

/**
 * What one digest covers: from the schedule's previous fire time (exclusive) to this one. A run asked for
 * now, and a preview, cover the time since the latest fire time up to now: "what the next one would say
 * so far". Periods follow the schedule's slots, so consecutive digests neither overlap nor leave gaps.
 */
export function periodOf(
  schedule: { cron: string; timezone: string },
  end: Date,
  options: { upToNow: boolean },
): DigestPeriod {
  const slots = new CronSlots(schedule.cron, schedule.timezone);
  const before = options.upToNow ? end : new Date(end.getTime() - 1);
  const start = slots.previous(before, new Date(end.getTime() - LOOK_BACK_MS));
  return {
    start: start && start.getTime() < end.getTime() ? start : new Date(end.getTime() - DAY_MS),
    end,
    timeZone: schedule.timezone,
  };
}
