import type { Readable } from 'node:stream';
import { redactSecrets } from '../core/redact.ts';

/**
 * What an operator needs when a stdio MCP server fails to start: the command line it was started with and
 * the last lines it wrote to stderr (npm's "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", a missing module, a usage
 * error). The buffer is bounded, so a chatty or looping server cannot grow it.
 */
export class StderrTail {
  readonly #maxChars: number;
  #text = '';

  constructor(maxChars = 8_192) {
    this.#maxChars = maxChars;
  }

  /** Follows a child's stderr; decoding as UTF-8 on the stream keeps characters split across chunks whole. */
  follow(stream: Readable | null, onLine?: (line: string) => void): void {
    if (!stream) return;
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.#text = (this.#text + chunk).slice(-this.#maxChars);
      if (onLine)
        for (const line of chunk.split('\n')) if (line.trim()) onLine(clip(redactSecrets(line.trim()), 300));
    });
  }

  /** The last non-empty lines, each cut to `width` characters, secrets redacted. */
  lines(count = 5, width = 300): string[] {
    return this.#text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .slice(-count)
      .map((line) => clip(redactSecrets(line), width));
  }
}

/** The command line as a shell would show it, secrets redacted, at most 300 characters. */
export function commandLine(command: string, args: readonly string[]): string {
  const quoted = [command, ...args].map((word) =>
    /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`,
  );
  return clip(redactSecrets(quoted.join(' ')), 300);
}

/** Package runners that download the server first: a hang there is usually the registry being unreachable. */
export function downloadsFirst(command: string, args: readonly string[]): boolean {
  const program = command.split('/').at(-1) ?? command;
  return ['npx', 'bunx', 'pnpx', 'uvx'].includes(program) || (program === 'npm' && args[0] === 'exec');
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
