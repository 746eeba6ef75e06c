/**
 * Parses the text of a slash command, the same way for every platform:
 * `/deploy-cluster env=dev size="3 nodes" please` → command `deploy-cluster`,
 * args `{ env: 'dev', size: '3 nodes' }`, text `please`.
 * `/chatops <sub> …` is the umbrella command: `/chatops status` is the `status` command.
 */
export interface ParsedCommand {
  command: string;
  args: Record<string, string>;
  /** Positional words, in order, joined by single spaces. */
  text: string;
}

export const UMBRELLA_COMMAND = 'chatops';

const TOKEN = /([A-Za-z_][\w.-]*)=(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S*))|"((?:[^"\\]|\\.)*)"|(\S+)/g;

/** Returns null when the text is not a command (does not start with `/name`). */
export function parseCommandText(input: string): ParsedCommand | null {
  const match = /^\s*\/([a-z][a-z0-9-]{0,31})(?=\s|$)(.*)$/s.exec(input);
  if (!match) return null;
  let command = match[1] ?? '';
  let rest = match[2] ?? '';
  if (command === UMBRELLA_COMMAND) {
    const sub = /^\s*([a-z][a-z0-9-]{0,31})(?=\s|$)(.*)$/s.exec(rest);
    command = sub?.[1] ?? 'help';
    rest = sub?.[2] ?? '';
  }
  return { command, ...parseArguments(rest) };
}

/** Splits argument text into `key=value` pairs and positional words (quotes group words). */
export function parseArguments(input: string): { args: Record<string, string>; text: string } {
  const args: Record<string, string> = {};
  const words: string[] = [];
  for (const token of input.matchAll(TOKEN)) {
    const [, key, doubleQuoted, singleQuoted, bare, quotedWord, word] = token;
    if (key !== undefined) {
      args[key] = unescapeQuoted(doubleQuoted) ?? singleQuoted ?? bare ?? '';
    } else {
      words.push(unescapeQuoted(quotedWord) ?? word ?? '');
    }
  }
  return { args, text: words.join(' ') };
}

function unescapeQuoted(value: string | undefined): string | undefined {
  return value?.replace(/\\(.)/g, '$1');
}
