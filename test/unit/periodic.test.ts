import { afterEach, describe, expect, it, vi } from 'vitest';
import { startPeriodic } from '../../src/core/periodic.ts';
import type { Logger } from '../../src/core/ports.ts';

function recordingLog(): Logger & { warnings: { event: string; fields: unknown }[] } {
  const warnings: { event: string; fields: unknown }[] = [];
  const log = {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (event: string, fields?: unknown) => warnings.push({ event, fields }),
    error: () => {},
    child: () => log,
  };
  return log as unknown as Logger & { warnings: typeof warnings };
}

describe('startPeriodic', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never runs twice at once: a tick that comes while a run is still going is let pass', async () => {
    vi.useFakeTimers();
    let started = 0;
    let finish: () => void = () => {};
    const stop = startPeriodic({
      intervalMs: 100,
      failureEvent: 'sweep-failed',
      log: recordingLog(),
      run: () => {
        started += 1;
        return new Promise<void>((resolve) => {
          finish = resolve;
        });
      },
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toBe(1);
    await vi.advanceTimersByTimeAsync(300);
    expect(started).toBe(1);
    finish();
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toBe(2);
    stop();
    finish();
    await vi.advanceTimersByTimeAsync(500);
    expect(started).toBe(2);
  });

  it('runs at start when asked, and logs a failed run without stopping the next', async () => {
    vi.useFakeTimers();
    const log = recordingLog();
    let runs = 0;
    const stop = startPeriodic({
      intervalMs: 100,
      atStart: true,
      failureEvent: 'sweep-failed',
      log,
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('database down');
      },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    expect(log.warnings).toEqual([{ event: 'sweep-failed', fields: { error: expect.any(Error) } }]);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);
    expect(log.warnings).toHaveLength(1);
    stop();
  });
});
