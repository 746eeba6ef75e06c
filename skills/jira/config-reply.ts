import { type JiraChannelSettings, REPLY_VERSION, type Reply, ReplySchema } from '../../src/core/index.ts';

/** `/jira` alone (what it can do) and `/jira config` (what this channel uses). */
export function helpReply(settings: JiraChannelSettings): Reply {
  const text = [
    '**Jira reports**: ask in words ("how\'s the sprint going?", "what\'s blocking OPS?") or with `/jira <report>`:',
    '- `sprint`: the active sprint, committed vs completed, scope added and removed, carry-over, days left, burndown',
    '- `velocity`: committed vs completed per closed sprint, average and trend (`sprints=N`)',
    '- `cycle-time`: cycle and lead time p50/p85/p95, throughput per week, the slowest items (`days=N`)',
    '- `blockers`: flagged, blocked by links, older than the p85 cycle time, stuck in review',
    '- `workload`: work in progress per assignee',
    '- `forecast`: when N more items will be done, by Monte Carlo (`items=N`)',
    "- `config`: this channel's board, project, started/done statuses and time zone; `sync` re-reads Jira now",
  ].join('\n');
  return ReplySchema.parse({
    v: REPLY_VERSION,
    text,
    blocks: [
      { type: 'markdown', text },
      { type: 'fields', fields: settingFields(settings) },
    ],
  });
}

export function configReply(settings: JiraChannelSettings, changed: boolean): Reply {
  const text = changed ? 'Saved. This channel now uses:' : 'This channel uses:';
  return ReplySchema.parse({
    v: REPLY_VERSION,
    text,
    blocks: [
      { type: 'markdown', text },
      { type: 'fields', fields: settingFields(settings) },
      {
        type: 'context',
        text: 'Change with `/jira config board=<id> project=<KEY> started="In Progress,In Review" done="Done" timezone=Europe/Berlin`; `started=""` goes back to the board\'s columns.',
      },
    ],
  });
}

function settingFields(settings: JiraChannelSettings) {
  return [
    { label: 'Board', value: settings.board === undefined ? 'not set' : String(settings.board) },
    { label: 'Project', value: settings.project ?? 'not set' },
    {
      label: 'Started statuses',
      value: settings.started?.join(', ') ?? "the board's columns between its first and last",
    },
    { label: 'Done statuses', value: settings.done?.join(', ') ?? "the board's last column" },
    { label: 'Time zone', value: settings.timezone ?? 'UTC' },
  ];
}
