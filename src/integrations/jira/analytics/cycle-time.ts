import { dayLabel, dayOf, weekOf } from './calendar.ts';
import { cycleDays, flowOf, leadDays, percentile } from './flow.ts';
import type { IssueHistory } from './history.ts';
import type { Workflow } from './workflow.ts';

/**
 * Cycle and lead time of the items finished in the last N days (finish day within the window, in the
 * report's time zone), their p50/p85/p95 (nearest rank), throughput per ISO week, and the slowest items.
 */
export interface FinishedItem {
  key: string;
  summary: string;
  type: string;
  finishDay: number;
  cycleDays: number;
  leadDays: number;
  skippedStarted: boolean;
  reopened: boolean;
}

export interface CycleTimeNumbers {
  window: { days: number; from: string; to: string };
  finished: number;
  cycle: { p50: number | null; p85: number | null; p95: number | null };
  lead: { p50: number | null; p85: number | null; p95: number | null };
  /** Items per ISO week (Monday), oldest first, weeks without finished items included. */
  throughput: { week: string; items: number }[];
  slowest: FinishedItem[];
  /** Finished items that never were in a started status (counted as one day). */
  skippedStarted: number;
  reopened: number;
  items: FinishedItem[];
}

export function finishedItems(
  histories: readonly IssueHistory[],
  workflow: Workflow,
  window: { fromDay: number; toDay: number },
): FinishedItem[] {
  const zone = workflow.timezone;
  const items: FinishedItem[] = [];
  for (const history of histories) {
    if (history.issue.subtask) continue;
    const flow = flowOf(history, workflow);
    if (flow.finish === null) continue;
    const finishDay = dayOf(flow.finish, zone);
    if (finishDay < window.fromDay || finishDay > window.toDay) continue;
    items.push({
      key: history.issue.key,
      summary: history.issue.summary,
      type: history.issue.type,
      finishDay,
      cycleDays: cycleDays(flow, zone) ?? 1,
      leadDays: leadDays(flow, history.created, zone) ?? 1,
      skippedStarted: flow.skippedStarted,
      reopened: flow.reopened,
    });
  }
  return items.sort((left, right) => left.finishDay - right.finishDay || left.key.localeCompare(right.key));
}

export function cycleTimeNumbers(
  histories: readonly IssueHistory[],
  workflow: Workflow,
  options: { now: number; days: number; slowest?: number },
): CycleTimeNumbers {
  const today = dayOf(options.now, workflow.timezone);
  const fromDay = today - options.days + 1;
  const items = finishedItems(histories, workflow, { fromDay, toDay: today });
  const cycles = items.map((item) => item.cycleDays);
  const leads = items.map((item) => item.leadDays);
  const weeks = new Map<number, number>();
  for (let week = weekOf(fromDay); week <= today; week += 7) weeks.set(week, 0);
  for (const item of items) weeks.set(weekOf(item.finishDay), (weeks.get(weekOf(item.finishDay)) ?? 0) + 1);
  return {
    window: { days: options.days, from: dayLabel(fromDay), to: dayLabel(today) },
    finished: items.length,
    cycle: { p50: percentile(cycles, 50), p85: percentile(cycles, 85), p95: percentile(cycles, 95) },
    lead: { p50: percentile(leads, 50), p85: percentile(leads, 85), p95: percentile(leads, 95) },
    throughput: [...weeks.entries()].map(([week, count]) => ({ week: dayLabel(week), items: count })),
    slowest: [...items]
      .sort((left, right) => right.cycleDays - left.cycleDays || left.key.localeCompare(right.key))
      .slice(0, options.slowest ?? 5),
    skippedStarted: items.filter((item) => item.skippedStarted).length,
    reopened: items.filter((item) => item.reopened).length,
    items,
  };
}
