/**
 * The fake Jira's data: boards, sprints and issues whose every change is written into a changelog the way
 * Jira writes it (status ids in from/to, sprint id lists such as "41, 42", estimates in fromString/
 * toString, the Impediment flag). Tests and the generator change issues only through these methods, so
 * the current fields and the history always agree.
 */
export const FIELDS = {
  points: 'customfield_10016',
  sprint: 'customfield_10020',
  flagged: 'customfield_10021',
};

export const WORLD_STATUSES = [
  { id: '10000', name: 'To Do', category: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' } },
  {
    id: '3',
    name: 'In Progress',
    category: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  },
  {
    id: '10001',
    name: 'In Review',
    category: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  },
  { id: '10002', name: 'Done', category: { id: 3, key: 'done', name: 'Done', colorName: 'green' } },
] as const;
export const S = { todo: '10000', progress: '3', review: '10001', done: '10002' } as const;

export interface WorldItem {
  field: string;
  fieldId: string;
  fieldtype: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface WorldIssue {
  id: string;
  key: string;
  project: string;
  type: 'Story' | 'Bug' | 'Task' | 'Sub-task';
  parent: string | null;
  summary: string;
  created: number;
  updated: number;
  resolved: number | null;
  assignee: { accountId: string; displayName: string } | null;
  status: string;
  points: number | null;
  sprints: number[];
  flagged: boolean;
  blockedBy: string[];
  histories: { id: string; created: number; items: WorldItem[] }[];
}

export interface WorldSprint {
  id: number;
  boardId: number;
  name: string;
  state: 'future' | 'active' | 'closed';
  start: number | null;
  end: number | null;
  complete: number | null;
  goal: string;
}

export interface WorldBoard {
  id: number;
  name: string;
  type: 'scrum' | 'kanban';
  projectKey: string;
  projectId: string;
  filterId: string;
  columns: { name: string; statuses: string[] }[];
}

export class JiraWorld {
  readonly boards: WorldBoard[] = [];
  readonly sprints = new Map<number, WorldSprint>();
  readonly issues = new Map<string, WorldIssue>();
  /** Bumped by every change, so the fake server can cache search results between changes. */
  version = 0;
  #nextIssueId = 10_001;
  #nextHistoryId = 50_001;
  readonly #numbers = new Map<string, number>();

  addBoard(board: WorldBoard): WorldBoard {
    this.boards.push(board);
    return board;
  }

  addSprint(sprint: WorldSprint): WorldSprint {
    this.sprints.set(sprint.id, sprint);
    return sprint;
  }

  byKey(key: string): WorldIssue {
    const issue = [...this.issues.values()].find((candidate) => candidate.key === key);
    if (!issue) throw new Error(`fake Jira has no issue ${key}`);
    return issue;
  }

  create(
    project: string,
    at: number,
    options: Partial<Pick<WorldIssue, 'type' | 'parent' | 'summary' | 'assignee' | 'points'>> = {},
  ): WorldIssue {
    const number = (this.#numbers.get(project) ?? 0) + 1;
    this.#numbers.set(project, number);
    const created = Math.round(at);
    const issue: WorldIssue = {
      id: String(this.#nextIssueId++),
      key: `${project}-${number}`,
      project,
      type: options.type ?? 'Story',
      parent: options.parent ?? null,
      summary: options.summary ?? `${options.type ?? 'Story'} ${project}-${number}`,
      created,
      updated: created,
      resolved: null,
      assignee: options.assignee ?? null,
      status: S.todo,
      // An estimate given at creation is part of the create event, not a changelog entry (as in Jira).
      points: options.points ?? null,
      sprints: [],
      flagged: false,
      blockedBy: [],
      histories: [],
    };
    this.issues.set(issue.id, issue);
    this.version += 1;
    return issue;
  }

  transition(issue: WorldIssue, to: string, at: number): void {
    if (issue.status === to) return;
    const name = (id: string) => WORLD_STATUSES.find((status) => status.id === id)?.name ?? id;
    this.#log(issue, at, {
      field: 'status',
      fieldId: 'status',
      fieldtype: 'jira',
      from: issue.status,
      fromString: name(issue.status),
      to,
      toString: name(to),
    });
    issue.status = to;
    issue.resolved = to === S.done ? Math.round(at) : null;
  }

  estimate(issue: WorldIssue, points: number | null, at: number): void {
    if (issue.points === points) return;
    this.#log(issue, at, {
      field: 'Story point estimate',
      fieldId: FIELDS.points,
      fieldtype: 'custom',
      from: null,
      fromString: issue.points === null ? null : String(issue.points),
      to: null,
      toString: points === null ? null : String(points),
    });
    issue.points = points;
  }

  /** Sets the issue's sprint list (closed sprints an unfinished issue was in stay in it, as in Jira). */
  setSprints(issue: WorldIssue, sprints: number[], at: number): void {
    const list = (ids: number[]) => (ids.length ? ids.join(', ') : null);
    const names = (ids: number[]) =>
      ids.length ? ids.map((id) => this.sprints.get(id)?.name ?? String(id)).join(', ') : null;
    if (list(issue.sprints) === list(sprints)) return;
    this.#log(issue, at, {
      field: 'Sprint',
      fieldId: FIELDS.sprint,
      fieldtype: 'custom',
      from: list(issue.sprints),
      fromString: names(issue.sprints),
      to: list(sprints),
      toString: names(sprints),
    });
    issue.sprints = [...sprints];
  }

  flag(issue: WorldIssue, flagged: boolean, at: number): void {
    if (issue.flagged === flagged) return;
    this.#log(issue, at, {
      field: 'Flagged',
      fieldId: FIELDS.flagged,
      fieldtype: 'custom',
      from: null,
      fromString: flagged ? null : 'Impediment',
      to: null,
      toString: flagged ? 'Impediment' : null,
    });
    issue.flagged = flagged;
  }

  /** A change of a field the bot does not track (it must be filtered out by the bulk changelog request). */
  comment(issue: WorldIssue, at: number): void {
    this.#log(issue, at, {
      field: 'description',
      fieldId: 'description',
      fieldtype: 'jira',
      from: null,
      fromString: 'old text',
      to: null,
      toString: 'new text',
    });
  }

  #log(issue: WorldIssue, time: number, item: WorldItem): void {
    // Jira keeps milliseconds.
    const at = Math.round(time);
    const last = issue.histories.at(-1);
    if (last && last.created === at) last.items.push(item);
    else issue.histories.push({ id: String(this.#nextHistoryId++), created: at, items: [item] });
    issue.updated = Math.max(issue.updated, at);
    this.version += 1;
  }
}
