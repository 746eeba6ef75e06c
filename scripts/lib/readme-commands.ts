import type { SkillManifest } from '../../src/core/index.ts';
import { CHAT_TOOL, serverToolSpecs } from '../../src/mcp/server-tools.ts';

/**
 * The README's lists of what the bot answers, generated from the installed skills so they can never name a
 * command that is not there: the chat command table and the tools of the bot's own MCP server (the same
 * list the server offers). `npm run manifests` rewrites the marked regions; test/unit/readme.test.ts fails
 * when they are stale.
 */
export const CHAT_COMMANDS_REGION = 'chat-commands';
export const MCP_TOOLS_REGION = 'mcp-tools';

/** One row per command, in catalog order (the order of `/help` and the Slack and Teams menus). */
export function renderChatCommands(skills: readonly SkillManifest[]): string {
  const rows = skills.flatMap((skill) =>
    skill.commands.map(
      (command) =>
        `| \`/${command.name}\` | ${cell(command.description)} | \`${cell(command.usage)}\` | ${skill.id}${skill.sideEffects ? ' (asks for approval)' : ''} |`,
    ),
  );
  return ['| command | what it does | usage | skill |', '|---|---|---|---|', ...rows].join('\n');
}

/** The MCP server's tools: `chat` for free text, then one per command it offers. */
export function renderMcpTools(skills: readonly SkillManifest[]): string {
  const descriptions = new Map(
    skills.flatMap((skill) => skill.commands.map((command) => [command.name, command.description] as const)),
  );
  const rows = serverToolSpecs(skills).map(
    (spec) =>
      `| \`${spec.name}\` | ${cell(descriptions.get(spec.name) ?? spec.description)} | ${spec.sideEffects ? 'requests an approval (`destructiveHint`)' : 'read-only'} |`,
  );
  return [
    '| tool | what it does | effect |',
    '|---|---|---|',
    `| \`${CHAT_TOOL}\` | anything a person would type in chat (\`request\`), routed by the supervisor | as in chat |`,
    ...rows,
  ].join('\n');
}

/** A marked region's content, or undefined when the markers are missing. */
export function readRegion(text: string, name: string): string | undefined {
  const match = regionPattern(name).exec(text);
  return match ? (match[1] ?? '') : undefined;
}

/** The text with a marked region's content replaced; a missing region is an error, never a silent no-op. */
export function writeRegion(text: string, name: string, content: string): string {
  if (!regionPattern(name).test(text)) {
    throw new Error(`README.md has no <!-- ${name}:start --> … <!-- ${name}:end --> region.`);
  }
  return text.replace(regionPattern(name), () => `<!-- ${name}:start -->\n${content}\n<!-- ${name}:end -->`);
}

/** Content between the markers (an empty region is the two markers on consecutive lines). */
function regionPattern(name: string): RegExp {
  return new RegExp(`<!-- ${name}:start -->\\n(?:([\\s\\S]*?)\\n)?<!-- ${name}:end -->`);
}

/** A table cell: pipes escaped, line breaks flattened. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');
}
