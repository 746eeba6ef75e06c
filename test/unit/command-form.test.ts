import { describe, expect, it } from 'vitest';
import { renderReply } from '../../adapters/slack/render.ts';
import { renderCard } from '../../adapters/teams/render.ts';
import { renderReplyHtml } from '../../adapters/web/render.ts';
import {
  type CommandSpec,
  commandFormBlock,
  commandFormReply,
  commandLine,
  needsForm,
  parseCommandText,
  ReplySchema,
  readFormSubmission,
  replaceForm,
} from '../../src/core/index.ts';
import { validateJsonSchema } from '../support/contract/index.ts';

// One form logic for every platform (src/core/command-form.ts), rendered by each adapter: Teams as an
// Adaptive Card checked against the vendored 1.5 schema, the web chat as escaped HTML, Slack as text.
const SPEC: CommandSpec = {
  name: 'launch',
  description: 'Launch a <b>thing</b>.',
  usage: '/launch name=<n> env=<dev|prod> [note=…]',
  examples: [],
  arguments: [
    { name: 'name', description: 'A name: lower-case <letters>.', required: true, pattern: '[a-z]{2,9}' },
    { name: 'env', description: 'Where.', required: true, choices: ['dev', 'prod'] },
    { name: 'note', description: 'Free text.', required: false },
  ],
};
const MESSAGE_ID = '01900000-0000-7000-8000-0000000000ff';

// biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary card JSON
type Json = any;
const allOf = (card: Json, type: string): Json[] => {
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
};

describe('command forms', () => {
  it('are needed only for a bare command with required arguments', () => {
    expect(needsForm(SPEC, '')).toBe(true);
    expect(needsForm(SPEC, '  ', { env: 'dev' })).toBe(false);
    expect(needsForm(SPEC, 'status')).toBe(false);
    const optionalOnly = { ...SPEC, arguments: SPEC.arguments?.filter((argument) => !argument.required) };
    expect(needsForm(optionalOnly, '')).toBe(false);
  });

  it('read a submission like typed arguments: trimmed, empty left out, each problem by field', () => {
    expect(
      readFormSubmission(SPEC, { 'arg.name': ' demo ', 'arg.env': 'prod', 'arg.note': '', x: 'y' }),
    ).toEqual({
      args: { name: 'demo', env: 'prod' },
      problems: [],
    });
    expect(
      readFormSubmission(SPEC, { 'arg.name': 'Demo!', 'arg.env': 'moon', 'arg.typo': 'z' }).problems,
    ).toEqual([
      { argument: 'typo', problem: 'is not an argument of this command (it takes: name, env, note)' },
      { argument: 'name', problem: 'must match [a-z]{2,9}' },
      { argument: 'env', problem: 'must be one of dev, prod' },
    ]);
  });

  it('turn into the command as typed, which parses back to the same arguments', () => {
    const args = { name: 'demo', note: 'say "hi" to all' };
    const line = commandLine('launch', args);
    expect(line).toBe('/launch name=demo note="say \\"hi\\" to all"');
    expect(parseCommandText(line)).toEqual({ command: 'launch', args, text: '' });
  });

  it('render on Teams as a valid Adaptive Card: choices, text with regex, problems under fields, one submit', () => {
    const reply = ReplySchema.parse(commandFormReply(SPEC));
    const card = renderCard(reply, MESSAGE_ID);
    expect(validateJsonSchema('adaptive-card-1.5', card)).toEqual([]);
    expect(allOf(card, 'Input.ChoiceSet')[0]).toMatchObject({
      id: 'arg.env',
      isRequired: true,
      choices: [
        { title: 'dev', value: 'dev' },
        { title: 'prod', value: 'prod' },
      ],
    });
    expect(allOf(card, 'Input.Text').map((input) => [input.id, input.regex])).toEqual([
      ['arg.name', '^(?:[a-z]{2,9})$'],
      ['arg.note', undefined],
    ]);
    expect(allOf(card, 'Action.Execute')).toEqual([
      expect.objectContaining({
        verb: 'chatops.form-submit',
        data: { chatops: { messageId: MESSAGE_ID, value: 'launch' } },
      }),
    ]);
    const checked = readFormSubmission(SPEC, { 'arg.name': 'X', 'arg.note': 'n' });
    const again = replaceForm(
      reply,
      commandFormBlock(SPEC, { values: checked.args, problems: checked.problems }),
    );
    const shown = renderCard(again, MESSAGE_ID);
    expect(validateJsonSchema('adaptive-card-1.5', shown)).toEqual([]);
    expect(
      allOf(shown, 'TextRun')
        .map((run) => run.text)
        .filter((text) => text.startsWith('⚠️')),
    ).toEqual(['⚠️ name must match [a-z]{2,9}', '⚠️ env is required']);
    expect(allOf(shown, 'Input.Text')[0].value).toBe('X');
    const done = renderCard(again, MESSAGE_ID, { actions: false, notice: 'Running' });
    expect(validateJsonSchema('adaptive-card-1.5', done)).toEqual([]);
    expect([...allOf(done, 'Input.Text'), ...allOf(done, 'Action.Execute')]).toEqual([]);
    expect(allOf(done, 'FactSet')[0].facts).toEqual([
      { title: 'name', value: 'X' },
      { title: 'note', value: 'n' },
    ]);
  });

  it('render in the web chat as an escaped HTML form with the patterns for the page to check', () => {
    const reply = ReplySchema.parse(commandFormReply(SPEC));
    const html = renderReplyHtml(reply, MESSAGE_ID);
    expect(html).toContain('<form class="block command-form" data-command="launch" novalidate>');
    expect(html).toContain('<strong>/launch: Launch a &lt;b&gt;thing&lt;/b&gt;.</strong>');
    expect(html).toContain(
      '<input type="text" name="name" maxlength="2000" value="" required data-pattern="[a-z]{2,9}">',
    );
    expect(html).toContain(
      '<select name="env" required><option value="">Choose…</option><option value="dev">dev</option>',
    );
    expect(html).toContain('<small>A name: lower-case &lt;letters&gt;.</small>');
    expect(html).not.toContain('<b>');
    const again = replaceForm(
      reply,
      commandFormBlock(SPEC, {
        values: { env: 'prod' },
        problems: [{ argument: 'name', problem: 'is required' }],
      }),
    );
    const shown = renderReplyHtml(again, MESSAGE_ID);
    expect(shown).toContain('<option value="prod" selected>prod</option>');
    expect(shown).toContain('<span class="field-problem">is required</span>');
  });

  it('show on Slack (which opens them as modals) as the fields in words', () => {
    const blocks = JSON.stringify(renderReply(ReplySchema.parse(commandFormReply(SPEC)), MESSAGE_ID));
    expect(blocks).toContain('• `name`: A name: lower-case &lt;letters&gt;.');
    expect(blocks).toContain('• `note` (optional): Free text.');
  });
});
