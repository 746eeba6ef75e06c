import type { JiraDigestSource, JiraSprintActivity, JiraSprintIssue } from '../../core/digest-sources.ts';
import { ChatOpsError } from '../../core/errors.ts';
import type { Platform } from '../../core/task.ts';
import { historyOf, type IssueHistory } from './analytics/history.ts';
import { type SprintNumbers, sprintNumbers } from './analytics/sprint.ts';
import { type Workflow, workflowOf } from './analytics/workflow.ts';
import type { Snapshot, SnapshotSprint } from './model.ts';
import { issueUrl } from './reports/reply-parts.ts';
import { chooseSprint } from './reports/sprint-report.ts';
import { blockersOf } from './reports/wip-reports.ts';
import type { JiraService } from './service.ts';

/**
 * The `jira` digest source of one place: the board's sprint over a digest's period, from the same synced
 * snapshot and analytics as `/jira sprint` and `/jira blockers`. The board is the digest's `board=` option,
 * else the channel's (`/jira config board=<id>`), else JIRA_DEFAULT_BOARD; the channel's status definitions
 * and time zone apply as they do to its reports.
 */
export function jiraDigestSource(
  service: JiraService,
  place: { tenantId: string; platform: Platform; channel: string },
): JiraDigestSource {
  return {
    async sprint(period, options) {
      const own = await service.state.channelSettings(place.tenantId, place.platform, place.channel);
      const board = options.board ?? own.board ?? service.config.defaultBoard;
      if (board === undefined) {
        throw new ChatOpsError('VALIDATION_FAILED', 'Which Jira board should the sprint digest follow?', {
          remedy:
            "Add board=<id> (`/digest add jira-sprint weekdays at 9:00 board=12`), or set this channel's board with `/jira config board=<id>`.",
        });
      }
      const snapshot = await service.freshSnapshot(place.tenantId, { board });
      const workflow = workflowOf(
        snapshot.board,
        snapshot.statuses,
        own,
        own.timezone ?? service.config.timezone,
      );
      return sprintActivity(snapshot, { period, workflow, reviewDays: service.config.stuckInReviewDays });
    },
  };
}

/**
 * What changed in the board's sprint after `period.start`, up to `period.end`: the sprint's numbers taken at
 * the end and at the start of the period (the sprint report's own definitions), and the difference of the
 * two. A sprint that started within the period has no numbers at its start: all of its change is new.
 */
export function sprintActivity(
  snapshot: Snapshot,
  options: { period: { start: Date; end: Date }; workflow: Workflow; reviewDays: number },
): JiraSprintActivity {
  const board = snapshot.board;
  if (!board) {
    throw new ChatOpsError('NOT_FOUND', 'The sprint digest needs a Jira board, and none was synced.', {
      remedy: 'Check the board id with `/jira config board=<id>`.',
    });
  }
  const start = options.period.start.getTime();
  const end = options.period.end.getTime();
  const sprints = snapshot.sprints.filter((sprint) => sprint.originBoardId === board.id);
  const histories = snapshot.issues.map(historyOf);
  const byKey = new Map(histories.map((history) => [history.issue.key, history]));
  const numbersAt = (sprint: SnapshotSprint, now: number) =>
    sprintNumbers(sprint, histories, options.workflow, {
      now,
      recorded: snapshot.commitments.get(sprint.id),
      allSprints: sprints,
    });
  const issue = (key: string): JiraSprintIssue =>
    describe(byKey.get(key), key, end, options.workflow, snapshot);
  const ended = latestCompleted(sprints, start, end);
  const endedNumbers = ended ? numbersAt(ended, end) : null;
  const base = {
    board: { id: board.id, name: board.name },
    ended:
      ended && endedNumbers
        ? {
            name: ended.name,
            committed: totals(endedNumbers.committed),
            completed: totals(endedNumbers.completed),
          }
        : null,
    syncedAt: snapshot.syncedAt,
  };
  if (!sprints.some((sprint) => sprint.state !== 'future')) {
    return { ...base, sprint: null, added: [], removed: [], done: [], blocked: [] };
  }
  const sprint = chooseSprint(sprints, undefined, board.name).sprint;
  const sprintStart = sprint.start ? Date.parse(sprint.start) : end;
  const atEnd = numbersAt(sprint, end);
  const atStart = sprintStart <= start ? numbersAt(sprint, start) : null;
  const since = (pick: (numbers: SprintNumbers) => { keys: string[] }) => {
    const before = new Set(atStart ? pick(atStart).keys : []);
    return pick(atEnd)
      .keys.filter((key) => !before.has(key))
      .map(issue);
  };
  const open = new Set(atEnd.remaining.keys);
  const blocked =
    sprint.state === 'active'
      ? blockersOf(histories, {
          now: options.period.end,
          workflow: options.workflow,
          reviewDays: options.reviewDays,
        })
          .items.filter((item) => open.has(item.key))
          .map((item) => ({ ...issue(item.key), reasons: item.reasons }))
      : [];
  return {
    ...base,
    sprint: {
      ...atEnd.sprint,
      state: sprint.state,
      startedInPeriod: sprintStart > start && sprintStart <= end,
      committed: totals(atEnd.committed),
      completed: totals(atEnd.completed),
      remaining: totals(atEnd.remaining),
      days: atEnd.days,
    },
    added: since((numbers) => numbers.added),
    removed: since((numbers) => numbers.removed),
    done: since((numbers) => numbers.completed),
    blocked,
  };
}

function latestCompleted(
  sprints: readonly SnapshotSprint[],
  start: number,
  end: number,
): SnapshotSprint | null {
  const closedAt = (sprint: SnapshotSprint) => Date.parse(sprint.completed ?? sprint.end ?? '');
  const inPeriod = sprints.filter(
    (sprint) => sprint.state === 'closed' && closedAt(sprint) > start && closedAt(sprint) <= end,
  );
  return inPeriod.sort((left, right) => closedAt(right) - closedAt(left))[0] ?? null;
}

const totals = (count: { issues: number; points: number }) => ({
  issues: count.issues,
  points: count.points,
});

function describe(
  history: IssueHistory | undefined,
  key: string,
  at: number,
  workflow: Workflow,
  snapshot: Snapshot,
): JiraSprintIssue {
  const status = history ? history.status.at(at) : '';
  return {
    key,
    summary: history?.issue.summary ?? '',
    url: issueUrl(snapshot.browseBase, key),
    points: history ? history.points.at(at) : null,
    status: workflow.names.get(status) ?? status,
    assignee: history?.issue.assigneeName ?? 'Unassigned',
  };
}
