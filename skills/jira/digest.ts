import type {
  DigestContent,
  DigestContext,
  DigestKindDefinition,
  JiraSprintActivity,
  JiraSprintIssue,
  ReplyBlock,
} from '../../src/core/index.ts';

/** Issues listed per section; the rest are counted. */
const MAX_LINES = 10;

/**
 * The Jira sprint digest: the board's active sprint as of the digest's time (committed against completed
 * points and issues, what is still open, days left) and what changed in it since the last digest (issues
 * done, scope added and removed), with the open work that is blocked or aging. Every number comes from the
 * Jira engine's synced snapshot and the `/jira sprint` analytics. A period in which the sprint neither
 * started, ended nor changed is quiet (its one line still tells where the sprint stands). Offered only
 * where Jira is configured.
 */
export const jiraSprintDigest: DigestKindDefinition = {
  kind: 'jira-sprint',
  description:
    'The Jira board’s active sprint: committed vs completed points, scope added and removed, issues done, blocked or aging work, days left.',
  requires: ['jira'],
  options: [
    {
      name: 'board',
      description: 'The Jira board: this channel’s (`/jira config board=<id>`, else the default), or its id.',
      choices: ['channel'],
      pattern: '[0-9]{1,10}',
      patternLabel: 'board id',
      default: 'channel',
    },
  ],
  build: buildJiraSprintDigest,
};

export async function buildJiraSprintDigest(ctx: DigestContext): Promise<DigestContent> {
  const source = ctx.sources.jira;
  if (!source) throw new Error('the jira-sprint digest needs the jira source');
  const board = /^\d+$/.test(ctx.options.board ?? '') ? Number(ctx.options.board) : undefined;
  const activity = await source.sprint(ctx.period, board === undefined ? {} : { board });
  const { sprint, added, removed, done, blocked, ended } = activity;
  const figures = {
    committedIssues: sprint?.committed.issues ?? 0,
    committedPoints: sprint?.committed.points ?? 0,
    completedIssues: sprint?.completed.issues ?? 0,
    completedPoints: sprint?.completed.points ?? 0,
    remainingIssues: sprint?.remaining.issues ?? 0,
    remainingPoints: sprint?.remaining.points ?? 0,
    doneInPeriod: done.length,
    donePointsInPeriod: points(done),
    addedInPeriod: added.length,
    addedPointsInPeriod: points(added),
    removedInPeriod: removed.length,
    removedPointsInPeriod: points(removed),
    blocked: blocked.length,
    daysLeft: sprint?.state === 'active' ? sprint.days.left : 0,
    workingDaysLeft: sprint?.state === 'active' ? sprint.days.workingLeft : 0,
  };
  const quiet =
    done.length + added.length + removed.length === 0 && !sprint?.startedInPeriod && ended === null;
  const headline = headlineOf(activity, quiet);
  if (quiet) return { headline, quiet, blocks: [], figures };
  const blocks: ReplyBlock[] = [];
  if (sprint) {
    blocks.push({
      type: 'fields',
      fields: [
        { label: 'Committed', value: totals(sprint.committed) },
        { label: 'Completed', value: totals(sprint.completed) },
        {
          label: sprint.state === 'closed' ? 'Not completed' : 'Still open',
          value: totals(sprint.remaining),
        },
        {
          label: 'Days',
          value: `${sprint.days.elapsed} of ${sprint.days.total} (${sprint.days.left} left, ${sprint.days.workingLeft} working)`,
        },
      ],
    });
  }
  blocks.push(
    ...section('Done since the last digest', done, (issue) => issue.status),
    ...section('Added to the sprint', added, (issue) => issue.status),
    ...section('Removed from the sprint', removed, (issue) => issue.status),
    ...section('Blocked or aging', blocked, (issue) => issue.reasons.join('; ')),
  );
  blocks.push({
    type: 'context',
    text: `Counted as \`/jira sprint\` counts (committed: in the sprint at its start; estimates as of this digest). ${activity.syncedAt ? `Synced from Jira ${activity.syncedAt.slice(0, 16).replace('T', ' ')} UTC.` : 'Not synced from Jira yet.'}`,
  });
  return { headline, quiet, blocks, figures };
}

function headlineOf(activity: JiraSprintActivity, quiet: boolean): string {
  const { board, sprint, ended } = activity;
  const closing = ended
    ? `*${ended.name}* ended with ${ended.completed.points} of ${ended.committed.points} committed points done (${ended.completed.issues} of ${ended.committed.issues} issues).`
    : '';
  if (!sprint) return `${board.name} has no started sprint.${closing ? ` ${closing}` : ''}`;
  if (sprint.state !== 'active') {
    return [`${board.name} has no active sprint.`, closing].filter(Boolean).join(' ');
  }
  const share =
    sprint.committed.points > 0
      ? ` (${Math.round((100 * sprint.completed.points) / sprint.committed.points)}%)`
      : '';
  const standing = `${sprint.completed.points} of ${sprint.committed.points} committed points done${share}, ${count(sprint.days.left, 'day')} left`;
  const blockedNote =
    activity.blocked.length > 0 ? `; ${count(activity.blocked.length, 'issue')} blocked or aging` : '';
  if (quiet) return `No change in *${sprint.name}* on ${board.name}: ${standing}${blockedNote}.`;
  const changes = [
    sprint.startedInPeriod ? 'it started' : '',
    activity.done.length > 0
      ? `${count(activity.done.length, 'issue')} done (${points(activity.done)} points)`
      : '',
    activity.added.length > 0 ? `${activity.added.length} added` : '',
    activity.removed.length > 0 ? `${activity.removed.length} removed` : '',
  ].filter(Boolean);
  const since = changes.length > 0 ? ` Since the last digest: ${changes.join(', ')}.` : '';
  return `${closing ? `${closing} ` : ''}*${sprint.name}* on ${board.name}: ${standing}${blockedNote}.${since}`;
}

function section<T extends JiraSprintIssue>(
  title: string,
  issues: T[],
  detail: (issue: T) => string,
): ReplyBlock[] {
  if (issues.length === 0) return [];
  const lines = issues
    .slice(0, MAX_LINES)
    .map(
      (issue) =>
        `• [${issue.key}](${issue.url}) ${issue.summary.replace(/\s+/g, ' ').slice(0, 100)} (${issue.points === null ? 'no estimate' : count(issue.points, 'point')}, ${issue.assignee}): ${detail(issue)}`,
    );
  const more = issues.length > MAX_LINES ? [`…and ${issues.length - MAX_LINES} more`] : [];
  return [{ type: 'markdown', text: [`*${title}*`, ...lines, ...more].join('\n') }];
}

/** Estimates summed, to one decimal (half points exist). */
const points = (issues: readonly JiraSprintIssue[]) =>
  Math.round(10 * issues.reduce((sum, issue) => sum + (issue.points ?? 0), 0)) / 10;

const totals = (value: { issues: number; points: number }) =>
  `${count(value.issues, 'issue')}, ${value.points} points`;

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}
