import { z } from 'zod';
import { ChatOpsError, isChatOpsError } from '../core/errors.ts';
import type { ScheduleDefinition } from '../core/schedules.ts';
import { PlatformSchema } from '../core/task.ts';
import { parseCron } from './cron-expression.ts';
import { isTimeZone } from './zoned-time.ts';

/**
 * Checks a schedule before it is stored: a cron expression the scheduler can read (src/scheduler/cron-*), a
 * real IANA time zone, and a command name. Problems are reported together.
 */
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
  command: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a command name without the slash, e.g. digest'),
  text: z.string().max(4000),
  args: z.record(z.string(), z.string().max(2000)),
  createdBy: z.string().trim().min(1).max(255),
  enabled: z.boolean(),
});

export function checkScheduleDefinition(input: ScheduleDefinition): ScheduleDefinition {
  const problems: string[] = [];
  const parsed = DefinitionSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  try {
    parseCron(input.cron);
  } catch (error) {
    const reasons = isChatOpsError(error) ? error.details.problems : undefined;
    const text = Array.isArray(reasons) ? reasons.join('; ') : (error as Error).message;
    problems.push(`cron "${input.cron}": ${text}`);
  }
  if (!isTimeZone(input.timezone)) problems.push(`timezone "${input.timezone}": not an IANA time zone`);
  if (problems.length > 0) {
    throw new ChatOpsError(
      'VALIDATION_FAILED',
      `The schedule "${input.name}" is invalid: ${problems.join(', ')}.`,
      {
        remedy:
          'Use five fields (minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5") or six with seconds first, and a zone such as UTC or Europe/Berlin.',
        details: { problems },
      },
    );
  }
  return { ...input, cron: input.cron.trim(), timezone: input.timezone.trim() };
}
