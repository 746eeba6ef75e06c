import type { Action, CardElement, IAdaptiveCard, IContainer, IFactSet } from '@microsoft/teams.cards';
import {
  APPROVAL_REASON_INPUT,
  type ApprovalBlock,
  approvalButtons,
  type Button,
  feedbackButtons,
  type Reply,
  type ReplyBlock,
  revealInvisible,
  revealInvisibleInReply,
} from '../../src/core/index.ts';
import { escapeMarkdown, plainText, richText, safeHref } from './card-text.ts';
import { formContainer } from './render-form.ts';
import { splitReply } from './split-reply.ts';

/**
 * Reply → Adaptive Card 1.5 (pure and deterministic: the same Reply and message id give the same card).
 * Buttons become `Action.Execute` actions whose data names our message, so a click comes back as an
 * `adaptiveCard/action` invoke the receiver maps to an action task.
 */
export const ADAPTIVE_CARD_TYPE = 'application/vnd.microsoft.card.adaptive';
/** The message id buttons carry in a direct message, which is not a stored message of ours. */
export const DIRECT_MESSAGE_ID = 'direct';

export interface RenderOptions {
  /** False leaves every button out (the card shown while a click is being handled). */
  actions?: boolean;
  /** A line shown at the end of the card, e.g. that a click was received. */
  notice?: string;
  maxTableRows?: number;
  maxTextLength?: number;
}

/** Teams rejects activities over about 28 KB; cards are kept under this many characters of JSON. */
export const MAX_CARD_CHARACTERS = 24_000;

export function renderCard(original: Reply, messageId: string, options: RenderOptions = {}): IAdaptiveCard {
  // Bidi controls and invisible characters are shown as `⟨U+202E⟩`, so what a reader sees is what it says.
  const reply = revealInvisibleInReply(original);
  const card = buildCard(reply, messageId, options);
  if (JSON.stringify(card).length <= MAX_CARD_CHARACTERS) return card;
  const smaller = buildCard(reply, messageId, { ...options, maxTableRows: 10, maxTextLength: 2000 });
  if (JSON.stringify(smaller).length <= MAX_CARD_CHARACTERS) return smaller;
  const text = reply.text.length > 4000 ? `${reply.text.slice(0, 4000)}…` : reply.text;
  return buildCard(
    {
      ...reply,
      blocks: [
        { type: 'markdown', text },
        { type: 'context', text: 'Shortened: the full answer is too large for a Teams card.' },
      ],
    },
    messageId,
    options,
  );
}

/** The message activity that carries the card (`summary` is what notifications show). */
export function renderMessageActivity(reply: Reply, messageId: string, options: RenderOptions = {}) {
  return activityOf(revealInvisibleInReply(reply), renderCard(reply, messageId, options));
}

/** Rows and characters one card shows before it gets hard to read (and before `renderCard` shortens it). */
const ROWS_PER_CARD = 50;
const TEXT_PER_BLOCK = 6000;

/**
 * A reply as one or more message activities: a reply too large for one card is split into several (tables
 * by rows, text by lines), so nothing is cut, as Slack's renderer splits to Slack's limits.
 */
export function renderMessageActivities(original: Reply, messageId: string, options: RenderOptions = {}) {
  const reply = revealInvisibleInReply(original);
  const fits = (part: Reply) =>
    part.blocks.every(
      (block) =>
        (block.type !== 'table' || block.rows.length <= ROWS_PER_CARD) &&
        ((block.type !== 'markdown' && block.type !== 'context') || block.text.length <= TEXT_PER_BLOCK),
    ) && JSON.stringify(buildCard(part, messageId, options)).length <= MAX_CARD_CHARACTERS;
  return splitReply(reply, fits).map((part) => activityOf(reply, renderCard(part, messageId, options)));
}

function activityOf(reply: Reply, card: IAdaptiveCard) {
  return {
    type: 'message' as const,
    summary: reply.text.slice(0, 200),
    attachments: [{ contentType: ADAPTIVE_CARD_TYPE, content: card }],
  };
}

function buildCard(reply: Reply, messageId: string, options: RenderOptions): IAdaptiveCard {
  const withActions = options.actions !== false;
  const body: CardElement[] = [];
  let separate = false;
  for (const block of reply.blocks) {
    if (block.type === 'divider') {
      separate = body.length > 0;
      continue;
    }
    const elements = renderBlock(block, messageId, withActions, options);
    const [first, ...rest] = elements;
    if (!first) continue;
    body.push(separate ? ({ ...first, separator: true } as CardElement) : first, ...rest);
    separate = false;
  }
  if (reply.feedback && withActions) body.push(actionSet(feedbackButtons(messageId), messageId));
  if (options.notice) body.push(plainText(revealInvisible(options.notice), { isSubtle: true, italic: true }));
  if (body.length === 0) body.push(...richText(reply.text || ' '));
  return {
    type: 'AdaptiveCard',
    version: '1.5',
    body,
    ...(reply.text ? { fallbackText: reply.text.slice(0, 1000) } : {}),
  } as IAdaptiveCard;
}

function renderBlock(
  block: Exclude<ReplyBlock, { type: 'divider' }>,
  messageId: string,
  withActions: boolean,
  options: RenderOptions,
): CardElement[] {
  switch (block.type) {
    case 'markdown':
      return richText(block.text, { maxLength: options.maxTextLength ?? 6000 });
    case 'context':
      return richText(block.text, { subtle: true, maxLength: options.maxTextLength ?? 6000 });
    case 'fields':
      return [factSet(block.fields)];
    case 'table':
      return [table(block.columns, block.rows, options.maxTableRows ?? 50)];
    case 'image': {
      const url = safeHref(block.url);
      if (!url) return [plainText(`🖼 ${block.alt}`)];
      const image: CardElement = { type: 'Image', url, altText: block.alt } as CardElement;
      return block.title ? [image, plainText(block.title, { isSubtle: true, size: 'Small' })] : [image];
    }
    case 'file':
      return [fileElement(block)];
    case 'buttons':
      return withActions ? [actionSet(block.buttons, messageId)] : [];
    case 'approval':
      return [approvalContainer(block, messageId, withActions)];
    case 'form':
      return [formContainer(block, messageId, withActions)];
    case 'progress':
      return [
        plainText(
          `⏳ ${block.step}${block.percent === undefined ? '' : ` (${Math.round(block.percent)}%)`}`,
          {
            isSubtle: true,
          },
        ),
      ];
  }
}

function factSet(facts: { label: string; value: string }[]): IFactSet {
  return {
    type: 'FactSet',
    facts: facts.map((fact) => ({ title: escapeMarkdown(fact.label), value: escapeMarkdown(fact.value) })),
  } as IFactSet;
}

function table(columns: string[], rows: string[][], maxRows: number): CardElement {
  const shown = rows.slice(0, maxRows);
  const cell = (text: string, header = false) => ({
    type: 'TableCell',
    items: [plainText(text, header ? { weight: 'Bolder' } : {})],
  });
  const tableRows = [
    { type: 'TableRow', cells: columns.map((column) => cell(column, true)) },
    ...shown.map((row) => ({
      type: 'TableRow',
      cells: columns.map((_column, index) => cell(row[index] ?? '')),
    })),
  ];
  const element = {
    type: 'Table',
    columns: columns.map(() => ({ width: 1 })),
    rows: tableRows,
    firstRowAsHeader: true,
    showGridLines: true,
  } as unknown as CardElement;
  if (rows.length <= maxRows) return element;
  return {
    type: 'Container',
    items: [element, plainText(`… ${rows.length - maxRows} more rows`, { isSubtle: true })],
  } as IContainer;
}

const INLINE_IMAGE_LIMIT = 20_000;

function fileElement(block: Extract<ReplyBlock, { type: 'file' }>): CardElement {
  const url = block.url ? safeHref(block.url) : null;
  if (url) {
    return {
      type: 'RichTextBlock',
      inlines: [
        { type: 'TextRun', text: `📎 ${block.name}`, selectAction: { type: 'Action.OpenUrl', url } },
        { type: 'TextRun', text: ` (${new URL(url).host})`, isSubtle: true },
      ],
    } as CardElement;
  }
  if (
    block.contentBase64 &&
    /^image\/(png|jpeg|gif)$/.test(block.mimeType) &&
    block.contentBase64.length <= INLINE_IMAGE_LIMIT
  ) {
    return {
      type: 'Image',
      url: `data:${block.mimeType};base64,${block.contentBase64}`,
      altText: block.name,
    } as CardElement;
  }
  return plainText(`📎 ${block.name} (a generated file; Teams cards show files only by link)`, {
    isSubtle: true,
  });
}

const STATUS_STYLE = {
  pending: 'emphasis',
  approved: 'good',
  rejected: 'attention',
  expired: 'warning',
  cancelled: 'default',
} as const;

function approvalContainer(block: ApprovalBlock, messageId: string, withActions: boolean): IContainer {
  const decisions = block.decisions.map(
    (decision) =>
      `${decision.decision} by ${decision.by} (${decision.at.slice(0, 16).replace('T', ' ')} UTC)${decision.reason ? `: ${decision.reason}` : ''}`,
  );
  const status = `Status: ${block.status}${decisions.length > 0 ? ` · ${decisions.join(' · ')}` : ''}`;
  const buttons = withActions ? approvalButtons(block) : [];
  const items: CardElement[] = [
    plainText(block.title, { weight: 'Bolder', size: 'Medium' }),
    ...(block.summary.length > 0 ? [factSet(block.summary)] : []),
    plainText(status, { isSubtle: true }),
    // Action.Execute sends the card's inputs with the click: Reject carries this as the reason.
    ...(buttons.length > 0 ? [reasonInput(), actionSet(buttons, messageId)] : []),
  ];
  return { type: 'Container', style: STATUS_STYLE[block.status], items } as IContainer;
}

/** The optional reason people may type before they click Reject (`TaskAction.inputs.reason`). */
function reasonInput(): CardElement {
  return {
    type: 'Input.Text',
    id: APPROVAL_REASON_INPUT,
    placeholder: 'Reason (optional, shown with a rejection)',
    maxLength: 500,
  } as CardElement;
}

const ACTION_STYLE = { primary: 'positive', danger: 'destructive', default: 'default' } as const;

function actionSet(buttons: Button[], messageId: string): CardElement {
  const actions: Action[] = buttons.map((button) => {
    const url = button.url ? safeHref(button.url) : null;
    if (url) return { type: 'Action.OpenUrl', title: button.label, url } as Action;
    return {
      type: 'Action.Execute',
      title: button.label,
      verb: button.id,
      data: { chatops: { messageId, ...(button.value === undefined ? {} : { value: button.value }) } },
      style: ACTION_STYLE[button.style],
    } as Action;
  });
  return { type: 'ActionSet', actions } as CardElement;
}
