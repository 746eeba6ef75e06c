/**
 * An independent implementation of velocity and cycle time, written from the published definitions and
 * NOT from src/integrations/jira (it imports nothing of ours): it reads Jira's own REST JSON over HTTP with
 * plain fetch and replays the changelogs its own way.
 *
 * Velocity, from Atlassian's Velocity Chart documentation: Commitment is "the total estimate of all work
 * items in the sprint when it begins" (work items already done or cancelled before the start do not
 * count; sub-tasks are not estimated work of a Scrum board); Completed is "the total completed estimates
 * when the sprint ends": issues in the sprint at its completion whose status is in the board's last
 * column, at their estimate then.
 *
 * Cycle time, from jira-agile-metrics (CycleTimeCalculator, scatterplot and percentiles calculators): a
 * cycle of steps (here To Do = backlog, In Progress and In Review = accepted, Done = complete); for each
 * status change the step's timestamp is set the first time it is entered, and a move backwards wipes the
 * timestamps of every later step; cycle time = the completed step's timestamp − the first accepted step's
 * timestamp, as a time delta (items with no accepted timestamp have none); the scatterplot floors it to
 * whole days; percentiles are pandas' quantile (linear interpolation) of the time deltas.
 */
type Json = Record<string, unknown>;

export interface IndependentData {
  doneStatusIds: Set<string>;
  cycle: { name: string; type: 'backlog' | 'accepted' | 'complete'; statusIds: string[] }[];
  sprints: { id: number; name: string; start: number; complete: number }[];
  issues: {
    key: string;
    subtask: boolean;
    created: number;
    fields: Json;
    changes: {
      at: number;
      fieldId: string;
      from: string | null;
      to: string | null;
      fromString: string | null;
      toString: string | null;
    }[];
  }[];
}

const POINTS = 'customfield_10016';
const SPRINT = 'customfield_10020';

export async function readJira(host: string, auth: string, boardId: number): Promise<IndependentData> {
  const get = async (path: string, body?: unknown, attempt = 0): Promise<Json> => {
    try {
      const response = await fetch(`${host}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: auth, accept: 'application/json', 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return (await response.json()) as Json;
    } catch (error) {
      if (attempt >= 2) throw error;
      return get(path, body, attempt + 1);
    }
  };
  const configuration = await get(`/rest/agile/1.0/board/${boardId}/configuration`);
  const columns = (configuration.columnConfig as { columns: { name: string; statuses: { id: string }[] }[] })
    .columns;
  const sprints: IndependentData['sprints'] = [];
  for (let startAt = 0; ; startAt += 50) {
    const page = await get(`/rest/agile/1.0/board/${boardId}/sprint?startAt=${startAt}&maxResults=50`);
    for (const sprint of page.values as Json[])
      if (sprint.state === 'closed')
        sprints.push({
          id: sprint.id as number,
          name: sprint.name as string,
          start: Date.parse(sprint.startDate as string),
          complete: Date.parse(sprint.completeDate as string),
        });
    if (page.isLast) break;
  }
  const filter = (configuration.filter as { id: string }).id;
  const issues: IndependentData['issues'] = [];
  let token: string | undefined;
  do {
    const page = await get('/rest/api/3/search/jql', {
      jql: `filter = ${filter}`,
      fields: ['issuetype', 'status', 'created', POINTS, SPRINT],
      maxResults: 100,
      ...(token ? { nextPageToken: token } : {}),
    });
    const batch = page.issues as { id: string; key: string; fields: Json }[];
    const logs = new Map<string, IndependentData['issues'][number]['changes']>();
    let logToken: string | undefined;
    do {
      const changelog = await get('/rest/api/3/changelog/bulkfetch', {
        issueIdsOrKeys: batch.map((issue) => issue.id),
        fieldIds: ['status', POINTS, SPRINT],
        ...(logToken ? { nextPageToken: logToken } : {}),
      });
      for (const log of changelog.issueChangeLogs as { issueId: string; changeHistories: Json[] }[]) {
        const list = logs.get(log.issueId) ?? [];
        for (const history of log.changeHistories)
          for (const item of history.items as Json[])
            list.push({
              at: Date.parse(String(history.created).replace(/([+-]\d\d)(\d\d)$/, '$1:$2')),
              fieldId: item.fieldId as string,
              from: (item.from as string) ?? null,
              to: (item.to as string) ?? null,
              fromString: (item.fromString as string) ?? null,
              toString: Object.hasOwn(item, 'toString') ? (item.toString as unknown as string) : null,
            });
        logs.set(log.issueId, list);
      }
      logToken = changelog.nextPageToken as string | undefined;
    } while (logToken);
    for (const issue of batch) {
      issues.push({
        key: issue.key,
        subtask: (issue.fields.issuetype as { subtask: boolean }).subtask,
        created: Date.parse(String(issue.fields.created).replace(/([+-]\d\d)(\d\d)$/, '$1:$2')),
        fields: issue.fields,
        changes: (logs.get(issue.id) ?? []).sort((left, right) => left.at - right.at),
      });
    }
    token = page.nextPageToken as string | undefined;
  } while (token);
  const last = columns[columns.length - 1];
  return {
    doneStatusIds: new Set(last?.statuses.map((status) => status.id) ?? []),
    cycle: columns.map((column, index) => ({
      name: column.name,
      type: index === 0 ? 'backlog' : index === columns.length - 1 ? 'complete' : 'accepted',
      statusIds: column.statuses.map((status) => status.id),
    })),
    sprints: sprints.sort((left, right) => left.complete - right.complete),
    issues,
  };
}

/** The value of a field at a moment, replaying its changes: before the first change, that change's "from". */
function valueAt(
  issue: IndependentData['issues'][number],
  fieldId: string,
  moment: number,
  current: string | null,
  text: boolean,
) {
  const changes = issue.changes.filter((change) => change.fieldId === fieldId);
  let value = changes.length > 0 ? ((text ? changes[0]?.fromString : changes[0]?.from) ?? null) : current;
  for (const change of changes) if (change.at <= moment) value = (text ? change.toString : change.to) ?? null;
  return value;
}

export function independentVelocity(data: IndependentData) {
  return data.sprints.map((sprint) => {
    let committed = 0;
    let completed = 0;
    const completedKeys: string[] = [];
    for (const issue of data.issues) {
      if (issue.subtask) continue;
      const currentSprints = ((issue.fields[SPRINT] as { id: number }[] | null) ?? [])
        .map((entry) => entry.id)
        .join(', ');
      const points = (moment: number) =>
        Number(
          valueAt(
            issue,
            POINTS,
            moment,
            issue.fields[POINTS] === null ? null : String(issue.fields[POINTS]),
            true,
          ) ?? 0,
        );
      const inSprint = (moment: number) =>
        (valueAt(issue, SPRINT, moment, currentSprints || null, false) ?? '')
          .split(',')
          .map((id) => Number(id.trim()))
          .includes(sprint.id);
      const done = (moment: number) =>
        data.doneStatusIds.has(
          valueAt(issue, 'status', moment, (issue.fields.status as { id: string }).id, false) ?? '',
        );
      if (inSprint(sprint.start) && !done(sprint.start)) committed += points(sprint.start);
      if (inSprint(sprint.complete) && done(sprint.complete)) {
        completed += points(sprint.complete);
        completedKeys.push(issue.key);
      }
    }
    return { id: sprint.id, name: sprint.name, committed, completed, completedKeys };
  });
}

export function independentCycleTimes(data: IndependentData, fromTime: number, toTime: number) {
  const stepOf = new Map<string, number>();
  data.cycle.forEach((step, index) => {
    for (const id of step.statusIds) stepOf.set(id, index);
  });
  const results: { key: string; cycleTimeMs: number | null; completedAt: number }[] = [];
  for (const issue of data.issues) {
    if (issue.subtask) continue;
    const stamps: (number | null)[] = data.cycle.map(() => null);
    const statusChanges = issue.changes.filter((candidate) => candidate.fieldId === 'status');
    // jira-agile-metrics starts each history with the value the issue was created with, at its creation.
    const initial = statusChanges[0]?.from ?? (issue.fields.status as { id: string }).id;
    for (const change of [{ at: issue.created, to: initial }, ...statusChanges]) {
      const step = stepOf.get(change.to ?? '');
      if (step === undefined) continue;
      if (stamps[step] === null) stamps[step] = change.at;
      for (let later = step + 1; later < stamps.length; later += 1) stamps[later] = null;
    }
    const accepted = data.cycle.findIndex(
      (step, index) => step.type === 'accepted' && stamps[index] !== null,
    );
    const complete = data.cycle.findIndex(
      (step, index) => step.type === 'complete' && stamps[index] !== null,
    );
    if (complete < 0) continue;
    const completedAt = stamps[complete] as number;
    if (completedAt < fromTime || completedAt > toTime) continue;
    results.push({
      key: issue.key,
      completedAt,
      cycleTimeMs: accepted < 0 ? null : completedAt - (stamps[accepted] as number),
    });
  }
  return results;
}

/** pandas' default quantile: linear interpolation between the closest ranks. */
export function linearQuantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((left, right) => left - right);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const fraction = position - lower;
  return (
    (sorted[lower] ?? 0) +
    ((sorted[Math.min(lower + 1, sorted.length - 1)] ?? 0) - (sorted[lower] ?? 0)) * fraction
  );
}
