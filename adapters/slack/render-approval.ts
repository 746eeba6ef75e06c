import { type ApprovalBlock, approvalButtons, type Button } from '../../src/core/index.ts';
import { escapeMrkdwn, markdownToMrkdwn } from './mrkdwn.ts';

/**
 * An approval request as Slack parts: the title, the action's summary as fields, its state, and while it is
 * pending the Approve / Reject buttons (the click's value is the approval id). Once decided or expired the
 * buttons are gone and each decision says who made it and when (in the reader's own time zone).
 */
export type ApprovalPart =
  | { kind: 'section'; text: string }
  | { kind: 'fields'; fields: { label: string; value: string }[] }
  | { kind: 'context'; text: string }
  | { kind: 'buttons'; buttons: Button[] };

const STATES: Record<ApprovalBlock['status'], string> = {
  pending: '⏳ *Waiting for approval*',
  approved: '✅ *Approved*',
  rejected: '❌ *Rejected*',
  expired: '⌛ *Expired* — nobody decided in time',
  cancelled: '🚫 *Cancelled*',
};

export function approvalBlocks(block: ApprovalBlock): ApprovalPart[] {
  const parts: ApprovalPart[] = [
    { kind: 'section', text: `*Approval needed:* ${markdownToMrkdwn(block.title)}` },
  ];
  if (block.summary.length > 0) {
    parts.push({
      kind: 'fields',
      fields: block.summary.map((line) => ({ label: line.label, value: escapeMrkdwn(line.value) })),
    });
  }
  const decisions = block.decisions.map(
    (decision) =>
      `${decision.decision === 'approved' ? '✅ Approved' : '❌ Rejected'} by ${personOf(decision.by)} ${dateOf(decision.at)}${decision.reason ? `: ${escapeMrkdwn(decision.reason)}` : ''}`,
  );
  parts.push({ kind: 'context', text: [STATES[block.status], ...decisions].join('\n') });
  const buttons = approvalButtons(block);
  if (buttons.length > 0) parts.push({ kind: 'buttons', buttons });
  return parts;
}

/** A Slack user id becomes a mention (Slack shows the person's current name); anything else is text. */
function personOf(by: string): string {
  return /^[UW][A-Z0-9]{6,20}$/.test(by) ? `<@${by}>` : escapeMrkdwn(by);
}

/** Slack's date token shows the time in the reader's zone; the ISO text is the fallback for old clients. */
function dateOf(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(seconds)) return escapeMrkdwn(iso);
  return `<!date^${seconds}^{date_short_pretty} at {time}|${escapeMrkdwn(iso)}>`;
}
