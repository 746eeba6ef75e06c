/**
 * The snapshot's types: Jira's data as the analytics read it, normalised once at sync time. Instants are
 * ISO-8601 strings in UTC; calendar days are counted later, in the time zone a report is asked for.
 */

/** The fields whose history the analytics replay. */
export type TrackedField = 'status' | 'sprint' | 'points' | 'flagged';

/** One changed field of one changelog entry, oldest first on the issue. */
export interface FieldChange {
  at: string;
  field: TrackedField;
  /** Raw ids: a status id, sprint ids ("12, 13"), a number, the flag's value. */
  from: string | null;
  to: string | null;
}

export interface BlockingLink {
  /** The issue this one "is blocked by". */
  key: string;
  /** Whether that issue was done when last synced (a done blocker no longer blocks). */
  done: boolean;
}

export interface SnapshotIssue {
  id: string;
  key: string;
  project: string;
  type: string;
  subtask: boolean;
  parent: string | null;
  summary: string;
  statusId: string;
  assigneeId: string | null;
  assigneeName: string | null;
  created: string;
  updated: string;
  resolved: string | null;
  points: number | null;
  sprintIds: number[];
  flagged: boolean;
  blockedBy: BlockingLink[];
  changes: FieldChange[];
}

export type SprintState = 'future' | 'active' | 'closed';

export interface SnapshotSprint {
  id: number;
  originBoardId: number | null;
  name: string;
  state: SprintState;
  start: string | null;
  end: string | null;
  completed: string | null;
  goal: string;
}

export interface BoardColumn {
  name: string;
  statusIds: string[];
}

export interface SnapshotBoard {
  id: number;
  name: string;
  type: string;
  projectKey: string | null;
  filterId: string | null;
  estimationField: string | null;
  columns: BoardColumn[];
}

/** Jira's status categories: `new` (To Do), `indeterminate` (In Progress), `done`. */
export interface StatusInfo {
  id: string;
  name: string;
  category: string;
}

/** The issues of a sprint when it started, as recorded then or rebuilt from the changelogs. */
export interface SprintCommitment {
  sprintId: number;
  source: 'recorded' | 'reconstructed';
  recordedAt: string;
  issues: { key: string; points: number | null }[];
}

/** Custom field ids of this Jira site, discovered from /rest/api/3/field (or set in configuration). */
export interface SiteFields {
  points: string | null;
  sprint: string | null;
  flagged: string | null;
}

/** Everything a report reads: a board's or project's issues with their histories, and the site's metadata. */
export interface Snapshot {
  board: SnapshotBoard | null;
  project: string | null;
  issues: SnapshotIssue[];
  sprints: SnapshotSprint[];
  statuses: Map<string, StatusInfo>;
  commitments: Map<number, SprintCommitment>;
  /** When the data was last synced from Jira (the reports say how fresh they are). */
  syncedAt: string | null;
  /** Jira's browse URL base, for links to issues. */
  browseBase: string;
}
