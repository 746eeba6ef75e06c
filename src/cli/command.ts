import type { Environment } from '../config/load-config.ts';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** One `chatops` command: data for `--help`, plus the function that runs it. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Resolves with the exit code. Long-running commands resolve when they have shut down. */
  run(args: string[], env: Environment, io: CliIo): Promise<number>;
}

/** `--name value` / `--name=value` options and positional words. */
export function parseOptions(args: string[]): {
  positional: string[];
  options: Record<string, string | true>;
} {
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    const long = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (!long) {
      positional.push(arg);
      continue;
    }
    const name = long[1] ?? '';
    const next = args[index + 1];
    if (long[2] !== undefined) options[name] = long[2];
    else if (next !== undefined && !next.startsWith('--')) {
      options[name] = next;
      index += 1;
    } else options[name] = true;
  }
  return { positional, options };
}
