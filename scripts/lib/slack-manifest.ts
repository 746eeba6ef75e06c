import { type CommandSpec, type SkillManifest, UMBRELLA_COMMAND } from '../../src/core/index.ts';

/**
 * The slash commands of the Slack app manifests (manifests/slack/*.yml), generated from the installed skills:
 * `/chatops` (the umbrella every platform parses) and one command per skill command, in catalog order, with
 * the skill's own description and usage. `npm run manifests` writes them between the `slash-commands` markers;
 * a test fails when the checked-in files differ, so the app never offers a command the bot does not have.
 */
export const SLACK_EVENTS_URL = 'https://bot.example.com/slack/events';
/** Slack accepts at most 50 slash commands per app. */
export const MAX_SLASH_COMMANDS = 50;

const START = '# slash-commands:start';
const END = '# slash-commands:end';
const REGION = /^( *)# slash-commands:start[^\n]*\n[\s\S]*?^ *# slash-commands:end[^\n]*$/m;

export interface SlashCommand {
  command: string;
  url?: string;
  description: string;
  usage_hint?: string;
  should_escape: false;
}

/** `url` is the Request URL (HTTP manifest) or null (Socket Mode, where commands arrive over the socket). */
export function slashCommands(skills: readonly SkillManifest[], url: string | null): SlashCommand[] {
  const commands = skills.flatMap((skill) => skill.commands);
  if (commands.length + 1 > MAX_SLASH_COMMANDS) {
    throw new Error(
      `Slack allows ${MAX_SLASH_COMMANDS} slash commands per app; the installed skills declare ${commands.length} (plus /${UMBRELLA_COMMAND}). Reach the rest through /${UMBRELLA_COMMAND} <command>.`,
    );
  }
  const names = commands.map((command) => command.name);
  const umbrella: SlashCommand = {
    command: `/${UMBRELLA_COMMAND}`,
    ...(url ? { url } : {}),
    description: `Any chatops command by name: ${names.join(', ')}.`.slice(0, 2000),
    usage_hint: `<command> … (${names.join(' | ')})`.slice(0, 1000),
    should_escape: false,
  };
  return [
    umbrella,
    ...commands.map((command): SlashCommand => {
      const hint = usageHint(command);
      return {
        command: `/${command.name}`,
        ...(url ? { url } : {}),
        description: command.description.slice(0, 2000),
        ...(hint ? { usage_hint: hint.slice(0, 1000) } : {}),
        should_escape: false,
      };
    }),
  ];
}

/** Slack shows the hint after the command, so `/kb add … | /kb list` becomes `add … | list`. */
export function usageHint(command: CommandSpec): string {
  const own = new RegExp(`(^|\\|\\s*)/${command.name}(?=\\s|$)\\s*`, 'g');
  return command.usage.replace(own, '$1').trim();
}

/** The commands as YAML lines under `features:` (two spaces in); strings are JSON, which YAML reads as is. */
export function slashCommandsYaml(commands: readonly SlashCommand[], indent = '  '): string {
  const lines = [`${indent}slash_commands:`];
  for (const command of commands) {
    lines.push(`${indent}  - command: ${command.command}`);
    if (command.url) lines.push(`${indent}    url: ${command.url}`);
    lines.push(`${indent}    description: ${JSON.stringify(command.description)}`);
    if (command.usage_hint) lines.push(`${indent}    usage_hint: ${JSON.stringify(command.usage_hint)}`);
    lines.push(`${indent}    should_escape: false`);
  }
  return lines.join('\n');
}

/** The manifest text with its generated region rewritten from the skills; the rest is kept byte for byte. */
export function withSlashCommands(
  manifest: string,
  skills: readonly SkillManifest[],
  url: string | null,
): string {
  const region = REGION.exec(manifest);
  if (!region) {
    throw new Error(`The Slack manifest has no "${START}" … "${END}" region under features: to write into.`);
  }
  const indent = region[1] ?? '';
  const generated = [
    `${indent}${START} (generated from skills/index.ts by \`npm run manifests\`; do not edit by hand)`,
    slashCommandsYaml(slashCommands(skills, url), indent),
    `${indent}${END}`,
  ].join('\n');
  return manifest.replace(REGION, () => generated);
}
