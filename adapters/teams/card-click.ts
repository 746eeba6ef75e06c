import {
  APPROVAL_APPROVE_ACTION,
  APPROVAL_REASON_INPUT,
  APPROVAL_REJECT_ACTION,
  type Button,
  clickableButtons,
  FEEDBACK_DOWN_ACTION,
  FEEDBACK_UP_ACTION,
  FORM_FIELD_PREFIX,
  FORM_SUBMIT_ACTION,
  formButtons,
  type MessageView,
} from '../../src/core/index.ts';
import { ActionDataSchema, CardActionValueSchema, type InboundActivity } from './activity.ts';
import { conversationOf } from './conversation.ts';
import { DIRECT_MESSAGE_ID, renderCard } from './render.ts';
import type { Click } from './to-task.ts';

/**
 * An `Action.Execute` click, checked against the message we stored: the button must really be on that
 * message (in this tenant, on Teams), exactly as the REST API checks clicks. The answer to the invoke is
 * immediate; the decision itself is made by the worker, which then updates the message for everyone.
 */
export type ClickCheck =
  | { ok: true; click: Click; card: MessageView | null }
  | { ok: false; status: 400 | 404; message: string };

const DECISIONS = new Set([APPROVAL_APPROVE_ACTION, APPROVAL_REJECT_ACTION]);
const FEEDBACK = new Set([FEEDBACK_UP_ACTION, FEEDBACK_DOWN_ACTION]);

export async function checkClick(
  activity: InboundActivity,
  tenantId: string,
  lookup: (messageId: string) => Promise<MessageView | null>,
): Promise<ClickCheck> {
  const value = CardActionValueSchema.safeParse(activity.value);
  const data = ActionDataSchema.safeParse(value.success ? value.data.action.data : undefined);
  if (!value.success || !data.success) {
    return { ok: false, status: 400, message: 'This card action does not come from a chatops card.' };
  }
  const verb = value.data.action.verb;
  const { messageId, value: buttonValue } = data.data.chatops;
  const inputs =
    verb === APPROVAL_REJECT_ACTION
      ? reasonOf(value.data.action.data)
      : verb === FORM_SUBMIT_ACTION
        ? fieldsOf(value.data.action.data)
        : undefined;
  if (messageId === DIRECT_MESSAGE_ID) {
    // Approval requests sent to an approver's 1:1 chat: the approval id is the whole context.
    if (!DECISIONS.has(verb) || !buttonValue) {
      return { ok: false, status: 400, message: 'Only approvals can be decided from a direct message.' };
    }
    const conversation = conversationOf(activity);
    const id = `direct-${activity.replyToId ?? activity.id ?? buttonValue}`.slice(0, 255);
    return {
      ok: true,
      card: null,
      click: {
        actionId: verb,
        value: buttonValue,
        label: verb === APPROVAL_APPROVE_ACTION ? 'Approve' : 'Reject',
        message: { id, channel: conversation.channel, thread: conversation.thread, skill: null },
        ...(inputs ? { inputs } : {}),
      },
    };
  }
  const message = await lookup(messageId);
  if (message?.platform !== 'teams' || message.tenantId !== tenantId) {
    return { ok: false, status: 404, message: 'This card is no longer known to the bot.' };
  }
  const button = buttonsOf(message).find((candidate) => candidate.id === verb && !candidate.url);
  if (!button) {
    return { ok: false, status: 400, message: `This message has no button "${verb}" (any more).` };
  }
  return {
    ok: true,
    card: message,
    click: {
      actionId: verb,
      ...(button.value === undefined ? {} : { value: button.value }),
      label: button.label,
      message: { id: message.id, channel: message.channel, thread: message.thread, skill: message.skill },
      ...(inputs ? { inputs } : {}),
    },
  };
}

/** The reason typed into the approval card (Action.Execute sends the card's inputs in its data). */
function reasonOf(data: Record<string, unknown> | undefined): Record<string, string> | undefined {
  const reason = data?.[APPROVAL_REASON_INPUT];
  if (typeof reason !== 'string' || !reason.trim()) return undefined;
  return { [APPROVAL_REASON_INPUT]: reason.trim().slice(0, 500) };
}

/** A form's inputs (Action.Execute sends them in its data): the text values of its `arg.` fields. */
function fieldsOf(data: Record<string, unknown> | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(data ?? {})) {
    if (key.startsWith(FORM_FIELD_PREFIX) && typeof value === 'string') fields[key] = value.slice(0, 2000);
  }
  return fields;
}

/** Every button the stored message shows: its own, its approvals', its feedback and its forms' buttons. */
function buttonsOf(message: MessageView): Button[] {
  return message.reply ? [...clickableButtons(message.reply, message.id), ...formButtons(message.reply)] : [];
}

/** The `adaptiveCard/action` answer: a card for decisions and feedback, a short message otherwise. */
export function clickResponse(click: Click, card: MessageView | null, by: string, duplicate: boolean) {
  const isDecision = DECISIONS.has(click.actionId);
  const notice = duplicate
    ? `Your "${click.label}" was already received.`
    : isDecision
      ? `⏳ ${click.label} from ${by} received; checking the approval…`
      : FEEDBACK.has(click.actionId)
        ? `Thanks for the feedback, ${by}.`
        : null;
  if (notice && card?.reply) {
    const value = renderCard(card.reply, card.id, { actions: false, notice });
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value };
  }
  return {
    statusCode: 200,
    type: 'application/vnd.microsoft.activity.message',
    value: notice ?? `Got it: "${click.label}". Working on it…`,
  };
}

export function clickError(status: 400 | 404, message: string) {
  return {
    statusCode: 400,
    type: 'application/vnd.microsoft.error',
    value: { code: status === 404 ? 'NotFound' : 'BadRequest', message },
  };
}
