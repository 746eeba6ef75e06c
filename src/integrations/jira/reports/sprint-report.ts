import { ChatOpsError } from '../../../core/errors.ts';
import type { JiraReportResult } from '../../../core/jira.ts';
import { dayLabel, dayOf } from '../analytics/calendar.ts';
import { historyOf } from '../analytics/history.ts';
import { type SprintNumbers, sprintNumbers } from '../analytics/sprint.ts';
import type { Workflow } from '../analytics/workflow.ts';
import { burndownChart } from '../charts/report-charts.ts';
import type { Snapshot, SnapshotSprint } from '../model.ts';
import { capped, issueLink, number, plural, reportResult } from './reply-parts.ts';

/**
 * The sprint report as a plain function of a board's snapshot: the active sprint (or the one asked for)
 * with committed vs completed issues and points, scope added and removed since the start, carry-over, days
 * left and a burndown chart. Scheduled digests reuse it as it is (numbers + Reply).
 */
export interface SprintReportOptions {
  now: Date;
  workflow: Workflow;
  /** A sprint id, a number in its name ("42") or part of its name; unset: the active sprint. */
  sprint?: string | undefined;
}

export function sprintReport(
  snapshot: Snapshot,
  options: SprintReportOptions,
): JiraReportResult & {
  sprintNumbers: SprintNumbers;
} {
  const board = snapshot.board;
  if (!board) {
    throw new ChatOpsError('VALIDATION_FAILED', 'The sprint report needs a board.', {
      remedy: "Name one (`/jira sprint board=<id>`) or set this channel's with `/jira config board=<id>`.",
    });
  }
  const boardSprints = snapshot.sprints.filter((sprint) => sprint.originBoardId === board.id);
  const { sprint, note } = chooseSprint(boardSprints, options.sprint, board.name);
  const histories = snapshot.issues.map(historyOf);
  const numbers = sprintNumbers(sprint, histories, options.workflow, {
    now: options.now.getTime(),
    recorded: snapshot.commitments.get(sprint.id),
    allSprints: boardSprints,
  });
  const zone = options.workflow.timezone;
  const link = (key: string) => issueLink(snapshot.browseBase, key);
  const share =
    numbers.committed.points > 0
      ? ` (${Math.round((100 * numbers.completed.points) / numbers.committed.points)}% of committed points)`
      : '';
  const headline = [
    `**${sprint.name}** on ${board.name}${sprint.state === 'active' ? '' : ` (${sprint.state})`}: ${number(numbers.completed.points)} of ${number(numbers.committed.points)} committed points done${share}, ${plural(numbers.remaining.issues, 'issue')} (${number(numbers.remaining.points)} points) still open.`,
    sprint.state === 'active'
      ? `${plural(numbers.days.left, 'day')} left (${plural(numbers.days.workingLeft, 'working day')}), ends ${sprint.end ? dayLabel(dayOf(sprint.end, options.workflow.timezone)) : 'without an end date'}.`
      : '',
    sprint.goal ? `Goal: ${sprint.goal}` : '',
    note,
  ]
    .filter(Boolean)
    .join('\n');
  const fields = [
    {
      label: 'Committed',
      value: `${plural(numbers.committed.issues, 'issue')}, ${number(numbers.committed.points)} points`,
    },
    {
      label: 'Completed',
      value: `${plural(numbers.completed.issues, 'issue')}, ${number(numbers.completed.points)} points`,
    },
    {
      label: 'Added since start',
      value: `${plural(numbers.added.issues, 'issue')}, ${number(numbers.added.points)} points`,
    },
    {
      label: 'Removed since start',
      value: `${plural(numbers.removed.issues, 'issue')}, ${number(numbers.removed.points)} points`,
    },
    {
      label: 'Carried over from earlier sprints',
      value: `${plural(numbers.carriedIn.issues, 'issue')}, ${number(numbers.carriedIn.points)} points`,
    },
    {
      label: sprint.state === 'closed' ? 'Not completed' : 'Still open',
      value: `${plural(numbers.remaining.issues, 'issue')}, ${number(numbers.remaining.points)} points`,
    },
    {
      label: 'Days',
      value: `${numbers.days.elapsed} of ${numbers.days.total} (${numbers.days.left} left, ${numbers.days.workingLeft} working)`,
    },
  ];
  const lines = [
    ...numbers.added.keys.map((key) => `${link(key)} added after the start`),
    ...numbers.removed.keys.map((key) => `${link(key)} removed after the start`),
    ...capped(
      numbers.remaining.keys.map(
        (key) => `${link(key)} ${sprint.state === 'closed' ? 'not completed' : 'still open'}`,
      ),
      10,
    ),
  ];
  const definitions = [
    ...options.workflow.definitions,
    `Committed: issues in the sprint when it started (${sprint.start ? sprint.start.slice(0, 16).replace('T', ' ') : '?'} UTC) and not done then, with their estimates at that moment (${numbers.committed.source === 'recorded' ? 'recorded by the bot when the sprint started' : 'rebuilt from the changelogs'}).`,
    `Completed: issues in the sprint at ${sprint.state === 'closed' ? 'its end' : 'this moment'} that are done and were not done when they joined it. Unestimated issues count 0 points (${numbers.committed.unestimated} of the committed).`,
  ];
  return {
    ...reportResult({
      report: 'sprint',
      headline,
      fields,
      list: { heading: 'Scope changes and open work', lines },
      chart: {
        name: `burndown-${sprint.id}.png`,
        png: burndownChart(numbers, zone),
        alt: `Burndown of ${sprint.name}`,
      },
      definitions,
      facts: [
        { label: 'sprint', value: sprint.name },
        { label: 'committed points', value: numbers.committed.points },
        { label: 'committed issues', value: numbers.committed.issues },
        { label: 'completed points', value: numbers.completed.points },
        { label: 'completed issues', value: numbers.completed.issues },
        { label: 'points added since start', value: numbers.added.points },
        { label: 'points removed since start', value: numbers.removed.points },
        { label: 'open points', value: numbers.remaining.points },
        { label: 'days left', value: numbers.days.left },
        { label: 'working days left', value: numbers.days.workingLeft },
      ],
      numbers: {
        board: { id: board.id, name: board.name },
        ...numbers,
        burndown: numbers.burndown.map((point) => ({ ...point, day: dayLabel(point.day) })),
        timezone: zone,
      },
      snapshot,
      now: options.now,
    }),
    sprintNumbers: numbers,
  };
}

export function chooseSprint(
  sprints: readonly SnapshotSprint[],
  wanted: string | undefined,
  boardName: string,
): { sprint: SnapshotSprint; note: string } {
  const recent = [...sprints].sort((left, right) => (right.start ?? '').localeCompare(left.start ?? ''));
  if (wanted) {
    const text = wanted.trim().toLowerCase();
    const number = /^\d+$/.test(text) ? text : null;
    const found =
      (number
        ? recent.find((sprint) => new RegExp(`(^|\\D)${number}(\\D|$)`).test(sprint.name))
        : undefined) ??
      (number ? recent.find((sprint) => String(sprint.id) === number) : undefined) ??
      recent.find((sprint) => sprint.name.toLowerCase().includes(text));
    if (found) return { sprint: found, note: '' };
    throw new ChatOpsError('NOT_FOUND', `${boardName} has no sprint "${wanted}".`, {
      remedy: `Its latest sprints: ${
        recent
          .slice(0, 6)
          .map((sprint) => sprint.name)
          .join(', ') || 'none'
      }.`,
    });
  }
  const active = recent.filter((sprint) => sprint.state === 'active');
  if (active[0])
    return {
      sprint: active[0],
      note:
        active.length > 1
          ? `(${active.length} sprints are active; this is the latest started. Ask for another by name.)`
          : '',
    };
  const closed = recent.find((sprint) => sprint.state === 'closed');
  if (closed)
    return { sprint: closed, note: `${boardName} has no active sprint: this is the last closed one.` };
  throw new ChatOpsError('NOT_FOUND', `${boardName} has no started sprint yet.`, {
    remedy: 'Start a sprint in Jira, or ask for velocity or cycle time instead.',
  });
}
