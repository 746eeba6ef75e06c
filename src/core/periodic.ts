import type { Logger } from './ports.ts';

export interface PeriodicWork {
  /** How often the work runs. */
  intervalMs: number;
  /** Also run once at start (to catch up on what was missed while nothing ran). */
  atStart?: boolean;
  /** Logged as a warning when a run throws; the next run still comes. */
  failureEvent: string;
  log: Logger;
  run(): Promise<void>;
}

/**
 * Runs `work.run` every interval, one run at a time: a run still going when the next is due is not doubled
 * (sweeps over a slow database would otherwise pile up). The timer does not keep the process alive. Returns
 * the function that stops it.
 */
export function startPeriodic(work: PeriodicWork): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await work.run();
    } catch (error) {
      work.log.warn(work.failureEvent, { error });
    } finally {
      running = false;
    }
  };
  if (work.atStart) void tick();
  const timer = setInterval(tick, work.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
