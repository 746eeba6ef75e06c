import type { View } from '@slack/types';
import { z } from 'zod';
import { APPROVAL_REASON_INPUT } from '../../src/core/index.ts';
import type { Click } from './to-task.ts';

/**
 * Reject asks why: the click opens a small modal with an optional reason, and its submission is the
 * rejection (with `inputs.reason`). What the click was (which approval, which message, where) travels in the
 * modal's private metadata, so the submission becomes the same action task the click would have.
 */
export const REJECT_CALLBACK_ID = 'chatops.reject-reason';
const REASON_BLOCK = 'reason';

const ContextSchema = z.object({
  click: z.object({
    actionId: z.string(),
    value: z.string().optional(),
    label: z.string(),
    message: z.object({
      id: z.string(),
      channel: z.string(),
      thread: z.string(),
      skill: z.string().nullable(),
    }),
  }),
  messageTs: z.string().optional(),
  threadTs: z.string().optional(),
});
export type RejectContext = z.infer<typeof ContextSchema>;

export function rejectReasonForm(context: RejectContext, title: string): View {
  return {
    type: 'modal',
    callback_id: REJECT_CALLBACK_ID,
    private_metadata: JSON.stringify(context),
    title: { type: 'plain_text', text: 'Reject' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'plain_text', text: title.slice(0, 3000), emoji: true } },
      {
        type: 'input',
        block_id: REASON_BLOCK,
        optional: true,
        label: { type: 'plain_text', text: 'Reason (shown to everyone in the thread)' },
        element: {
          type: 'plain_text_input',
          action_id: APPROVAL_REASON_INPUT,
          multiline: true,
          max_length: 2000,
        },
      },
    ],
  };
}

export function rejectContextOf(
  privateMetadata: string | undefined,
): (RejectContext & { click: Click }) | null {
  try {
    const parsed = ContextSchema.safeParse(JSON.parse(privateMetadata ?? ''));
    return parsed.success ? (parsed.data as RejectContext & { click: Click }) : null;
  } catch {
    return null;
  }
}

/** The typed reason, trimmed; undefined when left empty. */
export function reasonOf(values: Record<string, Record<string, unknown>>): string | undefined {
  const field = values[REASON_BLOCK]?.[APPROVAL_REASON_INPUT] as { value?: unknown } | undefined;
  const reason = typeof field?.value === 'string' ? field.value.trim() : '';
  return reason === '' ? undefined : reason.slice(0, 2000);
}
