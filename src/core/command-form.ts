import { type ArgumentProblem, checkCommandArguments } from './command-arguments.ts';
import { type Button, REPLY_VERSION, type Reply, type ReplyBlock } from './reply.ts';
import type { CommandSpec } from './skill.ts';

/**
 * Forms generated from a command's declared arguments, the same on every platform: a command run bare
 * (no words, no `key=value`s) that has required arguments is answered with a form instead of a usage
 * error. Slack opens it as a modal; Teams (an Adaptive Card) and the web chat (an HTML form) show it as
 * the `form` block of a reply. Whatever comes back is read and checked here, so every platform accepts
 * and refuses the same values, with the same words.
 */
export type FormBlock = Extract<ReplyBlock, { type: 'form' }>;

/** The click a form's submit button sends (Teams); its value is the command. */
export const FORM_SUBMIT_ACTION = 'chatops.form-submit';
/** Input ids are the argument names behind this prefix, apart from the click's own data. */
export const FORM_FIELD_PREFIX = 'arg.';

/**
 * Platforms whose replies show the `form` block: the worker answers a bare command there with it. Slack
 * shows it as a button that opens the form as a modal (a bare slash command opens the modal at once).
 */
const FORM_PLATFORMS: ReadonlySet<string> = new Set(['teams', 'api', 'slack']);

export function needsForm(spec: CommandSpec, text: string, args: Readonly<Record<string, string>> = {}) {
  return (
    text.trim() === '' &&
    Object.keys(args).length === 0 &&
    (spec.arguments ?? []).some((argument) => argument.required)
  );
}

export function showsForms(platform: string): boolean {
  return FORM_PLATFORMS.has(platform);
}

/** The form block of a command, optionally with what was filled in and each field's problem. */
export function commandFormBlock(
  spec: CommandSpec,
  filled: { values?: Readonly<Record<string, string>>; problems?: readonly ArgumentProblem[] } = {},
): FormBlock {
  const problems = new Map((filled.problems ?? []).map((entry) => [entry.argument, entry.problem]));
  return {
    type: 'form',
    command: spec.name,
    title: `/${spec.name}: ${spec.description}`.slice(0, 3000),
    fields: (spec.arguments ?? []).slice(0, 25).map((argument) => {
      const value = filled.values?.[argument.name];
      const problem = problems.get(argument.name);
      return {
        ...argument,
        ...(value === undefined ? {} : { value: value.slice(0, 2000) }),
        ...(problem === undefined ? {} : { problem: problem.slice(0, 300) }),
      };
    }),
    submitLabel: 'Run',
  };
}

/** The reply to a bare command: the form, and in its text what the command needs (for notifications). */
export function commandFormReply(spec: CommandSpec): Reply {
  const required = (spec.arguments ?? []).filter((argument) => argument.required);
  const text = `/${spec.name} needs ${required.map((argument) => argument.name).join(', ')}: fill in the form, or type \`${spec.usage}\`.`;
  return {
    v: REPLY_VERSION,
    text,
    blocks: [commandFormBlock(spec)],
    visibility: 'channel',
    feedback: false,
  };
}

/**
 * A submission read and checked: the non-empty text values of the fields (`arg.<name>`), trimmed, as
 * `key=value` arguments, and every problem by field. Values other than text are ignored.
 */
export function readFormSubmission(
  spec: CommandSpec,
  inputs: Readonly<Record<string, unknown>>,
): { args: Record<string, string>; problems: ArgumentProblem[] } {
  const args: Record<string, string> = {};
  for (const [key, value] of Object.entries(inputs)) {
    if (!key.startsWith(FORM_FIELD_PREFIX) || typeof value !== 'string' || value.trim() === '') continue;
    args[key.slice(FORM_FIELD_PREFIX.length)] = value.trim();
  }
  return { args, problems: checkCommandArguments(spec.arguments, args) };
}

/** The command as typed: `/deploy-cluster name=demo env=dev` (values with spaces or quotes quoted). */
export function commandLine(command: string, args: Readonly<Record<string, string>>): string {
  const parts = Object.entries(args).map(([key, value]) =>
    /^[^\s"']*$/.test(value) ? `${key}=${value}` : `${key}="${value.replace(/["\\]/g, '\\$&')}"`,
  );
  return [`/${command}`, ...parts].join(' ');
}

/** A form's button: its submit, or on Slack the one that opens it as a modal. The value is the command. */
export function formButton(block: FormBlock): Button {
  return { id: FORM_SUBMIT_ACTION, label: block.submitLabel, value: block.command, style: 'primary' };
}

/** The buttons of a reply's forms: what a click on a form may name. */
export function formButtons(reply: Reply): Button[] {
  return reply.blocks.flatMap((block): Button[] => (block.type === 'form' ? [formButton(block)] : []));
}

/** The reply with its form (of the same command) replaced: shown again with values and problems. */
export function replaceForm(reply: Reply, form: FormBlock): Reply {
  return {
    ...reply,
    blocks: reply.blocks.map((block) =>
      block.type === 'form' && block.command === form.command ? form : block,
    ),
  };
}
