import { createTask, type ScheduledTask } from 'node-cron';
import type { Intake, Logger } from '../core/ports.ts';
import type { ScheduleStore, StoredSchedule } from '../db/schedule-store.ts';
import { scheduleRunToTask } from './schedule-run.ts';

export interface SchedulerOptions {
  store: Pick<ScheduleStore, 'enabled' | 'markRun'>;
  intake: Intake;
  log: Logger;
  /** How often the schedules table is read again (new, changed and removed schedules). */
  reloadIntervalMs: number;
  /** Called after each fire (metrics, tests). */
  onFired?: (schedule: StoredSchedule, fireTime: Date, duplicate: boolean) => void;
}

interface Armed {
  version: string;
  cron: ScheduledTask;
}

/**
 * `chatops scheduler`: keeps one node-cron timer per enabled schedule and turns each fire into a task through
 * the same intake as every receiver. Any number of replicas may run: they build the same task for the same
 * schedule and second (see schedule-run.ts), and the task ledger records it once, so it runs once.
 *
 * A fire that happens while Redis or the database is down is logged and lost for that minute (the next fire
 * comes as usual); missed fire times while no scheduler ran are not replayed.
 */
export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #armed = new Map<string, Armed>();
  #timer: NodeJS.Timeout | null = null;
  #reloading: Promise<void> | null = null;
  #closed = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  /** Arms every enabled schedule, then re-reads the table every `reloadIntervalMs`. */
  async start(): Promise<void> {
    await this.reload();
    this.#timer = setInterval(() => {
      this.reload().catch((error: unknown) => this.#options.log.warn('schedules-reload-failed', { error }));
    }, this.#options.reloadIntervalMs);
    this.#timer.unref();
  }

  /** Brings the timers in line with the table: new ones armed, changed ones re-armed, removed ones stopped. */
  reload(): Promise<void> {
    this.#reloading ??= this.#reload().finally(() => {
      this.#reloading = null;
    });
    return this.#reloading;
  }

  get armedCount(): number {
    return this.#armed.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#reloading?.catch(() => {});
    for (const id of [...this.#armed.keys()]) await this.#disarm(id);
  }

  async #reload(): Promise<void> {
    const schedules = await this.#options.store.enabled();
    if (this.#closed) return;
    const wanted = new Map(schedules.map((schedule) => [schedule.id, schedule]));
    for (const id of [...this.#armed.keys()]) {
      const schedule = wanted.get(id);
      if (!schedule || versionOf(schedule) !== this.#armed.get(id)?.version) await this.#disarm(id);
    }
    for (const schedule of schedules) {
      if (!this.#armed.has(schedule.id)) this.#arm(schedule);
    }
  }

  #arm(schedule: StoredSchedule): void {
    const cron = createTask(schedule.cron, (context) => this.#fire(schedule, context.date), {
      name: `schedule-${schedule.id}`,
      timezone: schedule.timezone,
      // A slow intake (database hiccup) must not pile up fires of the same schedule in one process.
      noOverlap: true,
      suppressMissedWarning: true,
    });
    cron.start();
    this.#armed.set(schedule.id, { version: versionOf(schedule), cron });
    this.#options.log.debug('schedule-armed', { schedule: schedule.name, cron: schedule.cron });
  }

  async #disarm(id: string): Promise<void> {
    const armed = this.#armed.get(id);
    this.#armed.delete(id);
    await armed?.cron.destroy();
  }

  async #fire(schedule: StoredSchedule, fireTime: Date): Promise<void> {
    const log = this.#options.log.child({ schedule: schedule.name, tenantId: schedule.tenantId });
    try {
      const run = scheduleRunToTask(schedule, fireTime);
      const accepted = await this.#options.intake.accept(run.task, run.message);
      if (!accepted.duplicate) await this.#options.store.markRun(schedule.id, fireTime);
      log.info(accepted.duplicate ? 'schedule-fire-duplicate' : 'schedule-fired', {
        taskId: accepted.task.id,
        fireTime: fireTime.toISOString(),
      });
      this.#options.onFired?.(schedule, fireTime, accepted.duplicate);
    } catch (error) {
      log.error('schedule-fire-failed', { fireTime: fireTime.toISOString(), error });
    }
  }
}

/** What re-arming depends on: any change to the row bumps `updatedAt`. */
function versionOf(schedule: StoredSchedule): string {
  return `${schedule.updatedAt}|${schedule.cron}|${schedule.timezone}`;
}
