import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../adapters/teams/card-text.ts';
import { MAX_CARD_CHARACTERS, renderCard, renderMessageActivity } from '../../adapters/teams/render.ts';
import { HOSTILE_TEXT, REPLY_FIXTURES } from '../fixtures/replies.ts';
import { validateJsonSchema } from '../support/contract/index.ts';

const MESSAGE_ID = '01900000-0000-7000-8000-0000000000aa';

// biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary card JSON
type Json = any;

function allOf(card: Json, type: string): Json[] {
  const found: Json[] = [];
  const walk = (value: Json) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      if (value.type === type) found.push(value);
      Object.values(value).forEach(walk);
    }
  };
  walk(card);
  return found;
}

describe('Teams renderer: Reply → Adaptive Card 1.5 (pure)', () => {
  it('emits cards that validate against the Adaptive Cards 1.5 schema, for every fixture and option', () => {
    for (const [name, reply] of Object.entries(REPLY_FIXTURES)) {
      for (const options of [{}, { actions: false, notice: 'Approve received from Alice' }]) {
        const problems = validateJsonSchema('adaptive-card-1.5', renderCard(reply, MESSAGE_ID, options));
        expect(problems, name).toEqual([]);
      }
    }
  });

  it('is deterministic, and renders a rich reply as this snapshot', () => {
    const card = renderCard(REPLY_FIXTURES.markdown as never, MESSAGE_ID);
    expect(renderCard(REPLY_FIXTURES.markdown as never, MESSAGE_ID)).toEqual(card);
    expect(card).toMatchSnapshot();
  });

  it('never lets user or model text become markup: markdown parsed into literal text runs', () => {
    const card = renderCard(REPLY_FIXTURES.hostile as never, MESSAGE_ID) as Json;
    expect(allOf(card, 'TextBlock')).toEqual([]);
    const runs = allOf(card, 'TextRun');
    const spoof = runs.find((run) => run.text === 'Jira');
    expect(spoof.selectAction).toEqual({ type: 'Action.OpenUrl', url: 'https://evil.example/login' });
    expect(runs[runs.indexOf(spoof) + 1].text).toBe(' (evil.example)');
    const literal = runs.map((run) => run.text).join('');
    expect(literal).toContain('<at>everyone</at> <script>alert(1)</script> <!channel> {{DATE(');
    // Facts only take markdown: everything that could start markup is escaped there.
    const fact = allOf(card, 'FactSet')[0].facts[0];
    expect(fact.title).toBe('\\[label\\]\\(https://evil.example\\)');
    expect(fact.value).not.toMatch(/(?<!\\)[[\]()*_<>{}]/);
    // Button titles are plain text (Teams does not render markdown in them).
    expect(allOf(card, 'Action.Execute').find((action) => action.verb === 'x.y').title).toBe(
      '[Approve](https://evil.example)',
    );
  });

  it('escapes markdown-only text completely', () => {
    expect(escapeMarkdown('**x** _y_ [a](http://e) `c` <at>z</at> {{DATE()}}')).toBe(
      '\\*\\*x\\*\\* \\_y\\_ \\[a\\]\\(http://e\\) \\`c\\` \\<at\\>z\\<\\/at\\> \\{\\{DATE\\(\\)\\}\\}'.replace(
        '\\/',
        '/',
      ),
    );
    expect(escapeMarkdown('- item\n1. first\n# head')).toBe('\\- item\n1\\. first\n\\# head');
    expect(HOSTILE_TEXT).toContain('evil');
  });

  it('renders buttons as Action.Execute carrying our message id, links as Action.OpenUrl, feedback below', () => {
    const card = renderCard(REPLY_FIXTURES.buttons as never, MESSAGE_ID) as Json;
    const executes = allOf(card, 'Action.Execute');
    expect(executes.map((action) => [action.verb, action.title, action.style, action.data])).toEqual([
      ['status.refresh', 'Refresh', 'positive', { chatops: { messageId: MESSAGE_ID } }],
      ['status.details', 'Details', 'default', { chatops: { messageId: MESSAGE_ID, value: 'payments' } }],
      ['feedback.up', '👍', 'default', { chatops: { messageId: MESSAGE_ID, value: MESSAGE_ID } }],
      ['feedback.down', '👎', 'default', { chatops: { messageId: MESSAGE_ID, value: MESSAGE_ID } }],
    ]);
    expect(allOf(card, 'Action.OpenUrl').map((action) => action.url)).toContain('https://docs.example.com/');
  });

  it('renders approval cards: Approve/Reject while pending, the decision and no buttons afterwards', () => {
    const pending = renderCard(REPLY_FIXTURES.approvalPending as never, MESSAGE_ID) as Json;
    expect(allOf(pending, 'Container')[0].style).toBe('emphasis');
    expect(
      allOf(pending, 'Action.Execute').map((action) => [action.verb, action.data.chatops.value]),
    ).toEqual([
      ['approval.approve', 'appr-0001'],
      ['approval.reject', 'appr-0001'],
    ]);
    // The optional reason a Reject click carries (Action.Execute sends the card's inputs).
    expect(allOf(pending, 'Input.Text').map((input) => input.id)).toEqual(['reason']);
    const approved = renderCard(REPLY_FIXTURES.approvalApproved as never, MESSAGE_ID) as Json;
    expect(allOf(approved, 'Action.Execute')).toEqual([]);
    expect(allOf(approved, 'Input.Text')).toEqual([]);
    const rejected = renderCard(
      {
        ...REPLY_FIXTURES.approvalApproved,
        blocks: [
          {
            ...REPLY_FIXTURES.approvalApproved?.blocks[0],
            status: 'rejected',
            decisions: [
              { by: 'Bob Example', decision: 'rejected', at: '2026-11-23T10:05:00.000Z', reason: 'freeze' },
            ],
          },
        ],
      } as never,
      MESSAGE_ID,
    );
    expect(validateJsonSchema('adaptive-card-1.5', rejected)).toEqual([]);
    expect(JSON.stringify(rejected)).toContain('rejected by Bob Example (2026-11-23 10:05 UTC): freeze');
    expect(allOf(approved, 'Container')[0].style).toBe('good');
    expect(JSON.stringify(approved)).toContain('approved by Bob Example (2026-11-23 10:05 UTC)');
    const received = renderCard(REPLY_FIXTURES.approvalPending as never, MESSAGE_ID, {
      actions: false,
      notice: 'Approve from Alice received',
    }) as Json;
    expect(allOf(received, 'Action.Execute')).toEqual([]);
    expect(JSON.stringify(received)).toContain('Approve from Alice received');
  });

  it('keeps cards under the Teams size limit: long tables are cut with a note', () => {
    const card = renderCard(REPLY_FIXTURES.large as never, MESSAGE_ID);
    expect(JSON.stringify(card).length).toBeLessThanOrEqual(MAX_CARD_CHARACTERS);
    expect(JSON.stringify(card)).toMatch(/more rows/);
  });

  it('wraps the card in a message activity with a notification summary', () => {
    const activity = renderMessageActivity(REPLY_FIXTURES.plain as never, MESSAGE_ID);
    expect(activity).toMatchObject({
      type: 'message',
      summary: 'Hello',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }],
    });
  });
});
