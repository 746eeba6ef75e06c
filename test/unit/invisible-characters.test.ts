import { describe, expect, it } from 'vitest';
import { renderReply as renderSlack } from '../../adapters/slack/render.ts';
import { renderCard } from '../../adapters/teams/render.ts';
import { renderReplyHtml, renderUserText } from '../../adapters/web/render.ts';
import { approvalCard } from '../../src/agent/approvals/card.ts';
import {
  hasInvisible,
  markdownReply,
  revealInvisible,
  revealInvisibleInReply,
  stableHash,
} from '../../src/core/index.ts';
import type { ApprovalRow } from '../../src/db/approval-store.ts';

// Bidi controls and invisible characters are shown as `⟨U+XXXX⟩` in everything a reader sees (issue 14,
// finding 9): `report‮txt.exe` must never read as `reportexe.txt` on an approval card.
const RLO = '\u202E';
const SPOOFED = `report${RLO}txt.exe`;
const SHOWN = 'report⟨U+202E⟩txt.exe';

const REVEALED: [string, string][] = [
  ['U+202A left-to-right embedding', '\u202A'],
  ['U+202B right-to-left embedding', '\u202B'],
  ['U+202C pop directional formatting', '\u202C'],
  ['U+202D left-to-right override', '\u202D'],
  ['U+202E right-to-left override', '\u202E'],
  ['U+2066 left-to-right isolate', '\u2066'],
  ['U+2067 right-to-left isolate', '\u2067'],
  ['U+2068 first strong isolate', '\u2068'],
  ['U+2069 pop directional isolate', '\u2069'],
  ['U+200E left-to-right mark', '\u200E'],
  ['U+200F right-to-left mark', '\u200F'],
  ['U+061C Arabic letter mark', '\u061C'],
  ['U+200B zero-width space', '\u200B'],
  ['U+200C zero-width non-joiner', '\u200C'],
  ['U+200D zero-width joiner', '\u200D'],
  ['U+2060 word joiner', '\u2060'],
  ['U+FEFF zero-width no-break space', '\uFEFF'],
  ['U+00AD soft hyphen', '\u00AD'],
  ['U+2062 invisible times', '\u2062'],
  ['U+180E Mongolian vowel separator', '\u180E'],
  ['U+3164 Hangul filler', '\u3164'],
  ['U+E0041 tag latin capital A (ASCII smuggling)', '\u{E0041}'],
  ['U+E0100 variation selector 17 (after a Latin letter)', '\u{E0100}'],
];

describe('revealInvisible', () => {
  it.each(REVEALED)('shows %s between Latin letters', (_name, character) => {
    const codePoint = (character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    expect(revealInvisible(`ab${character}cd`)).toBe(`ab⟨U+${codePoint}⟩cd`);
    expect(hasInvisible(`ab${character}cd`)).toBe(true);
  });

  it('shows the right-to-left override of a spoofed file name, and is idempotent', () => {
    expect(revealInvisible(SPOOFED)).toBe(SHOWN);
    expect(revealInvisible(revealInvisible(SPOOFED))).toBe(SHOWN);
  });

  it('keeps what real writing needs: emoji sequences, joiners of Persian and Hindi, flags, emoji presentation', () => {
    for (const text of [
      'plain text, nothing hidden',
      'deploy ✅ done ⚠️ careful',
      'family 👨‍👩‍👧 and a coder 👩🏽‍💻',
      'می‌خواهم', // Persian: ZWNJ between Arabic-script letters
      'क्‍ष', // Devanagari: ZWJ after a virama
      'Scotland 🏴󠁧󠁢󠁳󠁣󠁴󠁿',
      '葛󠄀 (an ideographic variant)',
    ]) {
      expect(revealInvisible(text)).toBe(text);
    }
  });

  it('shows tag characters outside a flag, and a joiner between emoji and letters', () => {
    expect(revealInvisible('hi\u{E0069}\u{E0067}')).toBe('hi⟨U+E0069⟩⟨U+E0067⟩');
    expect(revealInvisible('👍\u200Dok')).toBe('👍⟨U+200D⟩ok');
  });

  it('reveals every string a reader sees in a reply, and leaves ids, values and links alone', () => {
    const reply = revealInvisibleInReply(
      markdownReply(`read ${SPOOFED}`, [
        { type: 'fields', fields: [{ label: `f${RLO}`, value: SPOOFED }] },
        { type: 'table', columns: [`c${RLO}`], rows: [[SPOOFED]] },
        { type: 'file', name: SPOOFED, mimeType: 'text/plain', url: 'https://files.example/a' },
        { type: 'image', url: 'https://files.example/i.png', alt: SPOOFED, title: SPOOFED },
        {
          type: 'buttons',
          buttons: [{ id: 'b.one', label: `Open ${RLO}`, value: `v${RLO}`, style: 'default' }],
        },
        { type: 'progress', step: SPOOFED },
        { type: 'context', text: SPOOFED },
      ]),
    );
    const json = JSON.stringify(reply);
    expect(json).toContain(SHOWN);
    const button = reply.blocks.find((block) => block.type === 'buttons');
    expect(button?.type === 'buttons' && button.buttons[0]).toMatchObject({
      id: 'b.one',
      label: 'Open ⟨U+202E⟩',
      value: `v${RLO}`,
    });
    expect(json.replace(`v${RLO}`, '')).not.toContain(RLO);
  });
});

function spoofedApproval(): ApprovalRow {
  const args = { path: `/srv/share/${SPOOFED}`, content: 'hello' };
  return {
    id: '01a23000-0000-7000-8000-000000000001',
    tenantId: 'default',
    platform: 'api',
    channel: 'ops',
    thread: 'thread-1',
    replyTo: { platform: 'api', tenantId: 'default', channel: 'ops', thread: 'thread-1' },
    messageId: '01a23000-0000-7000-8000-0000000000aa',
    requestTaskId: '01a23000-0000-7000-8000-0000000000bb',
    requestedBy: 'api:alice',
    requestedByName: `alice${RLO}`,
    action: { kind: 'tool', name: 'filesystem__write_file', args, executor: 'run' },
    argsHash: stableHash(args),
    title: `Run filesystem__write_file on ${SPOOFED}`,
    summary: [],
    environment: null,
    policy: {
      rule: 'default',
      approvers: { roles: ['approver'], users: [] },
      required: 1,
      requesterMayApprove: false,
      expiresInMinutes: 30,
      cancel: { requester: true, approvers: true, roles: [] },
    },
    requiredApprovals: 1,
    approvalsGiven: 0,
    deciders: [],
    status: 'pending',
    expiresAt: new Date('2026-12-02T15:00:00Z'),
    decidedAt: null,
    cancelledBy: null,
    cancelReason: null,
    continuationTaskId: null,
    executionStatus: null,
    executionAttempt: null,
    executedAt: null,
    createdAt: new Date('2026-12-02T14:30:00Z'),
  };
}

describe('an approval card whose arguments hold a right-to-left override', () => {
  const card = approvalCard(spoofedApproval(), []);

  it('carries the raw arguments in the Reply (the renderers reveal them)', () => {
    expect(JSON.stringify(card)).toContain(SPOOFED);
  });

  it('shows it neutralised in Slack Block Kit, buttons still carrying the approval id', () => {
    const { messages } = renderSlack(card, 'message-1');
    const json = JSON.stringify(messages);
    expect(json).not.toContain(RLO);
    expect(json).toContain(`/srv/share/${SHOWN}`);
    expect(messages[0]?.text).toContain(SHOWN);
    const fields = messages[0]?.blocks.find((block) => block.type === 'section' && 'fields' in block);
    expect(JSON.stringify(fields)).toContain(
      `*Arguments*\\n{\\"content\\":\\"hello\\",\\"path\\":\\"/srv/share/${SHOWN}\\"}`,
    );
    expect(json).toContain('"value":"01a23000-0000-7000-8000-000000000001"');
  });

  it('shows it neutralised in the Teams Adaptive Card', () => {
    const rendered = renderCard(card, 'message-1');
    const json = JSON.stringify(rendered);
    expect(json).not.toContain(RLO);
    const container = rendered.body[0] as {
      items: { type: string; facts?: { title: string; value: string }[] }[];
    };
    const facts = container.items.find((item) => item.type === 'FactSet')?.facts ?? [];
    expect(facts.find((fact) => fact.title === 'Arguments')?.value).toContain(SHOWN);
    expect(facts.find((fact) => fact.title === 'Requested by')?.value).toBe('alice⟨U+202E⟩');
    expect(JSON.stringify(rendered.body[0])).toContain(`on ${SHOWN}`);
  });

  it('shows it neutralised in the web chat HTML', () => {
    const html = renderReplyHtml(card, 'message-1');
    expect(html).not.toContain(RLO);
    expect(html).toContain(
      `<dt>Arguments</dt><dd>{&quot;content&quot;:&quot;hello&quot;,&quot;path&quot;:&quot;/srv/share/${SHOWN}&quot;}</dd>`,
    );
    expect(html).toContain('data-value="01a23000-0000-7000-8000-000000000001"');
    expect(renderUserText(`see ${SPOOFED}`)).toBe(`<div class="user-text">see ${SHOWN}</div>`);
  });
});
