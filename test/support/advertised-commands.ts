import { skills } from '../../skills/index.ts';
import { SkillCatalog, UMBRELLA_COMMAND } from '../../src/core/index.ts';
import { fixtureSkills } from '../fixtures/skills/manifests.ts';

/**
 * What "installed" means for the claims tests: the skills in skills/index.ts, never the test fixtures. A
 * surface that people read (manifests, README, /help, App Home, prompts) may only name these commands.
 */
export const installed = new SkillCatalog(skills);
export const installedCommands = installed.commandNames();
/** What a `/name` may be: an installed command, or the umbrella every platform parses. */
export const mentionable = new Set([...installedCommands, UMBRELLA_COMMAND]);

/**
 * Commands that once were advertised without existing, and the sample skills' commands the tests route to:
 * none of them may show up anywhere people read until a skill that declares it is installed.
 */
export const notInstalled = [
  ...new Set([
    'deploy-cluster',
    'jira',
    'rfp',
    'hr',
    'digest',
    ...fixtureSkills.flatMap((skill) => skill.commands.map((command) => command.name)),
  ]),
].filter((name) => !installed.byCommand(name));

/**
 * `/words` that are not our chat commands: the gateway's HTTP paths as prose names them (`GET /health`), the
 * OpenAI-compatible `/embeddings` endpoint, Slack's own `/invite`, and the README's `/command` placeholder.
 */
const NOT_COMMANDS = new Set(['health', 'metrics', 'mcp', 'embeddings', 'invite', 'command']);
// `/name` standing alone: not part of a path (`/srv/docs`, `…/{name}/access`), a URL or a word (`and/or`).
const MENTION =
  /(?<![\w/.:}[\]<-])\/([a-z][a-z0-9-]{0,31})(?![\w/-]|\.\w)(?:[ \t]+([a-z][a-z0-9-]{0,31})\b)?/g;

/**
 * Every command a text names as `/command`, and for `/chatops <command>` the command after it. Words after
 * any other command are arguments, not commands.
 */
export function commandMentions(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const [, name = '', next] = match;
    if (NOT_COMMANDS.has(name)) continue;
    found.add(name);
    if (name === UMBRELLA_COMMAND && next) found.add(next);
  }
  return [...found];
}

/** The mentions that are not installed commands (what a claims test expects to be empty). */
export function falseClaims(text: string): string[] {
  return commandMentions(text).filter((name) => !mentionable.has(name));
}

/** Markdown without its TypeScript samples (the README's "Adding a skill" shows a skill that is not installed). */
export function withoutSourceSamples(markdown: string): string {
  return markdown.replace(/^\s*```ts\n[\s\S]*?^\s*```$/gm, '');
}
