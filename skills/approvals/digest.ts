import {
  type DigestContent,
  type DigestContext,
  type DigestKindDefinition,
  formatDuration,
  formatLocalTime,
  type PendingApprovalCard,
  type ReplyBlock,
} from '../../src/core/index.ts';

/** Cards shown in full (with their buttons); the rest are listed in one table. */
const MAX_CARDS = 8;
/** An approval expiring within this is called out. */
const SOON_MS = 2 * 3_600_000;

/**
 * The approvals digest: what still waits for a decision, oldest first, each with the Approve / Reject
 * buttons of its own card (a click decides it exactly as on the original card; the engine checks who
 * clicked). Nothing waiting is a quiet period.
 */
export const approvalsDigest: DigestKindDefinition = {
  kind: 'approvals',
  description:
    'Approvals still waiting for a decision, oldest first, each with its Approve / Reject buttons.',
  requires: ['approvals'],
  options: [
    {
      name: 'from',
      description:
        'Requests from the digest’s channel only, or (an operator’s choice) from every channel on this platform.',
      choices: ['here', 'all'],
      // Requests from other channels may come from places this channel's members cannot read: only an
      // operator (CLI, REST) can post them all into one channel.
      default: 'here',
      operatorChoices: ['all'],
    },
  ],
  build: buildApprovalsDigest,
};

export async function buildApprovalsDigest(ctx: DigestContext): Promise<DigestContent> {
  const source = ctx.sources.approvals;
  if (!source) throw new Error('the approvals digest needs the approvals source');
  const pending = await source.pending(ctx.options.from === 'here' ? { channel: ctx.channel } : {});
  const end = ctx.period.end.getTime();
  const fresh = pending.filter((approval) => Date.parse(approval.createdAt) > ctx.period.start.getTime());
  const soon = pending.filter((approval) => Date.parse(approval.expiresAt) - end <= SOON_MS);
  const oldest = pending[0];
  const figures = {
    pending: pending.length,
    newInPeriod: fresh.length,
    expiringSoon: soon.length,
    oldestWaitingMinutes: oldest ? Math.round((end - Date.parse(oldest.createdAt)) / 60_000) : 0,
  };
  if (!oldest) return { headline: 'No approvals are waiting.', quiet: true, blocks: [], figures };
  const parts = [
    `*${pending.length}* approval${pending.length === 1 ? ' is' : 's are'} waiting`,
    `the oldest, “${oldest.title.slice(0, 120)}”, for ${formatDuration(end - Date.parse(oldest.createdAt))}`,
  ];
  const extras = [
    fresh.length > 0 ? `${fresh.length} new since the last digest` : '',
    soon.length > 0 ? `${soon.length} expire${soon.length === 1 ? 's' : ''} within 2 h` : '',
  ].filter(Boolean);
  const headline = `${parts.join('; ')}.${extras.length > 0 ? ` ${extras.join(', ')}.` : ''}`;
  const blocks: ReplyBlock[] = pending.slice(0, MAX_CARDS).flatMap((approval) => card(approval, ctx));
  const rest = pending.slice(MAX_CARDS);
  if (rest.length > 0) {
    blocks.push(
      { type: 'markdown', text: `…and ${rest.length} more (decide them on their cards, or see /approvals):` },
      {
        type: 'table',
        columns: ['Request', 'Requested by', 'Where', 'Waiting', 'Expires'],
        rows: rest.map((approval) => [
          approval.title.slice(0, 200),
          approval.requestedBy,
          `#${approval.channel}`,
          formatDuration(end - Date.parse(approval.createdAt)),
          formatLocalTime(new Date(approval.expiresAt), ctx.period.timeZone),
        ]),
      },
    );
  }
  return { headline, quiet: false, blocks, figures };
}

function card(approval: PendingApprovalCard, ctx: DigestContext): ReplyBlock[] {
  const waited = formatDuration(ctx.period.end.getTime() - Date.parse(approval.createdAt));
  const expires = formatLocalTime(new Date(approval.expiresAt), ctx.period.timeZone);
  return [
    { type: 'divider' },
    approval.card,
    {
      type: 'context',
      text: `Asked by ${approval.requestedBy} in #${approval.channel} ${waited} ago · ${approval.approvalsGiven} of ${approval.approvalsRequired} approvals · expires ${expires}`,
    },
  ];
}
