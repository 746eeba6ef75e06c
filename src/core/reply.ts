import { z } from 'zod';
import {
  APPROVAL_APPROVE_ACTION,
  APPROVAL_REJECT_ACTION,
  FEEDBACK_DOWN_ACTION,
  FEEDBACK_UP_ACTION,
} from './approvals.ts';
import { CommandArgumentSchema } from './command-arguments.ts';

/**
 * A Reply is a platform-neutral rich message. Adapters render it (Block Kit, Adaptive Card, HTML); the
 * renderers escape everything in it, because text here comes from users and from the model.
 */
export const REPLY_VERSION = 1;

const ShortText = z.string().max(3000);

export const ButtonSchema = z.object({
  /** Stable id the click comes back with, e.g. `status.refresh`. */
  id: z.string().min(1).max(255),
  label: z.string().min(1).max(75),
  value: z.string().max(2000).optional(),
  style: z.enum(['primary', 'danger', 'default']).default('default'),
  /** A link button opens a URL instead of sending a click. */
  url: z.url({ protocol: /^https?$/ }).optional(),
});
export type Button = z.infer<typeof ButtonSchema>;

export const ReplyBlockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('markdown'), text: z.string().max(40_000) }),
  z.object({ type: z.literal('context'), text: ShortText }),
  z.object({
    type: z.literal('fields'),
    fields: z
      .array(z.object({ label: z.string().max(200), value: ShortText }))
      .min(1)
      .max(50),
  }),
  z.object({
    type: z.literal('table'),
    columns: z.array(z.string().max(200)).min(1).max(20),
    rows: z.array(z.array(z.string().max(2000))).max(500),
  }),
  z.object({
    type: z.literal('image'),
    url: z.url({ protocol: /^https?$/ }),
    alt: z.string().max(2000),
    title: z.string().max(200).optional(),
  }),
  z.object({
    type: z.literal('file'),
    name: z.string().min(1).max(255),
    mimeType: z.string().max(255),
    /** Inline content (base64) for generated files; platforms upload it. */
    contentBase64: z.string().max(14_000_000).optional(),
    url: z.url({ protocol: /^https?$/ }).optional(),
  }),
  z.object({ type: z.literal('buttons'), buttons: z.array(ButtonSchema).min(1).max(25) }),
  z.object({
    type: z.literal('approval'),
    approvalId: z.string().min(1).max(255),
    title: ShortText,
    summary: z.array(z.object({ label: z.string().max(200), value: ShortText })).max(20),
    status: z.enum(['pending', 'approved', 'rejected', 'expired', 'cancelled']),
    decisions: z
      .array(
        z.object({
          by: z.string(),
          decision: z.enum(['approved', 'rejected']),
          at: z.iso.datetime(),
          /** Why, when the person gave a reason (rejections). */
          reason: z.string().max(500).optional(),
        }),
      )
      .default([]),
    /** When a pending approval lapses (renderers may show a countdown). */
    expiresAt: z.iso.datetime().optional(),
  }),
  z.object({
    type: z.literal('progress'),
    step: ShortText,
    /** 0..100 when known. */
    percent: z.number().min(0).max(100).optional(),
  }),
  z.object({ type: z.literal('divider') }),
  /**
   * A form that runs a command: one field per declared argument (see command-form.ts). Platforms render
   * it as inputs (an Adaptive Card, an HTML form); its submission becomes the command with `key=value`s.
   */
  z.object({
    type: z.literal('form'),
    command: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
    title: ShortText,
    fields: z
      .array(
        CommandArgumentSchema.extend({
          /** What was filled in (a form shown again with its problems keeps the values). */
          value: z.string().max(2000).optional(),
          /** Why the last submission's value does not fit, shown by the field. */
          problem: z.string().max(300).optional(),
        }),
      )
      .min(1)
      .max(25),
    submitLabel: z.string().min(1).max(75).default('Run'),
  }),
]);
export type ReplyBlock = z.infer<typeof ReplyBlockSchema>;

export const ReplySchema = z.object({
  v: z.literal(REPLY_VERSION),
  /** Plain-text summary: notifications, screen readers, platforms that cannot render blocks. */
  text: z.string().max(40_000),
  blocks: z.array(ReplyBlockSchema).max(200),
  /** `ephemeral` replies are shown to `ephemeralUser` only (per-user errors, usage hints). */
  visibility: z.enum(['channel', 'ephemeral']).default('channel'),
  ephemeralUser: z.string().optional(),
  /** Offer 👍/👎 buttons under the answer. */
  feedback: z.boolean().default(false),
});
export type Reply = z.infer<typeof ReplySchema>;
export type ReplyInput = z.input<typeof ReplySchema>;

/** The common case: a markdown answer, optionally with more blocks after it. */
export function markdownReply(text: string, more: ReplyBlock[] = []): Reply {
  return ReplySchema.parse({ v: REPLY_VERSION, text, blocks: [{ type: 'markdown', text }, ...more] });
}

/** A markdown answer only `userId` sees (a usage problem, a limit), where the platform can show one so. */
export function privateReply(text: string, userId: string): Reply {
  return { ...markdownReply(text), visibility: 'ephemeral', ephemeralUser: userId };
}

/** Buttons the reply carries, in order: what a click can come back with. */
export function replyButtons(reply: Reply): Button[] {
  return reply.blocks.flatMap((block) => (block.type === 'buttons' ? block.buttons : []));
}

export type ApprovalBlock = Extract<ReplyBlock, { type: 'approval' }>;

/**
 * The Approve / Reject buttons of an approval block, the same on every platform: shown while it is
 * pending, gone once it is decided or expired. The click's value is the approval id.
 */
export function approvalButtons(block: ApprovalBlock): Button[] {
  if (block.status !== 'pending') return [];
  return [
    { id: APPROVAL_APPROVE_ACTION, label: 'Approve', value: block.approvalId, style: 'primary' },
    { id: APPROVAL_REJECT_ACTION, label: 'Reject', value: block.approvalId, style: 'danger' },
  ];
}

/** The 👍 / 👎 buttons under an answer that asked for feedback; the value is our message id. */
export function feedbackButtons(messageId: string): Button[] {
  return [
    { id: FEEDBACK_UP_ACTION, label: '👍', value: messageId, style: 'default' },
    { id: FEEDBACK_DOWN_ACTION, label: '👎', value: messageId, style: 'default' },
  ];
}

/**
 * Every button a stored message shows and a click may name: its own, its approvals' (while pending) and
 * its feedback buttons. Receivers check clicks against this list, so a click cannot invent a button.
 */
export function clickableButtons(reply: Reply, messageId: string): Button[] {
  const approvals = reply.blocks.flatMap((block) =>
    block.type === 'approval' ? approvalButtons(block) : [],
  );
  const feedback = reply.feedback ? feedbackButtons(messageId) : [];
  return [...replyButtons(reply), ...approvals, ...feedback];
}

/** A reply that only shows progress (the "working…" state a later reply replaces). */
export function isProgressOnly(reply: Reply): boolean {
  return reply.blocks.length > 0 && reply.blocks.every((block) => block.type === 'progress');
}

/** The progress line of a reply, "Fetching issues… (30%)", for platforms that show it as one status line. */
export function progressLine(reply: Reply): string {
  const block = reply.blocks.find((candidate) => candidate.type === 'progress');
  return block?.type === 'progress'
    ? `${block.step}${block.percent === undefined ? '' : ` (${Math.round(block.percent)}%)`}`
    : reply.text;
}

/**
 * A reply as a direct message (an approval request sent to an approver): a direct message is not a stored
 * message of ours, so skill buttons and feedback (which name the message they sit on) are left out, links
 * kept; approval buttons stay, because they carry the approval id, so an approver can decide from the DM.
 */
export function forDirectMessage(reply: Reply): Reply {
  const blocks = reply.blocks.flatMap((block): ReplyBlock[] => {
    if (block.type !== 'buttons') return [block];
    const links = block.buttons.filter((button) => button.url);
    return links.length > 0 ? [{ ...block, buttons: links }] : [];
  });
  return { ...reply, blocks, feedback: false };
}
