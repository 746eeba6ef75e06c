import type { FieldChange, SnapshotIssue, TrackedField } from '../model.ts';

/**
 * An issue's fields replayed through time from its changelog: the status, the sprints it was in and its
 * estimate at any instant. The value before the first change comes from that change's `from` (Jira writes
 * the old value into every change); a field that never changed has had its current value since creation.
 */
export class Timeline<T> {
  readonly times: number[];
  readonly values: T[];

  constructor(initial: T, changes: readonly { at: number; value: T }[]) {
    this.times = new Array<number>(changes.length + 1);
    this.values = new Array<T>(changes.length + 1);
    this.times[0] = Number.NEGATIVE_INFINITY;
    this.values[0] = initial;
    for (let index = 0; index < changes.length; index += 1) {
      const change = changes[index] as { at: number; value: T };
      this.times[index + 1] = change.at;
      this.values[index + 1] = change.value;
    }
  }

  /** The value in effect at `time` (a change at exactly `time` has happened). */
  at(time: number): T {
    let low = 0;
    let high = this.times.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((this.times[middle] ?? 0) <= time) low = middle;
      else high = middle - 1;
    }
    return this.values[low] as T;
  }

  /** Changes after `from` up to and including `to`, as [time, value] pairs. */
  between(from: number, to: number): [number, T][] {
    const pairs: [number, T][] = [];
    for (let index = 1; index < this.times.length; index += 1) {
      const time = this.times[index] ?? 0;
      if (time > from && time <= to) pairs.push([time, this.values[index] as T]);
    }
    return pairs;
  }
}

export interface IssueHistory {
  issue: SnapshotIssue;
  created: number;
  status: Timeline<string>;
  sprints: Timeline<readonly number[]>;
  points: Timeline<number | null>;
  /** Every sprint the issue was ever in. */
  everInSprints: Set<number>;
}

export function historyOf(issue: SnapshotIssue): IssueHistory {
  // One pass over the changelog (a report replays every issue of a board: this runs 10,000 times).
  const status: { at: number; value: string }[] = [];
  const sprint: { at: number; value: readonly number[] }[] = [];
  const points: { at: number; value: number | null }[] = [];
  let firstStatus: string | null | undefined;
  let firstSprints: number[] | undefined;
  let firstPoints: number | null | undefined;
  for (const change of issue.changes) {
    const at = Date.parse(change.at);
    if (change.field === 'status') {
      if (firstStatus === undefined) firstStatus = change.from;
      status.push({ at, value: change.to ?? issue.statusId });
    } else if (change.field === 'sprint') {
      if (firstSprints === undefined) firstSprints = sprintIds(change.from);
      sprint.push({ at, value: sprintIds(change.to) });
    } else if (change.field === 'points') {
      if (firstPoints === undefined) firstPoints = estimate(change.from);
      points.push({ at, value: estimate(change.to) });
    }
  }
  const sprints = new Timeline<readonly number[]>(firstSprints ?? issue.sprintIds, sprint);
  const everInSprints = new Set<number>(issue.sprintIds);
  for (const values of sprints.values) for (const id of values) everInSprints.add(id);
  return {
    issue,
    created: Date.parse(issue.created),
    status: new Timeline(firstStatus ?? issue.statusId, status),
    sprints,
    points: new Timeline(firstPoints === undefined ? issue.points : firstPoints, points),
    everInSprints,
  };
}

/** `"12, 13"` → [12, 13] (a sprint change lists every sprint the issue is in after the change). */
export function sprintIds(value: string | null): number[] {
  if (!value) return [];
  return value
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((id) => Number.isInteger(id) && id > 0);
}

function estimate(value: string | null): number | null {
  if (value === null) return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/** Change helpers for hand-built fixtures and the fake Jira. */
export function change(at: string, field: TrackedField, from: string | null, to: string | null): FieldChange {
  return { at, field, from, to };
}
