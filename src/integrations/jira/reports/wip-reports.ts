import type { JiraReportResult } from '../../../core/jira.ts';
import { cycleTimeNumbers } from '../analytics/cycle-time.ts';
import { historyOf, type IssueHistory } from '../analytics/history.ts';
import { type BlockersNumbers, blockersNumbers, workloadNumbers } from '../analytics/work-in-progress.ts';
import type { Workflow } from '../analytics/workflow.ts';
import { workloadChart } from '../charts/report-charts.ts';
import type { Snapshot } from '../model.ts';
import { capped, issueLink, number, plural, reportResult } from './reply-parts.ts';

/** What is blocking the work in progress, and who holds it. */
const AGING_WINDOW_DAYS = 90;
const scopeName = (snapshot: Snapshot) => snapshot.project ?? snapshot.board?.name ?? 'this scope';

export function blockersReport(
  snapshot: Snapshot,
  options: { now: Date; workflow: Workflow; reviewDays: number },
): JiraReportResult {
  const numbers = blockersOf(snapshot.issues.map(historyOf), options);
  const name = scopeName(snapshot);
  const headline =
    numbers.items.length === 0
      ? `**Nothing in progress in ${name} is flagged, blocked, aging or stuck in review.**`
      : `**${plural(numbers.items.length, 'item')} in progress in ${name} need attention:** ${numbers.flagged} flagged, ${numbers.blockedByLinks} blocked by another issue, ${numbers.aging} older than the p85 cycle time, ${numbers.stuckInReview} in review for more than ${options.reviewDays} days.`;
  return reportResult({
    report: 'blockers',
    headline,
    fields: [
      { label: 'Flagged', value: String(numbers.flagged) },
      { label: 'Blocked by links', value: String(numbers.blockedByLinks) },
      {
        label: 'Aging (older than p85)',
        value:
          numbers.agingThresholdDays === null
            ? 'n/a (fewer than 5 finished items)'
            : `${numbers.aging} (p85 = ${numbers.agingThresholdDays} days)`,
      },
      { label: `In review > ${options.reviewDays} days`, value: String(numbers.stuckInReview) },
    ],
    list: {
      heading: 'Needs attention',
      lines: capped(
        numbers.items.map(
          (item) =>
            `${issueLink(snapshot.browseBase, item.key)} ${item.summary.slice(0, 100)} (${item.status}, ${item.assignee}, ${item.ageDays} days old): ${item.reasons.join('; ')}`,
        ),
        25,
      ),
    },
    definitions: [
      ...options.workflow.definitions,
      `Blocking: flagged (Jira's Impediment flag), an "is blocked by" link to an issue not done, older than the p85 cycle time of items finished in the last ${AGING_WINDOW_DAYS} days (age = today − start day + 1), or in a review status for more than ${options.reviewDays} days.`,
    ],
    facts: [
      { label: 'items needing attention', value: numbers.items.length },
      { label: 'flagged', value: numbers.flagged },
      { label: 'blocked by another issue', value: numbers.blockedByLinks },
      { label: 'aging items', value: numbers.aging },
      { label: 'p85 cycle time days', value: numbers.agingThresholdDays ?? 'n/a' },
      { label: 'stuck in review', value: numbers.stuckInReview },
    ],
    numbers: { scope: name, ...numbers },
    snapshot,
    now: options.now,
  });
}

/** The blockers of the work in progress, aging judged against the last AGING_WINDOW_DAYS of finished work. */
export function blockersOf(
  histories: readonly IssueHistory[],
  options: { now: Date; workflow: Workflow; reviewDays: number },
): BlockersNumbers {
  const recent = cycleTimeNumbers(histories, options.workflow, {
    now: options.now.getTime(),
    days: AGING_WINDOW_DAYS,
  });
  return blockersNumbers(histories, options.workflow, {
    now: options.now.getTime(),
    recentCycleDays: recent.items.map((item) => item.cycleDays),
    reviewDays: options.reviewDays,
  });
}

export function workloadReport(
  snapshot: Snapshot,
  options: { now: Date; workflow: Workflow },
): JiraReportResult {
  const numbers = workloadNumbers(snapshot.issues.map(historyOf), options.workflow, options.now.getTime());
  const name = scopeName(snapshot);
  const top = numbers.assignees[0];
  const headline =
    numbers.total === 0
      ? `**Nothing is in progress in ${name}.**`
      : `**${plural(numbers.total, 'item')} in progress in ${name}** across ${plural(numbers.assignees.length, 'assignee')}${top ? `; the most with ${top.assignee} (${top.items})` : ''}${numbers.unassigned ? `; ${numbers.unassigned} unassigned` : ''}.`;
  return reportResult({
    report: 'workload',
    headline,
    fields: [
      { label: 'In progress', value: String(numbers.total) },
      { label: 'Assignees', value: String(numbers.assignees.length) },
      { label: 'Unassigned', value: String(numbers.unassigned) },
    ],
    table: {
      columns: ['Assignee', 'Items', 'Points', 'Oldest (days)'],
      rows: numbers.assignees.map((row) => [
        row.assignee,
        String(row.items),
        number(row.points),
        String(row.oldestDays),
      ]),
    },
    chart:
      numbers.total > 0
        ? {
            name: `workload-${name}.png`,
            png: workloadChart(numbers),
            alt: `Work in progress per assignee in ${name}`,
          }
        : undefined,
    definitions: [
      ...options.workflow.definitions,
      'Work in progress: items in a started status now (not done).',
    ],
    facts: [
      { label: 'items in progress', value: numbers.total },
      { label: 'assignees', value: numbers.assignees.length },
      { label: 'unassigned items', value: numbers.unassigned },
      ...numbers.assignees.slice(0, 10).map((row) => ({ label: `${row.assignee} items`, value: row.items })),
    ],
    numbers: { scope: name, ...numbers },
    snapshot,
    now: options.now,
  });
}
