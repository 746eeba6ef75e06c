import type { FieldChange, SnapshotIssue, TrackedField } from '../model.ts';

/**
 * An issue's fields replayed through time from its changelog: the status, the sprints it was in and its
 * estimate at any instant. The value before the first change comes from that change's `from` (Jira writes
 * the old value into every change); a field that never changed has had its current value since creation.
 */
export class Timeline<T> {
  readonly times: number[];
  readonly values: T[];

  constructor(initial: T, changes: { at: number; value: T }[]) {
    this.times = [Number.NEGATIVE_INFINITY, ...changes.map((change) => change.at)];
    this.values = [initial, ...changes.map((change) => change.value)];
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
  const of = (field: TrackedField) => issue.changes.filter((change) => change.field === field);
  const status = of('status');
  const sprint = of('sprint');
  const points = of('points');
  const sprints = new Timeline<readonly number[]>(
    sprint.length > 0 ? sprintIds(sprint[0]?.from ?? null) : issue.sprintIds,
    sprint.map((change) => ({ at: Date.parse(change.at), value: sprintIds(change.to) })),
  );
  const everInSprints = new Set<number>(issue.sprintIds);
  for (const values of sprints.values) for (const id of values) everInSprints.add(id);
  return {
    issue,
    created: Date.parse(issue.created),
    status: new Timeline(
      status[0]?.from ?? issue.statusId,
      status.map((change) => ({ at: Date.parse(change.at), value: change.to ?? issue.statusId })),
    ),
    sprints,
    points: new Timeline(
      points.length > 0 ? estimate(points[0]?.from ?? null) : issue.points,
      points.map((change) => ({ at: Date.parse(change.at), value: estimate(change.to) })),
    ),
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
