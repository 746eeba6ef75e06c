import type { Environment } from '../config/load-config.ts';
import { processEnvironment } from '../config/process-environment.ts';
import { isChatOpsError } from '../core/errors.ts';
import { VERSION } from '../version.ts';
import { migrateCommand, roleCommand } from './admin-commands.ts';
import { apiKeyCommand } from './api-key-command.ts';
import type { CliCommand, CliIo } from './command.ts';
import { digestCommand } from './digest-command.ts';
import { jiraCommand } from './jira-command.ts';
import { kbCommand } from './kb-command.ts';
import { mcpCommand } from './mcp-command.ts';
import { scheduleCommand, schedulerCommand } from './schedule-commands.ts';
import { devCommand, gatewayCommand, workerCommand } from './service-commands.ts';
import { workflowsCommand } from './workflows-command.ts';

/** Every `chatops` command; `--help` is generated from this list. */
export const COMMANDS: readonly CliCommand[] = [
  devCommand,
  gatewayCommand,
  workerCommand,
  schedulerCommand,
  migrateCommand,
  roleCommand,
  apiKeyCommand,
  scheduleCommand,
  digestCommand,
  mcpCommand,
  kbCommand,
  workflowsCommand,
  jiraCommand,
];

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    `chatops ${VERSION}: the chat-ops bot for Slack, Microsoft Teams and a local web chat.`,
    '',
    'Usage: chatops <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Run `chatops <command> --help` for one command. Settings come from environment variables: see .env.example.',
  ].join('\n');
}

export async function runCli(argv: string[], env: Environment, io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(VERSION);
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.err(`Unknown command "${name}".\n\n${helpText()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(args, env, io);
  } catch (error) {
    if (isChatOpsError(error)) {
      io.err(`chatops ${name}: ${error.message}${error.remedy ? `\n${error.remedy}` : ''}`);
      return 1;
    }
    io.err(`chatops ${name}: unexpected error: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
}

/** Entry point used by bin/chatops.js. */
export async function main(): Promise<void> {
  const io: CliIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  const code = await runCli(process.argv.slice(2), processEnvironment(), io);
  process.exit(code);
}
