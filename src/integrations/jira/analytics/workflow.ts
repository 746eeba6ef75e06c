import { ChatOpsError } from '../../../core/errors.ts';
import type { JiraChannelSettings } from '../../../core/jira.ts';
import type { SnapshotBoard, StatusInfo } from '../model.ts';

/**
 * Which statuses count as started and as done, and where that definition came from: the board's columns
 * (what Jira's own reports use), Jira's status categories (a project without a board), or the channel's
 * own choice (`/jira config started=… done=…`). Every report prints these sentences under its numbers.
 */
export interface Workflow {
  started: ReadonlySet<string>;
  done: ReadonlySet<string>;
  /** Status names per status id, for tables. */
  names: ReadonlyMap<string, string>;
  /** Review statuses: named like "review", or in a board column named like it. */
  review: ReadonlySet<string>;
  timezone: string;
  definitions: string[];
}

const REVIEW = /review/i;

export function workflowOf(
  board: SnapshotBoard | null,
  statuses: ReadonlyMap<string, StatusInfo>,
  settings: Pick<JiraChannelSettings, 'started' | 'done'>,
  timezone: string,
): Workflow {
  const names = new Map([...statuses.values()].map((status) => [status.id, status.name]));
  const name = (id: string) => names.get(id) ?? `status ${id}`;
  let started: Set<string>;
  let done: Set<string>;
  let startedFrom: string;
  let doneFrom: string;
  const review = new Set(
    [...statuses.values()].filter((status) => REVIEW.test(status.name)).map((s) => s.id),
  );
  if (board && board.columns.length >= 2) {
    const columns = board.columns;
    const last = columns[columns.length - 1];
    done = new Set(last?.statusIds ?? []);
    doneFrom = `the board's last column "${last?.name ?? 'Done'}"`;
    // Leading columns whose statuses are all "To Do" (Backlog, Selected for Development) are not started.
    let first = 1;
    while (
      first < columns.length - 1 &&
      (columns[first]?.statusIds ?? []).every((id) => statuses.get(id)?.category === 'new')
    )
      first += 1;
    const middle = columns.slice(first, -1);
    started = new Set(middle.flatMap((column) => column.statusIds));
    startedFrom = middle.length
      ? `the board's columns ${middle.map((column) => `"${column.name}"`).join(', ')}`
      : "none of the board's columns (it has no column between its first and its last)";
    for (const column of columns)
      if (REVIEW.test(column.name)) for (const id of column.statusIds) review.add(id);
  } else {
    const byCategory = (category: string) =>
      new Set([...statuses.values()].filter((status) => status.category === category).map((s) => s.id));
    started = byCategory('indeterminate');
    done = byCategory('done');
    startedFrom = 'Jira\'s "In Progress" status category';
    doneFrom = 'Jira\'s "Done" status category';
  }
  if (settings.started?.length) {
    started = statusIdsNamed(settings.started, statuses);
    startedFrom = "this channel's setting";
  }
  if (settings.done?.length) {
    done = statusIdsNamed(settings.done, statuses);
    doneFrom = "this channel's setting";
  }
  for (const id of done) started.delete(id);
  const list = (ids: Set<string>) => [...new Set([...ids].map(name))].sort().join(', ') || 'none';
  return {
    started,
    done,
    names,
    review,
    timezone,
    definitions: [
      `Started: ${list(started)} (from ${startedFrom}).`,
      `Done: ${list(done)} (from ${doneFrom}).`,
      `Days are calendar days in ${timezone}, weekends included; sub-tasks are left out (their parents count).`,
    ],
  };
}

/** Status names → ids; an unknown name is an error that lists the statuses Jira has. */
export function statusIdsNamed(
  wanted: readonly string[],
  statuses: ReadonlyMap<string, StatusInfo>,
): Set<string> {
  const ids = new Set<string>();
  const unknown: string[] = [];
  for (const entry of wanted) {
    const matches = [...statuses.values()].filter(
      (status) => status.name.toLowerCase() === entry.trim().toLowerCase(),
    );
    if (matches.length === 0) unknown.push(entry);
    for (const match of matches) ids.add(match.id);
  }
  if (unknown.length > 0) {
    const known = [...new Set([...statuses.values()].map((status) => status.name))].sort();
    throw new ChatOpsError(
      'VALIDATION_FAILED',
      `Jira has no status named ${unknown.map((n) => `"${n}"`).join(', ')}.`,
      {
        remedy: `Use status names Jira knows: ${known.slice(0, 40).join(', ')}.`,
      },
    );
  }
  return ids;
}
