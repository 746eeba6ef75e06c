import { z } from 'zod';
import { checkCommandArguments, describeArgumentProblems } from '../core/command-arguments.ts';
import { ChatOpsError, isChatOpsError } from '../core/errors.ts';
import type { ScheduleDefinition } from '../core/schedules.ts';
import { argumentsFor, type CommandSpec } from '../core/skill.ts';
import { commandList } from '../core/skill-catalog.ts';
import { PlatformSchema } from '../core/task.ts';
import { parseCron } from './cron-expression.ts';
import { isTimeZone } from './zoned-time.ts';

/**
 * Checks a schedule before it is stored: a cron expression the scheduler can read (src/scheduler/cron-*), a
 * real IANA time zone, and an installed command with arguments its skill accepts, so a schedule never fails at
 * every fire for a reason known when it was made. Problems are reported together.
 */

/** The installed commands, as the skill catalog knows them (SkillCatalog satisfies this). */
export interface KnownCommands {
  commandNames(): string[];
  byCommand(name: string): { command: CommandSpec } | undefined;
}

const NameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'lower-case letters, digits, dots, dashes and underscores');

const DefinitionSchema = z.object({
  name: NameSchema,
  tenantId: z.string().trim().min(1).max(255),
  cron: z.string().trim().min(9).max(120),
  timezone: z.string().trim().min(1).max(64),
  platform: PlatformSchema.exclude(['scheduler', 'mcp']),
  channel: z.string().trim().min(1).max(255),
  command: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a command name without the slash, e.g. status'),
  text: z.string().max(4000),
  args: z.record(z.string(), z.string().max(2000)),
  createdBy: z.string().trim().min(1).max(255),
  enabled: z.boolean(),
});

export function checkScheduleDefinition(
  input: ScheduleDefinition,
  commands: KnownCommands,
): ScheduleDefinition {
  const problems: string[] = [];
  const parsed = DefinitionSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const known = commands.commandNames();
  const command = commands.byCommand(input.command);
  const unknownCommand = parsed.success && !command;
  if (unknownCommand) problems.push(`/${input.command} is not an installed command, so every run would fail`);
  const argumentProblems = checkCommandArguments(
    command ? argumentsFor(command.command, input.text) : undefined,
    input.args,
  );
  if (argumentProblems.length > 0) {
    const described = describeArgumentProblems(argumentProblems).replaceAll('\n', '; ');
    problems.push(`arguments of /${input.command}: ${described} (usage: ${command?.command.usage})`);
  }
  let cronValid = true;
  try {
    parseCron(input.cron);
  } catch (error) {
    cronValid = false;
    const reasons = isChatOpsError(error) ? error.details.problems : undefined;
    const text = Array.isArray(reasons) ? reasons.join('; ') : (error as Error).message;
    problems.push(`cron "${input.cron}": ${text}`);
  }
  const badZone = !isTimeZone(input.timezone);
  if (badZone) problems.push(`timezone "${input.timezone}": not an IANA time zone`);
  if (problems.length > 0) {
    const remedies = [
      unknownCommand
        ? `Schedule one of the installed commands: ${commandList(known)} (/help describes them).`
        : '',
      !cronValid || badZone || (!parsed.success && !unknownCommand)
        ? 'Use five fields (minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5") or six with seconds first, and a zone such as UTC or Europe/Berlin.'
        : '',
      argumentProblems.length > 0 ? `Give /${input.command} the arguments its usage shows.` : '',
    ];
    throw new ChatOpsError(
      unknownCommand ? 'UNKNOWN_COMMAND' : 'VALIDATION_FAILED',
      `The schedule "${input.name}" is invalid: ${problems.join(', ')}.`,
      {
        remedy: remedies.filter(Boolean).join(' '),
        details: { problems, ...(unknownCommand ? { knownCommands: known } : {}) },
      },
    );
  }
  return { ...input, cron: input.cron.trim(), timezone: input.timezone.trim() };
}
