import type { ScheduleDefinition, ScheduleSummary, SchedulesPort } from '../core/schedules.ts';
import type { ScheduleStore, StoredSchedule } from '../db/schedule-store.ts';
import { CronSlots } from './cron-slots.ts';
import { checkScheduleDefinition, type KnownCommands } from './schedule-definition.ts';

/** When a schedule fires next, from its cron expression and zone (null when disabled). */
export function nextRunOf(
  schedule: Pick<ScheduleDefinition, 'cron' | 'timezone' | 'enabled'>,
  now: Date = new Date(),
): Date | null {
  return nextRunsOf(schedule, 1, now)[0] ?? null;
}

/** The next `count` fire times (none while disabled): what the scheduler will fire, slot for slot. */
export function nextRunsOf(
  schedule: Pick<ScheduleDefinition, 'cron' | 'timezone' | 'enabled'>,
  count: number,
  now: Date = new Date(),
): Date[] {
  if (!schedule.enabled) return [];
  return new CronSlots(schedule.cron, schedule.timezone).nextRuns(now, count);
}

export function scheduleSummary(schedule: StoredSchedule): ScheduleSummary {
  const { updatedAt: _updatedAt, ...rest } = schedule;
  return { ...rest, nextRunAt: nextRunOf(schedule)?.toISOString() ?? null };
}

/**
 * The schedules port skills, adapters, the REST API and the CLI use: definitions are checked (cron, zone,
 * names, an installed command and its arguments) before they are stored, and listings carry the next fire
 * time. The scheduler picks changes up on its next reload.
 */
export function schedulesPort(store: ScheduleStore, commands: KnownCommands): SchedulesPort {
  return {
    upsert: async (definition) =>
      scheduleSummary(await store.upsert(checkScheduleDefinition(definition, commands))),
    remove: (tenantId, name, actor) => store.remove(tenantId, name, actor ?? 'system'),
    list: async (tenantId, where) => (await store.list(tenantId, where)).map(scheduleSummary),
  };
}
