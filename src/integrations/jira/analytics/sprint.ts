import type { SnapshotSprint, SprintCommitment } from '../model.ts';
import { dayOf, endOfDay, workingDaysBetween } from './calendar.ts';
import type { IssueHistory } from './history.ts';
import type { Workflow } from './workflow.ts';

/**
 * One sprint's numbers, as Jira's Sprint Report and Velocity Chart define them. Committed: the issues in
 * the sprint when it started and not done then, with their estimates at that moment (recorded when the
 * bot saw the sprint start, else rebuilt from the changelogs). Completed: issues in the sprint at its end
 * (now, for the active sprint) that are done then and were not already done when they joined it, with
 * their estimates then. Added and removed: issues that joined or left after the start. Sub-tasks are left
 * out; an issue without an estimate counts zero points and is counted as unestimated.
 */
export interface IssueCount {
  issues: number;
  points: number;
  keys: string[];
}

export interface SprintNumbers {
  sprint: { id: number; name: string; state: string; start: string | null; end: string | null; goal: string };
  /** The moment the numbers are taken at: the sprint's completion (or end) date, or now. */
  asOf: string;
  committed: IssueCount & { unestimated: number; source: 'recorded' | 'reconstructed' };
  completed: IssueCount;
  added: IssueCount;
  removed: IssueCount;
  /** Committed issues that had been in an earlier sprint before this one started. */
  carriedIn: IssueCount;
  /** In the sprint and not done as of `asOf` (for a closed sprint: carried out to the next). */
  remaining: IssueCount;
  days: { total: number; elapsed: number; left: number; workingLeft: number };
  burndown: { day: number; remaining: number; scope: number; completed: number }[];
}

/**
 * Completing a sprint writes its date and moves unfinished issues on in two steps that may be seconds apart,
 * in either order: an issue in the sprint shortly before its completion still counts as in it at the end.
 */
const CLOSE_GRACE_MS = 5 * 60_000;

const empty = (): IssueCount => ({ issues: 0, points: 0, keys: [] });
const add = (count: IssueCount, key: string, points: number | null) => {
  count.issues += 1;
  count.points += points ?? 0;
  count.keys.push(key);
};

export function sprintNumbers(
  sprint: SnapshotSprint,
  histories: readonly IssueHistory[],
  workflow: Workflow,
  options: { now: number; recorded?: SprintCommitment | undefined; allSprints: readonly SnapshotSprint[] },
): SprintNumbers {
  const zone = workflow.timezone;
  const start = sprint.start ? Date.parse(sprint.start) : options.now;
  const closedAt = sprint.completed ?? sprint.end;
  const closed = sprint.state === 'closed' && closedAt !== null;
  const asOf = closed ? Date.parse(closedAt) : options.now;
  const members = histories.filter(
    (history) => !history.issue.subtask && history.everInSprints.has(sprint.id),
  );
  const inSprint = (history: IssueHistory, time: number) => history.sprints.at(time).includes(sprint.id);
  const inAtEnd = (history: IssueHistory) =>
    inSprint(history, asOf) || (closed && inSprint(history, asOf - CLOSE_GRACE_MS));
  const doneAt = (history: IssueHistory, time: number) => workflow.done.has(history.status.at(time));
  const earlier = new Set(
    options.allSprints
      .filter((other) => other.id !== sprint.id && other.start && Date.parse(other.start) < start)
      .map((other) => other.id),
  );

  const committed = { ...empty(), unestimated: 0, source: 'reconstructed' as 'recorded' | 'reconstructed' };
  const carriedIn = empty();
  const committedKeys = new Set<string>();
  if (options.recorded) {
    committed.source = 'recorded';
    for (const entry of options.recorded.issues) {
      add(committed, entry.key, entry.points);
      if (entry.points === null) committed.unestimated += 1;
      committedKeys.add(entry.key);
    }
  } else {
    for (const history of members) {
      if (!inSprint(history, start) || doneAt(history, start)) continue;
      const points = history.points.at(start);
      add(committed, history.issue.key, points);
      if (points === null) committed.unestimated += 1;
      committedKeys.add(history.issue.key);
    }
  }
  for (const history of members) {
    if (!committedKeys.has(history.issue.key)) continue;
    const before = history.sprints.values.some((ids, index) =>
      (history.sprints.times[index] ?? 0) <= start ? ids.some((id) => earlier.has(id)) : false,
    );
    if (before) add(carriedIn, history.issue.key, history.points.at(start));
  }

  const completed = empty();
  const added = empty();
  const removed = empty();
  const remaining = empty();
  for (const history of members) {
    const key = history.issue.key;
    const joins = history.sprints
      .between(start, asOf)
      .filter(([time, ids]) => ids.includes(sprint.id) && !history.sprints.at(time - 1).includes(sprint.id));
    const wasCommitted = committedKeys.has(key);
    if (!wasCommitted && joins.length > 0) add(added, key, history.points.at(joins[0]?.[0] ?? start));
    if (!inAtEnd(history)) {
      const touched = wasCommitted || joins.length > 0;
      const left = history.sprints
        .between(start, asOf)
        .filter(
          ([time, ids]) => !ids.includes(sprint.id) && history.sprints.at(time - 1).includes(sprint.id),
        );
      if (touched && left.length > 0) add(removed, key, history.points.at((left.at(-1)?.[0] ?? asOf) - 1));
      continue;
    }
    const joinedAt = inSprint(history, start) ? start : (joins.at(-1)?.[0] ?? start);
    if (doneAt(history, asOf)) {
      if (!doneAt(history, joinedAt)) add(completed, key, history.points.at(asOf));
    } else add(remaining, key, history.points.at(asOf));
  }

  const startDay = dayOf(start, zone);
  const endDay = sprint.end ? dayOf(sprint.end, zone) : startDay;
  const today = dayOf(asOf, zone);
  const burndown: SprintNumbers['burndown'] = [];
  for (let day = startDay; day <= Math.min(today, endDay); day += 1) {
    const time = day === today ? asOf : endOfDay(day, zone);
    let open = 0;
    let finished = 0;
    for (const history of members) {
      if (!inSprint(history, time)) continue;
      const points = history.points.at(time) ?? 0;
      if (!doneAt(history, time)) open += points;
      else if (!doneAt(history, Math.max(start, firstJoin(history, sprint.id, start, time))))
        finished += points;
    }
    burndown.push({ day, remaining: open, scope: open + finished, completed: finished });
  }
  return {
    sprint: {
      id: sprint.id,
      name: sprint.name,
      state: sprint.state,
      start: sprint.start,
      end: sprint.end,
      goal: sprint.goal,
    },
    asOf: new Date(asOf).toISOString(),
    committed,
    completed,
    added,
    removed,
    carriedIn,
    remaining,
    days: {
      total: endDay - startDay + 1,
      elapsed: Math.max(0, Math.min(today, endDay) - startDay + 1),
      left: Math.max(0, endDay - today),
      workingLeft: workingDaysBetween(today, endDay),
    },
    burndown,
  };
}

/** When the issue (last) joined the sprint up to `time`: the start if it was in then. */
function firstJoin(history: IssueHistory, sprintId: number, start: number, time: number): number {
  if (history.sprints.at(start).includes(sprintId)) return start;
  const joins = history.sprints
    .between(start, time)
    .filter(([at, ids]) => ids.includes(sprintId) && !history.sprints.at(at - 1).includes(sprintId));
  return joins.at(-1)?.[0] ?? start;
}
