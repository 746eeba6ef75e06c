import { ChatOpsError } from '../../../core/errors.ts';
import type { JiraReportResult } from '../../../core/jira.ts';
import { historyOf } from '../analytics/history.ts';
import { velocityNumbers } from '../analytics/velocity.ts';
import type { Workflow } from '../analytics/workflow.ts';
import { velocityChart } from '../charts/report-charts.ts';
import type { Snapshot } from '../model.ts';
import { number, reportResult } from './reply-parts.ts';

/** Committed vs completed points of the board's last N closed sprints, their mean and trend. */
export function velocityReport(
  snapshot: Snapshot,
  options: { now: Date; workflow: Workflow; sprints: number },
): JiraReportResult {
  const board = snapshot.board;
  if (!board) {
    throw new ChatOpsError('VALIDATION_FAILED', 'The velocity report needs a board.', {
      remedy: "Name one (`/jira velocity board=<id>`) or set this channel's with `/jira config board=<id>`.",
    });
  }
  const boardSprints = snapshot.sprints.filter((sprint) => sprint.originBoardId === board.id);
  const numbers = velocityNumbers(boardSprints, snapshot.issues.map(historyOf), options.workflow, {
    now: options.now.getTime(),
    count: options.sprints,
    commitments: snapshot.commitments,
  });
  if (numbers.sprints.length === 0) {
    throw new ChatOpsError('NOT_FOUND', `${board.name} has no closed sprint yet.`, {
      remedy: 'Velocity needs at least one finished sprint; ask for the sprint report instead.',
    });
  }
  const trendWords = {
    up: 'trending up',
    down: 'trending down',
    flat: 'flat',
    unknown: 'too few sprints for a trend',
  } as const;
  const headline = `**Velocity of ${board.name}: ${number(numbers.averageCompleted)} points per sprint** (mean completed over the last ${numbers.sprints.length} closed sprints; committed ${number(numbers.averageCommitted)} on average), ${trendWords[numbers.trend]}${numbers.trendPerSprint === null ? '' : ` (${numbers.trendPerSprint >= 0 ? '+' : ''}${number(numbers.trendPerSprint)} points per sprint)`}.`;
  const rebuilt = numbers.sprints.filter((sprint) => sprint.commitmentSource === 'reconstructed').length;
  return reportResult({
    report: 'velocity',
    headline,
    fields: [
      { label: 'Velocity', value: `${number(numbers.averageCompleted)} points` },
      { label: 'Average commitment', value: `${number(numbers.averageCommitted)} points` },
      { label: 'Trend', value: trendWords[numbers.trend] },
      { label: 'Sprints', value: String(numbers.sprints.length) },
    ],
    table: {
      columns: ['Sprint', 'Committed', 'Completed', 'Issues done', 'Done ÷ committed'],
      rows: numbers.sprints.map((sprint) => [
        sprint.name,
        number(sprint.committedPoints),
        number(sprint.completedPoints),
        `${sprint.completedIssues} of ${sprint.committedIssues}`,
        sprint.sayDo === null ? 'n/a' : `${Math.round(sprint.sayDo * 100)}%`,
      ]),
    },
    chart: {
      name: `velocity-${board.id}.png`,
      png: velocityChart(numbers),
      alt: `Velocity of ${board.name}`,
    },
    definitions: [
      ...options.workflow.definitions,
      'Committed: estimates, at the sprint start, of the issues in the sprint then and not done. Completed: estimates of the issues done at the sprint end (work added mid-sprint counts when finished).',
      `Commitments ${rebuilt === numbers.sprints.length ? 'rebuilt from the changelogs' : `recorded at the start for ${numbers.sprints.length - rebuilt} sprints, rebuilt from the changelogs for ${rebuilt}`}.`,
    ],
    facts: [
      {
        label: 'velocity (mean completed points per sprint)',
        value: Math.round((numbers.averageCompleted ?? 0) * 10) / 10,
      },
      { label: 'mean committed points', value: Math.round((numbers.averageCommitted ?? 0) * 10) / 10 },
      { label: 'trend', value: trendWords[numbers.trend] },
      { label: 'closed sprints', value: numbers.sprints.length },
      ...numbers.sprints.map((sprint) => ({
        label: `${sprint.name} completed points`,
        value: sprint.completedPoints,
      })),
      ...numbers.sprints.map((sprint) => ({
        label: `${sprint.name} committed points`,
        value: sprint.committedPoints,
      })),
    ],
    numbers: { board: { id: board.id, name: board.name }, ...numbers },
    snapshot,
    now: options.now,
  });
}
