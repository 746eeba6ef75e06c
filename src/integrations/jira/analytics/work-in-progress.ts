import { dayOf } from './calendar.ts';
import { ageDays, flowOf, percentile } from './flow.ts';
import type { IssueHistory } from './history.ts';
import type { Workflow } from './workflow.ts';

/**
 * Work in progress (started, not done; sub-tasks left out): who holds it, and what is blocking or aging.
 * Blockers: flagged issues, unresolved "is blocked by" links, work older than the p85 cycle time of the
 * last 90 days, and work in a review status for longer than the configured number of days.
 */
export interface WipItem {
  key: string;
  summary: string;
  status: string;
  assignee: string;
  points: number | null;
  ageDays: number;
  /** Calendar days in the current status (today − the day it entered it + 1). */
  daysInStatus: number;
}

export interface BlockerItem extends WipItem {
  reasons: string[];
}

export interface BlockersNumbers {
  flagged: number;
  blockedByLinks: number;
  aging: number;
  stuckInReview: number;
  /** The age past which work counts as aging (p85 cycle time), when enough items finished to know it. */
  agingThresholdDays: number | null;
  reviewThresholdDays: number;
  items: BlockerItem[];
}

export interface WorkloadNumbers {
  assignees: { assignee: string; items: number; points: number; oldestDays: number }[];
  total: number;
  unassigned: number;
}

export function workInProgress(
  histories: readonly IssueHistory[],
  workflow: Workflow,
  now: number,
): WipItem[] {
  const zone = workflow.timezone;
  const items: WipItem[] = [];
  for (const history of histories) {
    const issue = history.issue;
    if (issue.subtask || !workflow.started.has(issue.statusId)) continue;
    const flow = flowOf(history, workflow);
    const enteredStatus = history.status.times.at(-1) ?? Number.NEGATIVE_INFINITY;
    const since = Number.isFinite(enteredStatus) ? enteredStatus : history.created;
    items.push({
      key: issue.key,
      summary: issue.summary,
      status: workflow.names.get(issue.statusId) ?? issue.statusId,
      assignee: issue.assigneeName ?? 'Unassigned',
      points: issue.points,
      ageDays: ageDays(flow, now, zone) ?? 1,
      daysInStatus: dayOf(now, zone) - dayOf(since, zone) + 1,
    });
  }
  return items;
}

export function blockersNumbers(
  histories: readonly IssueHistory[],
  workflow: Workflow,
  options: { now: number; recentCycleDays: readonly number[]; reviewDays: number },
): BlockersNumbers {
  const byKey = new Map(histories.map((history) => [history.issue.key, history.issue]));
  // Below five finished items a p85 says little: aging is then not judged.
  const threshold = options.recentCycleDays.length >= 5 ? percentile(options.recentCycleDays, 85) : null;
  const counts = { flagged: 0, blockedByLinks: 0, aging: 0, stuckInReview: 0 };
  const items: BlockerItem[] = [];
  for (const item of workInProgress(histories, workflow, options.now)) {
    const issue = byKey.get(item.key);
    if (!issue) continue;
    const reasons: string[] = [];
    if (issue.flagged) {
      reasons.push('flagged');
      counts.flagged += 1;
    }
    const blockers = issue.blockedBy.filter((link) => !link.done).map((link) => link.key);
    if (blockers.length > 0) {
      reasons.push(`blocked by ${blockers.join(', ')}`);
      counts.blockedByLinks += 1;
    }
    if (threshold !== null && item.ageDays > threshold) {
      reasons.push(`${item.ageDays} days old (p85 is ${threshold})`);
      counts.aging += 1;
    }
    if (workflow.review.has(issue.statusId) && item.daysInStatus > options.reviewDays) {
      reasons.push(`${item.daysInStatus} days in ${item.status}`);
      counts.stuckInReview += 1;
    }
    if (reasons.length > 0) items.push({ ...item, reasons });
  }
  items.sort((left, right) => right.reasons.length - left.reasons.length || right.ageDays - left.ageDays);
  return { ...counts, agingThresholdDays: threshold, reviewThresholdDays: options.reviewDays, items };
}

export function workloadNumbers(
  histories: readonly IssueHistory[],
  workflow: Workflow,
  now: number,
): WorkloadNumbers {
  const byAssignee = new Map<string, { items: number; points: number; oldestDays: number }>();
  const wip = workInProgress(histories, workflow, now);
  for (const item of wip) {
    const entry = byAssignee.get(item.assignee) ?? { items: 0, points: 0, oldestDays: 0 };
    entry.items += 1;
    entry.points += item.points ?? 0;
    entry.oldestDays = Math.max(entry.oldestDays, item.ageDays);
    byAssignee.set(item.assignee, entry);
  }
  return {
    assignees: [...byAssignee.entries()]
      .map(([assignee, entry]) => ({ assignee, ...entry }))
      .sort((left, right) => right.items - left.items || left.assignee.localeCompare(right.assignee)),
    total: wip.length,
    unassigned: byAssignee.get('Unassigned')?.items ?? 0,
  };
}
