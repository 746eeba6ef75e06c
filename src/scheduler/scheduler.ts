import type { Clock, Intake, Logger } from '../core/ports.ts';
import type { ScheduleStore, StoredSchedule } from '../db/schedule-store.ts';
import { CronSlots } from './cron-slots.ts';
import { scheduleRunToTask } from './schedule-run.ts';

export interface SchedulerOptions {
  store: Pick<ScheduleStore, 'enabled' | 'markRun'>;
  intake: Intake;
  log: Logger;
  /** How often the schedules table is read again (new, changed and removed schedules). */
  reloadIntervalMs: number;
  /** A fire time missed by at most this much is still fired once (catch-up); older ones are skipped. 0: none. */
  catchUpWindowMs: number;
  /** The time (a fake one in tests); defaults to the system clock. */
  clock?: Clock;
  /** Tests with a fake clock call `tick()` themselves; otherwise a timer wakes at each fire time. */
  manualTicks?: boolean;
  /** Called after each fire (metrics, tests). */
  onFired?: (schedule: StoredSchedule, fireTime: Date, duplicate: boolean, catchUp: boolean) => void;
}

interface Armed {
  schedule: StoredSchedule;
  slots: CronSlots;
  version: string;
  /** The next fire time to fire (may be in the past after a pause of the process: see tick). */
  next: Date | null;
  /** A fire that failed (Redis or the database down), tried again until it leaves the catch-up window. */
  retry: { fireTime: Date; catchUp: boolean; at: number; failures: number } | null;
}

/** Fires handed to the intake at once; the intake batches their ledger writes. */
const FIRE_CONCURRENCY = 200;
/** A fire this late is a catch-up (reported as such); a normal one is milliseconds late. */
const LATE_MS = 60_000;
/** The timer never sleeps longer than this, so a clock jump or a slow reload is noticed. */
const MAX_SLEEP_MS = 30_000;

/**
 * `chatops scheduler`: computes each enabled schedule's fire times (src/scheduler/cron-slots.ts, wall-clock
 * times in the schedule's zone) and turns each into a task through the same intake as every receiver. Any
 * number of replicas may run: they compute the same fire times, build the same task for each (see
 * schedule-run.ts), and the task ledger records it once, so it runs once.
 *
 * Catch-up: a fire time missed while no scheduler ran (or while this process stood still) is fired once
 * when a scheduler comes back, if it is at most `catchUpWindowMs` old: only the latest missed fire time,
 * never one per missed minute; older ones are logged as skipped. Fire times before a schedule was created,
 * changed, paused or resumed (its `updatedAt`) are never caught up. A fire that fails (Redis down) is tried
 * again with backoff while it is inside the window.
 */
export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #clock: Clock;
  readonly #armed = new Map<string, Armed>();
  #reloadTimer: NodeJS.Timeout | null = null;
  #tickTimer: NodeJS.Timeout | null = null;
  #reloading: Promise<void> | null = null;
  #ticking: Promise<void> | null = null;
  #closed = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? { now: () => new Date() };
  }

  /** Arms every enabled schedule (firing missed fire times once), then re-reads the table periodically. */
  async start(): Promise<void> {
    await this.reload();
    await this.tick();
    this.#reloadTimer = setInterval(() => {
      this.reload()
        .then(() => this.tick())
        .catch((error: unknown) => this.#options.log.warn('schedules-reload-failed', { error }));
    }, this.#options.reloadIntervalMs);
    this.#reloadTimer.unref();
    this.#sleep();
  }

  /** Brings the schedules in line with the table: new ones armed, changed ones re-armed, removed dropped. */
  reload(): Promise<void> {
    this.#reloading ??= this.#reload().finally(() => {
      this.#reloading = null;
    });
    return this.#reloading;
  }

  /** Fires every schedule whose fire time has come (what the timer calls; tests call it with a fake clock). */
  tick(): Promise<void> {
    this.#ticking ??= this.#tick().finally(() => {
      this.#ticking = null;
    });
    return this.#ticking;
  }

  get armedCount(): number {
    return this.#armed.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#reloadTimer) clearInterval(this.#reloadTimer);
    if (this.#tickTimer) clearTimeout(this.#tickTimer);
    await this.#reloading?.catch(() => {});
    await this.#ticking?.catch(() => {});
    this.#armed.clear();
  }

  async #reload(): Promise<void> {
    const schedules = await this.#options.store.enabled();
    if (this.#closed) return;
    const wanted = new Map(schedules.map((schedule) => [schedule.id, schedule]));
    for (const [id, armed] of this.#armed) {
      const schedule = wanted.get(id);
      if (!schedule || versionOf(schedule) !== armed.version) this.#armed.delete(id);
    }
    for (const schedule of schedules) {
      if (!this.#armed.has(schedule.id)) this.#arm(schedule);
    }
  }

  #arm(schedule: StoredSchedule): void {
    let slots: CronSlots;
    try {
      slots = new CronSlots(schedule.cron, schedule.timezone);
    } catch (error) {
      this.#options.log.error('schedule-unreadable', { schedule: schedule.name, error });
      return;
    }
    // The first fire time to consider: after the last run and after the last change, whichever is later.
    const floor = Math.max(
      schedule.lastRunAt ? Date.parse(schedule.lastRunAt) : 0,
      Date.parse(schedule.updatedAt),
    );
    this.#armed.set(schedule.id, {
      schedule,
      slots,
      version: versionOf(schedule),
      next: slots.next(new Date(floor)),
      retry: null,
    });
    this.#options.log.debug('schedule-armed', { schedule: schedule.name, cron: schedule.cron });
  }

  async #tick(): Promise<void> {
    const now = this.#clock.now();
    const due: { armed: Armed; fireTime: Date; catchUp: boolean }[] = [];
    for (const armed of this.#armed.values()) {
      const retry = armed.retry;
      if (retry && retry.at <= now.getTime()) {
        armed.retry = null;
        if (this.#inWindow(retry.fireTime, now)) due.push({ armed, ...retry });
        else this.#skipped(armed.schedule, retry.fireTime, now, 'failed until it left the catch-up window');
      }
      if (!armed.next || armed.next > now) continue;
      // Several fire times may have passed (no scheduler ran, or this process stood still): only the
      // latest is fired, once; the ones before it are reported as skipped.
      const latest = armed.slots.previous(now, armed.next) ?? armed.next;
      if (latest.getTime() !== armed.next.getTime()) {
        this.#skipped(
          armed.schedule,
          armed.next,
          now,
          'a later fire time was missed too; only that one runs',
        );
      }
      if (this.#inWindow(latest, now)) {
        due.push({ armed, fireTime: latest, catchUp: now.getTime() - latest.getTime() > LATE_MS });
      } else {
        this.#skipped(armed.schedule, latest, now, 'older than the catch-up window');
      }
      armed.next = armed.slots.next(now);
    }
    for (let index = 0; index < due.length; index += FIRE_CONCURRENCY) {
      await Promise.all(
        due
          .slice(index, index + FIRE_CONCURRENCY)
          .map(({ armed, fireTime, catchUp }) => this.#fire(armed, fireTime, catchUp)),
      );
    }
    this.#sleep();
  }

  /** On time (up to a minute late), or missed but inside the catch-up window. */
  #inWindow(fireTime: Date, now: Date): boolean {
    return now.getTime() - fireTime.getTime() <= Math.max(this.#options.catchUpWindowMs, LATE_MS);
  }

  #skipped(schedule: StoredSchedule, fireTime: Date, now: Date, reason: string): void {
    this.#options.log.warn('schedule-fire-skipped', {
      schedule: schedule.name,
      tenantId: schedule.tenantId,
      fireTime: fireTime.toISOString(),
      lateBySeconds: Math.round((now.getTime() - fireTime.getTime()) / 1000),
      reason,
    });
  }

  async #fire(armed: Armed, fireTime: Date, catchUp: boolean): Promise<void> {
    const { schedule } = armed;
    const log = this.#options.log.child({ schedule: schedule.name, tenantId: schedule.tenantId });
    try {
      const run = scheduleRunToTask(schedule, fireTime, { catchUp });
      const accepted = await this.#options.intake.accept(run.task, run.message);
      if (!accepted.duplicate) await this.#options.store.markRun(schedule.id, fireTime);
      log.info(accepted.duplicate ? 'schedule-fire-duplicate' : 'schedule-fired', {
        taskId: accepted.task.id,
        fireTime: fireTime.toISOString(),
        ...(catchUp ? { catchUp } : {}),
      });
      this.#options.onFired?.(schedule, fireTime, accepted.duplicate, catchUp);
    } catch (error) {
      const failures = (armed.retry?.failures ?? 0) + 1;
      const backoffMs = Math.min(1000 * 2 ** (failures - 1), 60_000);
      armed.retry = { fireTime, catchUp: true, at: this.#clock.now().getTime() + backoffMs, failures };
      log.error('schedule-fire-failed', { fireTime: fireTime.toISOString(), retryInMs: backoffMs, error });
    }
  }

  /** Sleeps until the earliest fire time (or retry), at most MAX_SLEEP_MS. */
  #sleep(): void {
    if (this.#options.manualTicks || this.#closed) return;
    if (this.#tickTimer) clearTimeout(this.#tickTimer);
    const now = this.#clock.now().getTime();
    let wake = now + MAX_SLEEP_MS;
    for (const armed of this.#armed.values()) {
      if (armed.next) wake = Math.min(wake, armed.next.getTime());
      if (armed.retry) wake = Math.min(wake, armed.retry.at);
    }
    this.#tickTimer = setTimeout(
      () => {
        this.tick().catch((error: unknown) => this.#options.log.error('scheduler-tick-failed', { error }));
      },
      Math.max(0, wake - now),
    );
    this.#tickTimer.unref();
  }
}

/** What re-arming depends on: any change to the row bumps `updatedAt`. */
function versionOf(schedule: StoredSchedule): string {
  return `${schedule.updatedAt}|${schedule.cron}|${schedule.timezone}`;
}
