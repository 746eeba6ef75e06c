import { ChatOpsError } from '../../../core/errors.ts';
import { dayLabel, dayOf } from './calendar.ts';
import type { FinishedItem } from './cycle-time.ts';
import { percentile } from './flow.ts';

/**
 * "When will N more items be done?" by Monte Carlo simulation from recent throughput: each trial draws
 * days at random (with replacement) from the last window's daily counts of finished items until N are
 * done; the answer is the calendar date by which 50% and 85% of the trials finished. The random source is
 * seeded by the data, so the same snapshot gives the same dates.
 */
export interface ForecastNumbers {
  items: number;
  trials: number;
  window: { days: number; from: string; to: string; finished: number };
  /** Days from today, and the dates they land on. */
  p50: { days: number; date: string };
  p85: { days: number; date: string };
  p95: { days: number; date: string };
  /** How many trials finished on each date (for the chart). */
  distribution: { date: string; trials: number }[];
}

export const FORECAST_TRIALS = 10_000;
const MAX_DAYS = 3650;

export function forecastNumbers(
  finished: readonly FinishedItem[],
  options: { now: number; timeZone: string; items: number; windowDays: number; trials?: number },
): ForecastNumbers {
  const today = dayOf(options.now, options.timeZone);
  const fromDay = today - options.windowDays + 1;
  const daily = new Array<number>(options.windowDays).fill(0);
  for (const item of finished) {
    const index = item.finishDay - fromDay;
    if (index >= 0 && index < daily.length) daily[index] = (daily[index] ?? 0) + 1;
  }
  const total = daily.reduce((sum, count) => sum + count, 0);
  if (total === 0) {
    throw new ChatOpsError(
      'VALIDATION_FAILED',
      `Nothing was finished in the last ${options.windowDays} days.`,
      {
        remedy: 'A forecast needs recent throughput: try a longer window (days=180) or another project.',
      },
    );
  }
  const trials = options.trials ?? FORECAST_TRIALS;
  const random = mulberry32(seedOf([...daily, options.items]));
  const outcomes: number[] = [];
  for (let trial = 0; trial < trials; trial += 1) {
    let done = 0;
    let days = 0;
    while (done < options.items && days < MAX_DAYS) {
      done += daily[Math.floor(random() * daily.length)] ?? 0;
      days += 1;
    }
    outcomes.push(days);
  }
  const at = (p: number) => {
    const days = percentile(outcomes, p) ?? 0;
    return { days, date: dayLabel(today + days) };
  };
  const counts = new Map<number, number>();
  for (const days of outcomes) counts.set(days, (counts.get(days) ?? 0) + 1);
  return {
    items: options.items,
    trials,
    window: { days: options.windowDays, from: dayLabel(fromDay), to: dayLabel(today), finished: total },
    p50: at(50),
    p85: at(85),
    p95: at(95),
    distribution: [...counts.entries()]
      .sort((left, right) => left[0] - right[0])
      .map(([days, count]) => ({ date: dayLabel(today + days), trials: count })),
  };
}

/** A small, well-known seeded generator (Mulberry32): deterministic, good enough for resampling. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function seedOf(values: readonly number[]): number {
  let hash = 2_166_136_261;
  for (const value of values) {
    hash ^= value;
    hash = Math.imul(hash, 16_777_619);
  }
  return hash >>> 0;
}
