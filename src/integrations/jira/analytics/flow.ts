import { dayOf } from './calendar.ts';
import type { IssueHistory } from './history.ts';
import type { Workflow } from './workflow.ts';

/**
 * When an item started and finished. Started: the first time it entered a started or done status (an item
 * that skipped the started statuses started when it finished). Finished: the start of its current run of
 * done statuses, so a reopened item finishes when it was last done, and an item that is not done now has
 * not finished. Cycle time is finish day − start day + 1 calendar days, lead time finish day − created day
 * + 1 (ActionableAgile's definitions: same-day work takes one day).
 */
export interface Flow {
  start: number | null;
  finish: number | null;
  /** True when the item went straight from a to-do status to done. */
  skippedStarted: boolean;
  reopened: boolean;
}

export function flowOf(history: IssueHistory, workflow: Workflow): Flow {
  const { status } = history;
  const active = (id: string) => workflow.started.has(id) || workflow.done.has(id);
  let start: number | null = null;
  let skippedStarted = false;
  let finish: number | null = null;
  let doneRuns = 0;
  let previousDone = false;
  for (let index = 0; index < status.values.length; index += 1) {
    const id = status.values[index] as string;
    const at = index === 0 ? history.created : (status.times[index] as number);
    if (start === null && active(id)) {
      start = at;
      skippedStarted = workflow.done.has(id);
    }
    const isDone = workflow.done.has(id);
    if (isDone && !previousDone) {
      finish = at;
      doneRuns += 1;
    }
    previousDone = isDone;
  }
  if (!previousDone) finish = null;
  return { start, finish, skippedStarted, reopened: doneRuns > 1 };
}

export function cycleDays(flow: Flow, timeZone: string): number | null {
  if (flow.start === null || flow.finish === null) return null;
  return dayOf(flow.finish, timeZone) - dayOf(flow.start, timeZone) + 1;
}

export function leadDays(flow: Flow, created: number, timeZone: string): number | null {
  if (flow.finish === null) return null;
  return dayOf(flow.finish, timeZone) - dayOf(created, timeZone) + 1;
}

/** Age of work in progress: today − start day + 1 (so work started today is one day old). */
export function ageDays(flow: Flow, now: number, timeZone: string): number | null {
  if (flow.start === null || flow.finish !== null) return null;
  return dayOf(now, timeZone) - dayOf(flow.start, timeZone) + 1;
}

/**
 * Nearest-rank percentile: the smallest value that at least p% of the values are at or below, so "85% of
 * items finished in 9 days or less" is literally true (no interpolated 8.6 days that no item took).
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((left, right) => left - right);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}
