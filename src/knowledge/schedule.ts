import { ChatOpsError } from '../core/errors.ts';
import type { ScheduleSummary, SchedulesPort } from '../core/schedules.ts';
import { PlatformSchema } from '../core/task.ts';
import { syncScheduleName } from './jobs.ts';

/**
 * A recurring re-sync of a collection, through the scheduler's port: at each fire time the scheduler
 * enqueues `/kb sync collection=<name>` as a `schedule` task, which the knowledge skill runs and reports
 * in `channel` (`platform:channel`).
 */
export async function scheduleSync(
  schedules: SchedulesPort | null,
  input: {
    tenantId: string;
    collection: string;
    cron: string;
    timezone: string;
    channel: string;
    createdBy: string;
  },
): Promise<ScheduleSummary> {
  if (!schedules) {
    throw new ChatOpsError(
      'DEPENDENCY_UNAVAILABLE',
      'No scheduler is installed, so re-syncs cannot be scheduled.',
      {
        remedy: 'Run `chatops scheduler` with this version, or re-sync by hand: /kb sync collection=<name>.',
        retryable: false,
      },
    );
  }
  // The port checks the cron expression and time zone (src/scheduler/schedule-definition.ts).
  const [platformText = 'api', ...rest] = input.channel.includes(':')
    ? input.channel.split(':')
    : ['api', input.channel];
  const platform = PlatformSchema.safeParse(platformText);
  if (!platform.success || rest.join(':') === '') {
    throw new ChatOpsError('VALIDATION_FAILED', `"${input.channel}" is not a platform:channel.`, {
      remedy: 'Write where the re-sync reports, e.g. api:kb-jobs or slack:C0123ABCDEF.',
    });
  }
  return schedules.upsert({
    name: syncScheduleName(input.collection),
    tenantId: input.tenantId,
    cron: input.cron.trim(),
    timezone: input.timezone,
    platform: platform.data,
    channel: rest.join(':'),
    command: 'kb',
    text: 'sync',
    args: { collection: input.collection },
    createdBy: input.createdBy,
    enabled: true,
  });
}
