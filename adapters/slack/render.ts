import type {
  ActionsBlock,
  ContextBlock,
  KnownBlock,
  SectionBlock,
  Button as SlackButton,
} from '@slack/types';
import {
  type Button,
  feedbackButtons,
  formButton,
  type Reply,
  type ReplyBlock,
  revealInvisibleInReply,
} from '../../src/core/index.ts';
import { escapeMrkdwn, markdownToMrkdwn, safeLink } from './mrkdwn.ts';
import { approvalBlocks } from './render-approval.ts';
import { tableText } from './render-table.ts';
import { splitMrkdwn } from './split-text.ts';

/**
 * Reply → Block Kit (pure). Everything from users and the model is escaped (see mrkdwn.ts) and its
 * invisible characters revealed (src/core/visible-text.ts), and Slack's
 * limits are met by splitting, never by cutting: a section holds 3,000 characters, a message 50 blocks and
 * 40,000 characters, so a long answer becomes several sections and, if need be, several messages. Buttons
 * carry our message id in their block id, which is how a click finds the message it came from.
 */
export const SECTION_LIMIT = 3000;
export const MAX_BLOCKS = 50;
export const MESSAGE_TEXT_LIMIT = 40_000;
const FIELD_LIMIT = 2000;
const CONTEXT_LIMIT = 2000;

/** The message id of buttons in direct messages (approval requests), which are not stored messages. */
export const DIRECT_MESSAGE_ID = 'direct';

export interface SlackMessage {
  /** The notification text (and what screen readers and old clients show). */
  text: string;
  blocks: KnownBlock[];
}

/** A generated file (a `file` block with content), sent through Slack's external upload flow. */
export interface SlackUpload {
  name: string;
  mimeType: string;
  contentBase64: string;
}

export interface RenderedReply {
  messages: SlackMessage[];
  uploads: SlackUpload[];
}

const BLOCK_ID = /^chatops\.([A-Za-z0-9-]{1,64})\.\d+$/;

/** Our message id from the block id of a clicked button (null for anything we did not render). */
export function messageIdOfBlock(blockId: string | undefined): string | null {
  return blockId ? (BLOCK_ID.exec(blockId)?.[1] ?? null) : null;
}

/** The button id from an action id (repeated ids in one message get a `~n` suffix, which Slack requires). */
export function buttonIdOfAction(actionId: string): string {
  return actionId.replace(/~\d+$/, '');
}

export function renderReply(original: Reply, messageId: string): RenderedReply {
  // Bidi controls and invisible characters are shown as `⟨U+202E⟩`, so what a reader sees is what it says.
  const reply = revealInvisibleInReply(original);
  const builder = new BlockBuilder(messageId);
  const uploads: SlackUpload[] = [];
  if (reply.blocks.length === 0 && reply.text) builder.markdown(reply.text);
  for (const block of reply.blocks) {
    if (block.type === 'file' && block.contentBase64) {
      uploads.push({ name: block.name, mimeType: block.mimeType, contentBase64: block.contentBase64 });
      continue;
    }
    builder.add(block);
  }
  if (reply.feedback) builder.buttons(feedbackButtons(messageId));
  return { messages: pack(builder.blocks, reply.text), uploads };
}

class BlockBuilder {
  readonly blocks: { block: KnownBlock; weight: number }[] = [];
  readonly #messageId: string;
  readonly #actionIds = new Map<string, number>();
  #actionsCount = 0;

  constructor(messageId: string) {
    this.#messageId = messageId;
  }

  add(block: ReplyBlock): void {
    if (block.type === 'markdown') this.markdown(block.text);
    else if (block.type === 'context') this.context(markdownToMrkdwn(block.text));
    else if (block.type === 'fields') {
      this.fields(block.fields.map((field) => ({ label: field.label, value: escapeMrkdwn(field.value) })));
    } else if (block.type === 'table') {
      for (const piece of splitMrkdwn(tableText(block.columns, block.rows), SECTION_LIMIT))
        this.section(piece);
    } else if (block.type === 'image') this.image(block);
    else if (block.type === 'file') {
      this.section(`📎 ${block.url ? safeLink(block.url, block.name) : escapeMrkdwn(block.name)}`);
    } else if (block.type === 'buttons') this.buttons(block.buttons);
    else if (block.type === 'approval') {
      for (const part of approvalBlocks(block)) {
        if (part.kind === 'section') this.section(part.text);
        else if (part.kind === 'fields') this.fields(part.fields);
        else if (part.kind === 'context') this.context(part.text);
        else this.buttons(part.buttons);
      }
    } else if (block.type === 'progress') {
      const percent = block.percent === undefined ? '' : ` (${Math.round(block.percent)}%)`;
      this.context(`⏳ ${escapeMrkdwn(block.step)}${percent}`);
    } else if (block.type === 'form') {
      // Slack fills command forms in a modal: a message shows the fields and a button that opens it (a
      // modal needs the trigger of a click or a slash command; the receiver opens it on the click).
      const fields = block.fields.map(
        (field) =>
          `• \`${escapeMrkdwn(field.name)}\`${field.required ? '' : ' (optional)'}: ${escapeMrkdwn(field.description)}`,
      );
      this.section(`*${escapeMrkdwn(block.title)}*\n${fields.join('\n')}`);
      this.buttons([{ ...formButton(block), label: 'Fill in the form' }]);
    } else this.blocks.push({ block: { type: 'divider' }, weight: 0 });
  }

  markdown(text: string): void {
    const mrkdwn = markdownToMrkdwn(text);
    if (mrkdwn.trim() === '') return;
    for (const piece of splitMrkdwn(mrkdwn, SECTION_LIMIT)) this.section(piece);
  }

  section(text: string): void {
    // verbatim: Slack must not turn plain words into links or mentions behind our escaping's back.
    const block: SectionBlock = { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
    this.blocks.push({ block, weight: text.length });
  }

  context(text: string): void {
    const elements = splitMrkdwn(text, CONTEXT_LIMIT).map((piece) => ({
      type: 'mrkdwn' as const,
      text: piece,
      verbatim: true,
    }));
    for (let start = 0; start < elements.length; start += 10) {
      const slice = elements.slice(start, start + 10);
      const block: ContextBlock = { type: 'context', elements: slice };
      this.blocks.push({ block, weight: slice.reduce((sum, element) => sum + element.text.length, 0) });
    }
  }

  /** `label` is plain (escaped here); `value` is mrkdwn already. */
  fields(fields: { label: string; value: string }[]): void {
    let batch: { type: 'mrkdwn'; text: string; verbatim: boolean }[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      const block: SectionBlock = { type: 'section', fields: batch };
      this.blocks.push({ block, weight: batch.reduce((sum, field) => sum + field.text.length, 0) });
      batch = [];
    };
    for (const field of fields) {
      const text = `*${escapeMrkdwn(field.label)}*\n${field.value}`;
      if (text.length > FIELD_LIMIT) {
        flush();
        for (const piece of splitMrkdwn(text, SECTION_LIMIT)) this.section(piece);
        continue;
      }
      batch.push({ type: 'mrkdwn', text, verbatim: true });
      if (batch.length === 10) flush();
    }
    flush();
  }

  image(block: Extract<ReplyBlock, { type: 'image' }>): void {
    if (block.url.length > 3000) {
      this.section(safeLink(block.url, block.title ?? block.alt));
      return;
    }
    this.blocks.push({
      block: {
        type: 'image',
        image_url: block.url,
        alt_text: (block.alt || block.title || 'image').slice(0, 2000),
        ...(block.title ? { title: { type: 'plain_text', text: block.title, emoji: true } } : {}),
      },
      weight: block.alt.length,
    });
  }

  buttons(buttons: Button[]): void {
    for (let start = 0; start < buttons.length; start += 25) {
      this.#actionsCount += 1;
      const block: ActionsBlock = {
        type: 'actions',
        block_id: `chatops.${this.#messageId}.${this.#actionsCount}`,
        elements: buttons.slice(start, start + 25).map((button) => this.#button(button)),
      };
      this.blocks.push({ block, weight: 0 });
    }
  }

  #button(button: Button): SlackButton {
    const seen = this.#actionIds.get(button.id) ?? 0;
    this.#actionIds.set(button.id, seen + 1);
    return {
      type: 'button',
      action_id: seen === 0 ? button.id : `${button.id.slice(0, 240)}~${seen + 1}`,
      text: { type: 'plain_text', text: button.label, emoji: true },
      ...(button.value === undefined ? {} : { value: button.value }),
      ...(button.style === 'default' ? {} : { style: button.style }),
      ...(button.url ? { url: button.url } : {}),
    };
  }
}

/** Blocks into messages of at most 50 blocks and 40,000 characters, in order. */
function pack(blocks: { block: KnownBlock; weight: number }[], summary: string): SlackMessage[] {
  const messages: { blocks: KnownBlock[]; texts: string[]; weight: number }[] = [];
  let current: (typeof messages)[number] | null = null;
  for (const { block, weight } of blocks) {
    if (!current || current.blocks.length === MAX_BLOCKS || current.weight + weight > MESSAGE_TEXT_LIMIT) {
      current = { blocks: [], texts: [], weight: 0 };
      messages.push(current);
    }
    current.blocks.push(block);
    current.weight += weight;
    const text = textOf(block);
    if (text) current.texts.push(text);
  }
  const escapedSummary = escapeMrkdwn(summary);
  return messages.map((message, index) => ({
    // The reply's own summary where it fits; otherwise the part's text itself (which always fits).
    text:
      index === 0 && escapedSummary && escapedSummary.length <= MESSAGE_TEXT_LIMIT
        ? escapedSummary
        : message.texts.join('\n').slice(0, MESSAGE_TEXT_LIMIT) || ' ',
    blocks: message.blocks,
  }));
}

function textOf(block: KnownBlock): string {
  if (block.type === 'section') {
    return block.text ? block.text.text : (block.fields ?? []).map((field) => field.text).join('\n');
  }
  if (block.type === 'context') {
    return block.elements.map((element) => ('text' in element ? String(element.text) : '')).join(' ');
  }
  return '';
}
