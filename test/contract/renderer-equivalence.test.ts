import { describe, expect, it } from 'vitest';
import { buttonIdOfAction, renderReply } from '../../adapters/slack/render.ts';
import { renderMessageActivities } from '../../adapters/teams/render.ts';
import { approvalButtons, feedbackButtons, type Reply } from '../../src/core/index.ts';
import { REPLY_FIXTURES } from '../fixtures/replies.ts';
import { validateJsonSchema } from '../support/contract/index.ts';

// The same skill says the same thing in Slack and in Teams: every Reply fixture goes through both renderers,
// and each shows every word of the reply's content and offers the same buttons (same ids, same values).
// Neither cuts a long reply: both split it over several messages (Slack's limits, Teams' card size).

const MESSAGE_ID = '01900000-0000-7000-8000-0000000000aa';

// biome-ignore lint/suspicious/noExplicitAny: walks arbitrary Block Kit and card JSON
type Json = any;

/** The words a person must be able to read, whatever the platform (links and ids are not words). */
function contentWords(reply: Reply): Set<string> {
  const texts: string[] = [];
  for (const block of reply.blocks) {
    if (block.type === 'markdown' || block.type === 'context') texts.push(block.text);
    if (block.type === 'fields') for (const field of block.fields) texts.push(field.label, field.value);
    if (block.type === 'table') texts.push(...block.columns, ...block.rows.flat());
    if (block.type === 'image') texts.push(block.alt, block.title ?? '');
    if (block.type === 'file') texts.push(block.name);
    if (block.type === 'approval')
      texts.push(block.title, ...block.summary.flatMap((line) => [line.label, line.value]));
    if (block.type === 'approval') texts.push(...block.decisions.map((decision) => decision.by));
    if (block.type === 'buttons') texts.push(...block.buttons.map((button) => button.label));
    if (block.type === 'progress') texts.push(block.step);
  }
  const words = texts
    .join(' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .match(/[\p{L}\p{N}]{3,}/gu);
  return new Set(words ?? []);
}

/** Everything a renderer emitted, as readable text: JSON strings with entities and escapes undone. */
function readable(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\\\\/g, '\\')
    .replace(/\\([*_~`>#[\]()!-])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function slackButtons(rendered: Json): string[] {
  const found: string[] = [];
  const walk = (node: Json) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      if (node.type === 'button' && !node.url)
        found.push(`${buttonIdOfAction(node.action_id)}=${node.value ?? ''}`);
      Object.values(node).forEach(walk);
    }
  };
  walk(rendered);
  return found.sort();
}

function teamsButtons(card: Json): string[] {
  const found: string[] = [];
  const walk = (node: Json) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      if (node.type === 'Action.Execute') found.push(`${node.verb}=${node.data?.chatops?.value ?? ''}`);
      Object.values(node).forEach(walk);
    }
  };
  walk(card);
  return found.sort();
}

/** The clickable (non-link) buttons a reply offers, as both renderers must. */
function expectedButtons(reply: Reply): string[] {
  const buttons = reply.blocks.flatMap((block) =>
    block.type === 'buttons' ? block.buttons : block.type === 'approval' ? approvalButtons(block) : [],
  );
  if (reply.feedback) buttons.push(...feedbackButtons(MESSAGE_ID));
  return buttons
    .filter((button) => !button.url)
    .map((button) => `${button.id}=${button.value ?? ''}`)
    .sort();
}

describe('Slack and Teams render the same content', () => {
  for (const [name, reply] of Object.entries(REPLY_FIXTURES)) {
    it(`shows every word and offers the same buttons: ${name}`, () => {
      const slack = renderReply(reply, MESSAGE_ID);
      const teams = renderMessageActivities(reply, MESSAGE_ID).map(
        (activity) => activity.attachments[0]?.content,
      );
      const slackText = readable(slack);
      const teamsText = readable(teams);
      const missing = (text: string) => [...contentWords(reply)].filter((word) => !text.includes(word));
      expect(missing(slackText), 'words missing in Slack').toEqual([]);
      expect(missing(teamsText), 'words missing in Teams').toEqual([]);
      expect(slackButtons(slack)).toEqual(expectedButtons(reply));
      expect(teamsButtons(teams)).toEqual(expectedButtons(reply));
      for (const card of teams) expect(validateJsonSchema('adaptive-card-1.5', card), name).toEqual([]);
      expect(teamsText).not.toContain('more rows');
      expect(teamsText).not.toContain('Shortened');
    });
  }
});
