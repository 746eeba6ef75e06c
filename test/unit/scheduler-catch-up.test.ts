import { describe, expect, it } from 'vitest';
import type { AcceptedTask, InboundMessage, Intake, Task } from '../../src/core/index.ts';
import type { StoredSchedule } from '../../src/db/schedule-store.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';

// The scheduler's decisions on a fake clock, with the table and the intake in memory: what fires when, what
// is caught up after an outage (once, the latest only), what is skipped, and what is tried again.
const HOUR = 3_600_000;

function schedule(overrides: Partial<StoredSchedule> = {}): StoredSchedule {
  return {
    id: '0190f3a2-0000-7000-8000-000000000001',
    tenantId: 'acme',
    name: 'dg-hourly',
    cron: '0 * * * *',
    timezone: 'UTC',
    platform: 'api',
    channel: 'ops',
    command: 'digest',
    text: '',
    args: { kind: 'usage' },
    createdBy: 'alice',
    enabled: true,
    lastRunAt: null,
    updatedAt: '2027-01-01T08:30:00.000Z',
    ...overrides,
  };
}

class MemoryIntake implements Intake {
  readonly tasks = new Map<string, Task>();
  failures = 0;
  async accept(task: Task, _message?: InboundMessage): Promise<AcceptedTask> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('Redis is down');
    }
    const duplicate = this.tasks.has(task.id);
    if (!duplicate) this.tasks.set(task.id, task);
    return { task, duplicate };
  }
  fired(): { at: string; catchUp: boolean }[] {
    return [...this.tasks.values()].map((task) => ({
      at: task.schedule?.fireTime ?? '',
      catchUp: task.schedule?.catchUp ?? false,
    }));
  }
}

function setup(rows: StoredSchedule[], at: string, windowMs = 6 * HOUR) {
  let now = new Date(at);
  const intake = new MemoryIntake();
  const marks: string[] = [];
  const store = {
    enabled: async () => rows,
    markRun: async (id: string, fired: Date) => {
      marks.push(`${id}@${fired.toISOString()}`);
      for (const row of rows) if (row.id === id) row.lastRunAt = fired.toISOString();
    },
  };
  const make = () =>
    new Scheduler({
      store,
      intake,
      log: silentLogger,
      reloadIntervalMs: HOUR,
      catchUpWindowMs: windowMs,
      clock: { now: () => now },
      manualTicks: true,
    });
  return {
    intake,
    marks,
    make,
    at: (iso: string) => {
      now = new Date(iso);
    },
  };
}

describe('the scheduler', () => {
  it('fires each fire time once, on time, and never one from before the schedule existed', async () => {
    const world = setup([schedule()], '2027-01-01T08:45:00.000Z');
    const scheduler = world.make();
    await scheduler.start();
    expect(world.intake.fired()).toEqual([]);
    world.at('2027-01-01T09:00:00.000Z');
    await scheduler.tick();
    await scheduler.tick();
    world.at('2027-01-01T10:00:00.200Z');
    await scheduler.tick();
    expect(world.intake.fired()).toEqual([
      { at: '2027-01-01T09:00:00.000Z', catchUp: false },
      { at: '2027-01-01T10:00:00.000Z', catchUp: false },
    ]);
    await scheduler.close();
  });

  it('after an outage, fires the latest missed fire time once, marked as a catch-up', async () => {
    const world = setup([schedule({ lastRunAt: '2027-01-01T09:00:00.000Z' })], '2027-01-01T11:40:00.000Z');
    const [first, second] = [world.make(), world.make()];
    await Promise.all([first.start(), second.start()]);
    expect(world.intake.fired()).toEqual([{ at: '2027-01-01T11:00:00.000Z', catchUp: true }]);
    expect(world.marks).toEqual(['0190f3a2-0000-7000-8000-000000000001@2027-01-01T11:00:00.000Z']);
    world.at('2027-01-01T12:00:00.000Z');
    await Promise.all([first.tick(), second.tick()]);
    expect(world.intake.fired().map((fire) => fire.at)).toEqual([
      '2027-01-01T11:00:00.000Z',
      '2027-01-01T12:00:00.000Z',
    ]);
  });

  it('skips a missed fire time older than the window, and catches up nothing with a window of 0', async () => {
    const daily = schedule({ cron: '0 4 * * *', lastRunAt: '2027-01-01T04:00:00.000Z' });
    const late = setup([daily], '2027-01-02T10:30:00.000Z');
    await late.make().start();
    expect(late.intake.fired()).toEqual([]);
    const off = setup([schedule({ lastRunAt: '2027-01-01T09:00:00.000Z' })], '2027-01-01T11:40:00.000Z', 0);
    await off.make().start();
    expect(off.intake.fired()).toEqual([]);
  });

  it('does not catch up fire times missed while a schedule was paused (its change moves the floor)', async () => {
    const resumed = schedule({
      lastRunAt: '2027-01-01T06:00:00.000Z',
      updatedAt: '2027-01-01T10:15:00.000Z',
    });
    const world = setup([resumed], '2027-01-01T10:20:00.000Z');
    const scheduler = world.make();
    await scheduler.start();
    expect(world.intake.fired()).toEqual([]);
    world.at('2027-01-01T11:00:00.000Z');
    await scheduler.tick();
    expect(world.intake.fired().map((fire) => fire.at)).toEqual(['2027-01-01T11:00:00.000Z']);
  });

  it('tries a fire again when the intake failed, while it is inside the window', async () => {
    const world = setup([schedule()], '2027-01-01T08:59:00.000Z');
    const scheduler = world.make();
    await scheduler.start();
    world.intake.failures = 1;
    world.at('2027-01-01T09:00:00.000Z');
    await scheduler.tick();
    expect(world.intake.fired()).toEqual([]);
    world.at('2027-01-01T09:00:02.000Z');
    await scheduler.tick();
    expect(world.intake.fired()).toEqual([{ at: '2027-01-01T09:00:00.000Z', catchUp: true }]);
  });
});
