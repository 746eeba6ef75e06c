import {
  type DigestKindSpec,
  type DigestPreview,
  type DigestRunView,
  type DigestView,
  formatLocalTime,
  type Platform,
  REPLY_VERSION,
  type ReplyBlock,
  type ReplyInput,
} from '../../src/core/index.ts';
import { ADD_USAGE } from './parse-add.ts';

/** The id of the "Schedule it" button under a preview made from free text; its value is the draft. */
export const CREATE_ACTION = 'digest.create';

/** A new digest (or a proposal from free text): what was understood, the next three runs and a sample. */
export function previewReply(
  preview: DigestPreview,
  here: { platform: Platform; channel: string },
): ReplyInput {
  const saved = preview.digest;
  const where = placeLabel(preview.place, here, 'in ');
  const runs = preview.nextRuns.map((run) => formatLocalTime(new Date(run), preview.timeZone));
  const kind = saved?.kind ?? '';
  const intro = saved
    ? `✅ Digest \`${saved.id}\` scheduled: *${kind}* ${preview.when} (${preview.timeZone}), ${where}.`
    : `Here is the digest I would schedule: ${preview.when} (${preview.timeZone}), ${where}.`;
  const options = Object.entries(preview.options)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  const blocks: ReplyBlock[] = [
    { type: 'markdown', text: intro },
    {
      type: 'fields',
      fields: [
        { label: 'Next runs', value: runs.join(' · ') || 'none' },
        { label: 'Schedule', value: `${preview.when} · cron \`${preview.cron}\`` },
        { label: 'Options', value: options || 'none' },
      ],
    },
    { type: 'divider' },
    {
      type: 'markdown',
      text: `*Sample, as it would read now:* ${preview.sample.headline}${preview.sample.quiet ? ` _(nothing new: ${preview.options.quiet === 'line' ? 'it posts this one line' : 'it skips such a period'})_` : ''}`,
    },
    ...preview.sample.blocks,
    {
      type: 'context',
      text: saved
        ? `\`/digest run ${saved.id}\` posts it now · \`/digest pause ${saved.id}\` · \`/digest remove ${saved.id}\` · \`/digest list\``
        : 'Nothing is scheduled yet.',
    },
  ];
  const text = saved
    ? `Digest ${saved.id} scheduled: ${kind} ${preview.when} (${preview.timeZone}), ${where}. Next: ${runs.join(', ')}.`
    : `Proposed digest: ${preview.when} (${preview.timeZone}), ${where}. Next: ${runs.join(', ')}.`;
  return { v: REPLY_VERSION, text, blocks };
}

/** The proposal from free text: the preview plus the button that schedules it. */
export function proposalReply(
  preview: DigestPreview,
  draft: { kind: string; when: string; timeZone: string },
  here: { platform: Platform; channel: string },
  note: string | null,
): ReplyInput {
  const reply = previewReply(preview, here);
  const command = `/digest add ${draft.kind} ${preview.when.startsWith('cron') ? preview.cron : draft.when} tz=${draft.timeZone}`;
  return {
    ...reply,
    blocks: [
      ...(reply.blocks ?? []).slice(0, -1),
      {
        type: 'buttons',
        buttons: [
          {
            id: CREATE_ACTION,
            label: 'Schedule it',
            value: JSON.stringify(draft),
            style: 'primary',
          },
        ],
      },
      { type: 'context', text: `${note ? `${note} ` : ''}Or type: \`${command}\`` },
    ],
  };
}

export function listReply(digests: DigestView[], here: { platform: Platform; channel: string }): ReplyInput {
  if (digests.length === 0) {
    const text = `No digests post here yet. Schedule one: ${ADD_USAGE}`;
    return { v: REPLY_VERSION, text, blocks: [{ type: 'markdown', text }] };
  }
  const rows = digests.map((digest) => [
    digest.id,
    digest.kind,
    `${digest.when} (${digest.timeZone})`,
    placeLabel(digest, here),
    digest.enabled
      ? digest.nextRuns[0]
        ? formatLocalTime(new Date(digest.nextRuns[0]), digest.timeZone)
        : '—'
      : 'paused',
    lastRunLabel(digest.lastRun, digest.timeZone),
  ]);
  const held = digests.filter((digest) => digest.lastRun?.status === 'unknown');
  return {
    v: REPLY_VERSION,
    text: `${digests.length} digest${digests.length === 1 ? '' : 's'}: ${digests.map((digest) => digest.id).join(', ')}`,
    blocks: [
      { type: 'table', columns: ['Id', 'Kind', 'When', 'Where', 'Next', 'Last run'], rows },
      ...(held.length > 0
        ? [
            {
              type: 'context' as const,
              text: `⚠️ ${held.map((digest) => digest.id).join(', ')}: the last post may or may not have arrived (the platform did not answer and cannot be read back). Check the channel; \`/digest run <id>\` posts it again.`,
            },
          ]
        : []),
      { type: 'context', text: '`/digest pause|resume|run|remove <id>` · new: /digest add <kind> <when>' },
    ],
  };
}

export function helpReply(kinds: DigestKindSpec[], note?: string): ReplyInput {
  const text = `${note ? `${note}\n` : ''}Scheduled digests: ${ADD_USAGE}. Then \`/digest list\`, \`/digest pause|resume|run|remove <id>\`.`;
  return {
    v: REPLY_VERSION,
    text,
    blocks: [
      { type: 'markdown', text },
      {
        type: 'table',
        columns: ['Kind', 'What it tells'],
        rows: kinds.map((kind) => [kind.kind, kind.description]),
      },
      {
        type: 'context',
        text: 'When: "every day at 9:00", "weekdays at 17:30", "every monday 9:00", "every 2 hours", or cron "0 9 * * 1-5". Zone: tz=Europe/Berlin (default: yours, when your platform tells it). A period with nothing new is skipped (quiet=line posts one line instead).',
      },
    ],
  };
}

export function changedReply(digest: DigestView, what: string): ReplyInput {
  const next = digest.nextRuns[0]
    ? ` Next: ${formatLocalTime(new Date(digest.nextRuns[0]), digest.timeZone)}.`
    : '';
  const text = `Digest \`${digest.id}\` (${digest.kind}, ${digest.when}) ${what}.${next}`;
  return { v: REPLY_VERSION, text, blocks: [{ type: 'markdown', text }] };
}

function placeLabel(
  place: { platform: Platform; channel: string },
  here: { platform: Platform; channel: string },
  preposition = '',
): string {
  if (place.platform === here.platform && place.channel === here.channel) return 'here';
  if (place.platform === 'api') return `${preposition}#${place.channel}`;
  return `${preposition}${place.platform}:${place.channel}`;
}

function lastRunLabel(run: DigestRunView | null, zone: string): string {
  if (!run) return 'not yet';
  const at = formatLocalTime(new Date(run.periodEnd), zone);
  const late = run.catchUp ? ', late' : '';
  switch (run.status) {
    case 'posted':
      return `${at}: posted${late}`;
    case 'skipped':
      return `${at}: nothing new (skipped)`;
    case 'unknown':
      return `${at}: outcome unknown ⚠️`;
    default:
      return `${at}: sending`;
  }
}
