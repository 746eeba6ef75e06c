import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, markdownToMrkdwn, safeLink } from '../../adapters/slack/mrkdwn.ts';
import {
  buttonIdOfAction,
  MAX_BLOCKS,
  MESSAGE_TEXT_LIMIT,
  messageIdOfBlock,
  renderReply,
  SECTION_LIMIT,
} from '../../adapters/slack/render.ts';
import { splitMrkdwn } from '../../adapters/slack/split-text.ts';
import { REPLY_VERSION, ReplySchema } from '../../src/core/index.ts';
import { HOSTILE_TEXT, REPLY_FIXTURES } from '../fixtures/replies.ts';

const MESSAGE_ID = '01900000-0000-7000-8000-0000000000aa';

// biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary Block Kit JSON
type Json = any;

function textsOf(value: Json): string[] {
  const found: string[] = [];
  const walk = (node: Json) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      if (node.type === 'mrkdwn' && typeof node.text === 'string') found.push(node.text);
      Object.values(node).forEach(walk);
    }
  };
  walk(value);
  return found;
}

describe('Slack renderer: Reply → Block Kit (pure)', () => {
  it('is deterministic, and renders a rich reply as this snapshot', () => {
    const rendered = renderReply(REPLY_FIXTURES.markdown as never, MESSAGE_ID);
    expect(renderReply(REPLY_FIXTURES.markdown as never, MESSAGE_ID)).toEqual(rendered);
    expect(rendered).toMatchSnapshot();
  });

  it('shows mentions, broadcasts and spoofed links literally, and every link with its real host', () => {
    for (const hostile of ['<!channel>', '<!here>', '<@U0ALICE0001>', '<https://evil.example|Jira>']) {
      expect(markdownToMrkdwn(hostile)).not.toContain('<');
      expect(escapeMrkdwn(hostile)).toBe(hostile.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    }
    const rendered = renderReply(REPLY_FIXTURES.hostile as never, MESSAGE_ID);
    const texts = [...textsOf(rendered), ...rendered.messages.map((message) => message.text)];
    for (const text of texts) {
      // The only `<…>` markup left is links we wrote, each showing its host.
      for (const markup of text.match(/<[^>]*>/g) ?? [])
        expect(markup).toMatch(/^<https?:\/\/[^|>]+(\|[^>]*\([^)]+\))?>$/);
    }
    expect(texts.join('\n')).toContain('<https://evil.example/login|Jira (evil.example)>');
    expect(texts.join('\n')).toContain('&lt;!channel&gt;');
    expect(safeLink('javascript:alert(1)', 'x')).toBe('x (javascript:alert(1))');
    expect(HOSTILE_TEXT).toContain('<!channel>');
  });

  it('splits long text into sections of at most 3,000 characters, losing nothing', () => {
    const paragraph = `${'word & <b> '.repeat(40)}\n`;
    const text = paragraph.repeat(60);
    const reply = ReplySchema.parse({ v: REPLY_VERSION, text: 'long', blocks: [{ type: 'markdown', text }] });
    const rendered = renderReply(reply, MESSAGE_ID);
    const sections = rendered.messages
      .flatMap((message) => message.blocks)
      .filter((block) => block.type === 'section');
    expect(sections.length).toBeGreaterThan(1);
    const texts = sections.map((block: Json) => block.text.text as string);
    for (const piece of texts) expect(piece.length).toBeLessThanOrEqual(SECTION_LIMIT);
    expect(texts.join('\n').replace(/\s+/g, ' ').trim()).toBe(
      markdownToMrkdwn(text).replace(/\s+/g, ' ').trim(),
    );
  });

  it('keeps a message within 50 blocks and 40,000 characters by splitting it into several', () => {
    const blocks = Array.from({ length: 120 }, (_value, index) => ({
      type: 'markdown' as const,
      text: `${index} ${'x'.repeat(900)}`,
    }));
    const rendered = renderReply(
      ReplySchema.parse({ v: REPLY_VERSION, text: 'many', blocks, feedback: true }),
      MESSAGE_ID,
    );
    expect(rendered.messages.length).toBeGreaterThanOrEqual(3);
    for (const message of rendered.messages) {
      expect(message.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
      expect(textsOf(message).join('').length).toBeLessThanOrEqual(MESSAGE_TEXT_LIMIT);
      expect(message.text.length).toBeLessThanOrEqual(MESSAGE_TEXT_LIMIT);
    }
    const all = rendered.messages.flatMap((message) => textsOf(message)).join('\n');
    for (let index = 0; index < 120; index += 1) expect(all).toContain(`${index} x`);
    // The feedback buttons come last, on the last message.
    const last = rendered.messages.at(-1)?.blocks.at(-1) as Json;
    expect(last.elements.map((element: Json) => element.action_id)).toEqual(['feedback.up', 'feedback.down']);
  });

  it('never cuts inside an entity or a link, and reopens a code block it splits', () => {
    const line = `${'&amp;'.repeat(700)} <https://example.com|a link (example.com)> ${'&lt;'.repeat(300)}`;
    for (const piece of splitMrkdwn(line, 1000)) {
      expect(piece.length).toBeLessThanOrEqual(1000);
      expect(piece).not.toMatch(/&[a-z]{0,3}$/);
      expect((piece.match(/</g) ?? []).length).toBe((piece.match(/>/g) ?? []).length);
    }
    const code = [
      '```',
      ...Array.from({ length: 200 }, (_v, i) => `line ${i} ${'y'.repeat(20)}`),
      '```',
    ].join('\n');
    const pieces = splitMrkdwn(code, 1000);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect((piece.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it('renders approvals: buttons while pending, who decided and when once decided', () => {
    const pending = renderReply(REPLY_FIXTURES.approvalPending as never, MESSAGE_ID).messages[0]
      ?.blocks as Json[];
    const actions = pending.find((block) => block.type === 'actions');
    expect(actions.elements.map((element: Json) => [element.action_id, element.style])).toEqual([
      ['approval.approve', 'primary'],
      ['approval.reject', 'danger'],
    ]);
    expect(messageIdOfBlock(actions.block_id)).toBe(MESSAGE_ID);
    const approved = renderReply(REPLY_FIXTURES.approvalApproved as never, MESSAGE_ID).messages[0]
      ?.blocks as Json[];
    expect(approved.some((block) => block.type === 'actions')).toBe(false);
    expect(textsOf(approved).join('\n')).toMatch(
      /✅ Approved by .+ <!date\^\d+\^\{date_short_pretty\} at \{time\}\|2026-/,
    );
  });

  it('gives repeated button ids unique action ids, and maps them back', () => {
    const reply = ReplySchema.parse({
      v: REPLY_VERSION,
      text: 'pick',
      blocks: [
        {
          type: 'buttons',
          buttons: [
            { id: 'pick', label: 'A', value: 'a' },
            { id: 'pick', label: 'B', value: 'b' },
          ],
        },
      ],
    });
    const actions = renderReply(reply, MESSAGE_ID).messages[0]?.blocks[0] as Json;
    const ids = actions.elements.map((element: Json) => element.action_id);
    expect(ids).toEqual(['pick', 'pick~2']);
    expect(ids.map(buttonIdOfAction)).toEqual(['pick', 'pick']);
  });

  it('renders every fixture within Block Kit limits, and generated files as uploads', () => {
    for (const [name, reply] of Object.entries(REPLY_FIXTURES)) {
      const rendered = renderReply(reply, MESSAGE_ID);
      for (const message of rendered.messages) {
        expect(message.blocks.length, name).toBeLessThanOrEqual(MAX_BLOCKS);
        for (const block of message.blocks as Json[]) {
          if (block.type === 'section' && block.text)
            expect(block.text.text.length, name).toBeLessThanOrEqual(3000);
          if (block.type === 'section' && block.fields) expect(block.fields.length).toBeLessThanOrEqual(10);
          if (block.type === 'actions') expect(block.elements.length).toBeLessThanOrEqual(25);
          if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(10);
        }
      }
    }
    expect(renderReply(REPLY_FIXTURES.media as never, MESSAGE_ID).uploads).toEqual([
      { name: 'generated.bin', mimeType: 'application/octet-stream', contentBase64: 'AAEC' },
    ]);
  });
});
