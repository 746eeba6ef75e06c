import type { KnownBlock, View } from '@slack/types';
import { type CommandArgument, type CommandSpec, FORM_FIELD_PREFIX } from '../../src/core/index.ts';

/**
 * A command run without its arguments opens a form (a Slack modal) generated from the arguments its skill
 * declares: a menu for arguments with choices, a text field otherwise. The submission is checked against
 * the same declaration as typed arguments (core's readFormSubmission, as on Teams and the web chat), and
 * problems are shown next to the field at fault.
 */
export const FORM_CALLBACK_ID = 'chatops.command-form';
const FIELD_PREFIX = FORM_FIELD_PREFIX;

export interface FormContext {
  command: string;
  channel: string;
  /** The thread of the message whose button opened the form (ours, and Slack's ts); its answer goes there. */
  thread?: string;
  threadTs?: string;
}

export function commandForm(spec: CommandSpec, context: FormContext): View {
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'plain_text', text: spec.description.slice(0, 3000), emoji: true } },
    ...(spec.arguments ?? []).map((argument) => inputOf(argument)),
  ];
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK_ID,
    private_metadata: JSON.stringify(context),
    title: { type: 'plain_text', text: `/${spec.name}`.slice(0, 24) },
    submit: { type: 'plain_text', text: 'Run' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

function inputOf(argument: CommandArgument): KnownBlock {
  const label = { type: 'plain_text' as const, text: argument.name.slice(0, 2000) };
  const hint = { type: 'plain_text' as const, text: argument.description.slice(0, 2000) };
  const element = argument.choices
    ? {
        type: 'static_select' as const,
        action_id: 'value',
        options: argument.choices.slice(0, 100).map((choice) => ({
          text: { type: 'plain_text' as const, text: choice.slice(0, 75) },
          value: choice.slice(0, 150),
        })),
      }
    : { type: 'plain_text_input' as const, action_id: 'value', max_length: 2000 };
  return {
    type: 'input',
    block_id: `${FIELD_PREFIX}${argument.name}`,
    optional: !argument.required,
    label,
    hint,
    element,
  };
}

export function formContextOf(privateMetadata: string | undefined): FormContext | null {
  try {
    const parsed = JSON.parse(privateMetadata ?? '') as Partial<FormContext>;
    if (typeof parsed.command !== 'string' || typeof parsed.channel !== 'string') return null;
    return {
      command: parsed.command,
      channel: parsed.channel,
      ...(typeof parsed.thread === 'string' ? { thread: parsed.thread } : {}),
      ...(typeof parsed.threadTs === 'string' ? { threadTs: parsed.threadTs } : {}),
    };
  } catch {
    return null;
  }
}

/** The submitted values by field (`arg.<name>`), for core's readFormSubmission. */
export function formInputs(values: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [blockId, actions] of Object.entries(values)) {
    if (!blockId.startsWith(FIELD_PREFIX)) continue;
    const state = actions.value as
      | { value?: unknown; selected_option?: { value?: unknown } | null }
      | undefined;
    inputs[blockId] = state?.selected_option?.value ?? state?.value;
  }
  return inputs;
}

/** Problems as Slack's `response_action: errors` map: each next to its field. */
export function formErrors(
  problems: readonly { argument: string; problem: string }[],
): Record<string, string> {
  return Object.fromEntries(
    problems.map((entry) => [
      `${FIELD_PREFIX}${entry.argument}`,
      `${entry.argument} ${entry.problem}`.slice(0, 150),
    ]),
  );
}
