import type { ScheduleDefinition, ScheduleSummary, SchedulesPort } from '../../src/core/schedules.ts';

/** The scheduler's port in memory: what was scheduled, for assertions (the real one is the scheduler's). */
export class MemorySchedules implements SchedulesPort {
  readonly schedules = new Map<string, ScheduleSummary>();

  async upsert(definition: ScheduleDefinition): Promise<ScheduleSummary> {
    const summary = {
      ...definition,
      id: `${definition.tenantId}/${definition.name}`,
      nextRunAt: null,
      lastRunAt: null,
    };
    this.schedules.set(summary.id, summary);
    return summary;
  }

  async remove(tenantId: string, name: string): Promise<boolean> {
    return this.schedules.delete(`${tenantId}/${name}`);
  }

  async list(tenantId: string): Promise<ScheduleSummary[]> {
    return [...this.schedules.values()].filter((schedule) => schedule.tenantId === tenantId);
  }
}
