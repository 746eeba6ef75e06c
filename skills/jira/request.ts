import {
  ChatOpsError,
  JIRA_REPORTS,
  type JiraReportName,
  type JiraReportRequest,
  type Task,
} from '../../src/core/index.ts';

/**
 * What a person asked for, in one of two ways. A slash command (`/jira velocity board=12 --sprints 8`) is
 * parsed as a command: its first word names the report. Free text ("how's sprint 42 going?", routed here by
 * the supervisor or the offline router) is understood as free text: the report is recognised from what the
 * words are about, never from their position, and the model's tool arguments (when Claude chose the skill)
 * come first.
 */
export type JiraAction = 'config' | 'sync' | 'help';

export interface Understood {
  what: JiraReportName | JiraAction;
  request: Omit<JiraReportRequest, 'report'>;
  /** Settings for `config` (raw strings as typed). */
  settings: { started?: string; done?: string; timezone?: string };
  /** How the request was read, said under the answer for free text ("read as the velocity report"). */
  readAs: string | null;
  full: boolean;
}

const ALIASES: Record<string, JiraReportName | JiraAction> = {
  sprint: 'sprint',
  burndown: 'sprint',
  velocity: 'velocity',
  'cycle-time': 'cycle-time',
  cycletime: 'cycle-time',
  cycle: 'cycle-time',
  'lead-time': 'cycle-time',
  blockers: 'blockers',
  blocked: 'blockers',
  workload: 'workload',
  wip: 'workload',
  forecast: 'forecast',
  config: 'config',
  settings: 'config',
  sync: 'sync',
  help: 'help',
};

const USAGE =
  'Usage: /jira <sprint|velocity|cycle-time|blockers|workload|forecast> [board=<id>] [project=<KEY>] [sprint=<name>] [sprints=<n>] [days=<n>] [items=<n>], /jira config [board=<id>] [project=<KEY>] [started="…"] [done="…"] [timezone=<zone>], /jira sync';

export function understand(task: Task, projectKeys: readonly string[]): Understood {
  const args = task.args ?? {};
  // An MCP client's call is a command task too, but its text is the person's request in their words.
  const slash =
    (task.kind === 'command' || task.kind === 'schedule') &&
    task.command === 'jira' &&
    task.platform !== 'mcp';
  const fromArgs = parseArgs(args);
  if (slash) return { ...fromSlash(task.text, fromArgs.request), settings: fromArgs.settings };
  const fromText = fromFreeText(task.text, projectKeys);
  const reportArgument = args.report ? ALIASES[args.report] : undefined;
  const what = reportArgument ?? fromText.what;
  return {
    what,
    request: { ...fromText.request, ...fromArgs.request },
    settings: fromArgs.settings,
    readAs: reportArgument ? null : fromText.readAs,
    full: false,
  };
}

function parseArgs(args: Record<string, string>): Pick<Understood, 'request' | 'settings'> {
  const request: Understood['request'] = {};
  const whole = (name: string, value: string | undefined, max: number) => {
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > max)
      throw new ChatOpsError(
        'VALIDATION_FAILED',
        `\`${name}\` must be a whole number from 1 to ${max}, not "${value}".`,
        {
          remedy: USAGE,
        },
      );
    return parsed;
  };
  const board = whole('board', args.board, 2_147_483_647);
  if (board !== undefined) request.board = board;
  if (args.project) request.project = args.project.toUpperCase();
  if (args.sprint) request.sprint = args.sprint;
  const sprints = whole('sprints', args.sprints, 50);
  if (sprints !== undefined) request.sprints = sprints;
  const days = whole('days', args.days, 3650);
  if (days !== undefined) request.days = days;
  const items = whole('items', args.items, 100_000);
  if (items !== undefined) request.items = items;
  return {
    request,
    settings: {
      ...(args.started !== undefined ? { started: args.started } : {}),
      ...(args.done !== undefined ? { done: args.done } : {}),
      ...(args.timezone !== undefined ? { timezone: args.timezone } : {}),
    },
  };
}

/** `/jira <report> [board] [KEY] [--sprints N] [--days N] [--items N] [--full]`, after key=value arguments. */
function fromSlash(text: string, request: Understood['request']): Omit<Understood, 'settings'> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const first = words.shift()?.toLowerCase();
  if (!first) return { what: 'help', request, readAs: null, full: false };
  const what = ALIASES[first];
  if (!what) {
    throw new ChatOpsError('VALIDATION_FAILED', `"${first}" is not a Jira report.`, { remedy: USAGE });
  }
  const merged = { ...request };
  let full = false;
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] ?? '';
    const option = /^--(sprints|days|items|board|project|sprint)$/.exec(word)?.[1];
    if (option) {
      Object.assign(merged, parseArgs({ [option]: words[index + 1] ?? '' }).request);
      index += 1;
    } else if (word === '--full') full = true;
    else if (/^\d+$/.test(word) && merged.board === undefined) merged.board = Number(word);
    else if (/^[A-Z][A-Z0-9_]{0,19}$/.test(word) && merged.project === undefined) merged.project = word;
    else
      throw new ChatOpsError('VALIDATION_FAILED', `I do not know what "${word}" means here.`, {
        remedy: USAGE,
      });
  }
  return { what, request: merged, readAs: null, full };
}

/** Report topics, most specific first: the first topic whose words appear decides. */
const TOPICS: { what: JiraReportName; words: RegExp; name: string }[] = [
  {
    what: 'forecast',
    words: /\b(forecast|predict|when will|when would|when can|by when|how long until|monte carlo)\b/i,
    name: 'the forecast',
  },
  {
    what: 'blockers',
    words: /\b(block\w*|stuck|impediments?|flagged|at risk|aging|ageing|older than)\b/i,
    name: 'the blockers report',
  },
  {
    what: 'workload',
    words: /\b(workload|wip|work in progress|overloaded|who (?:is|has|holds)|assigned|per person|busiest)\b/i,
    name: 'the workload report',
  },
  {
    what: 'velocity',
    words: /\b(velocity|story points|points per sprint|last sprints?|previous sprints?|committed)\b/i,
    name: 'the velocity report',
  },
  {
    what: 'cycle-time',
    words: /\b(cycle[- ]?times?|lead[- ]?times?|how long|take to|throughput|turnaround)\b/i,
    name: 'the cycle-time report',
  },
  {
    what: 'sprint',
    words: /\b(sprint|burndown|burn-down|on track|going|iteration)\b/i,
    name: 'the sprint report',
  },
];

const NOT_KEYS = new Set(
  'OK ASAP FYI ETA EOD EOW PR PRS QA UI UX API SLA KPI OKR PTO WIP TODO IMO AFAIK TBD US USA UK EU AM PM CI CD'.split(
    ' ',
  ),
);

function fromFreeText(text: string, projectKeys: readonly string[]): Omit<Understood, 'settings' | 'full'> {
  const topic = TOPICS.find((candidate) => candidate.words.test(text));
  const request: Understood['request'] = {};
  const board = /\bboard\s*#?\s*(\d{1,10})\b/i.exec(text)?.[1];
  if (board) request.board = Number(board);
  const sprint = /\bsprint\s*#?\s*(\d{1,6})\b/i.exec(text)?.[1];
  if (sprint) request.sprint = sprint;
  const known = new Set(projectKeys.map((key) => key.toUpperCase()));
  const capitals = text.match(/\b[A-Z][A-Z0-9_]{1,9}\b/g) ?? [];
  // A word in capitals is a project key when Jira has that project, or, before the first sync, when it
  // is not one of the everyday abbreviations people write in capitals.
  const named =
    capitals.find((word) => known.has(word)) ??
    /\bproject\s+([A-Za-z][A-Za-z0-9_]{1,19})\b/i.exec(text)?.[1]?.toUpperCase() ??
    capitals.find((word) => !NOT_KEYS.has(word));
  if (named) request.project = named;
  const sprints = /\b(?:last|past|previous)\s+(\d{1,2})\s+sprints\b/i.exec(text)?.[1];
  if (sprints) request.sprints = Number(sprints);
  const period = /\b(?:last|past)\s+(\d{1,4})\s+(days?|weeks?|months?)\b/i.exec(text);
  if (period)
    request.days =
      Number(period[1]) * (/^w/i.test(period[2] ?? '') ? 7 : /^m/i.test(period[2] ?? '') ? 30 : 1);
  else if (/\b(this|last|past) quarter\b/i.test(text)) request.days = 90;
  else if (/\b(this|last|past) month\b/i.test(text)) request.days = 30;
  const items =
    /\b(\d{1,5})\s+(?:more\s+|remaining\s+|open\s+)?(?:items|tickets|issues|stories|tasks)\b/i.exec(
      text,
    )?.[1];
  if (items && topic?.what === 'forecast') request.items = Number(items);
  const what = topic?.what ?? 'sprint';
  return {
    what,
    request,
    readAs: topic
      ? null
      : `I read this as a question about the current sprint; ask for velocity, cycle time, blockers, workload or a forecast for another report.`,
  };
}

export { JIRA_REPORTS, USAGE };
