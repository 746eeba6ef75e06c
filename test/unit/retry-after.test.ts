import { describe, expect, it } from 'vitest';
import { connectorError, retryAfterMsOf as headerMs } from '../../adapters/teams/connector-errors.ts';
import { ChatOpsError } from '../../src/core/index.ts';
import { RetryLaterError } from '../../src/core/task-outcome.ts';
import { retryAfterMsOf, retryDelayMs } from '../../src/queue/retry-after.ts';

describe('retry after a platform throttles', () => {
  const job = { opts: { backoff: { type: 'retry-after', delay: 1000 } } };

  it("waits exactly as long as Teams' Retry-After asks, through the worker's RetryLaterError", () => {
    const throttled = connectorError(
      { response: { status: 429, headers: { 'retry-after': '7' } } },
      'posting',
    );
    expect(throttled.code).toBe('RATE_LIMITED');
    expect(throttled.retryable).toBe(true);
    expect(retryAfterMsOf(new RetryLaterError(throttled))).toBe(7000);
    expect(retryDelayMs(3, new RetryLaterError(throttled), job)).toBe(7000);
  });

  it('backs off exponentially from the base delay for other transient failures', () => {
    const outage = new RetryLaterError(new ChatOpsError('DEPENDENCY_UNAVAILABLE', 'down'));
    expect([1, 2, 3].map((attempts) => retryDelayMs(attempts, outage, job))).toEqual([1000, 2000, 4000]);
    expect(retryDelayMs(1, new Error('boom'), undefined)).toBe(1000);
  });

  it('reads Retry-After as seconds or an HTTP date, bounded to ten minutes, 1 s when unreadable', () => {
    const now = () => Date.parse('2026-11-23T10:00:00Z');
    expect(headerMs('2', now)).toBe(2000);
    expect(headerMs('Mon, 23 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(headerMs('86400', now)).toBe(600_000);
    expect(headerMs('soon', now)).toBe(1000);
    expect(headerMs(undefined, now)).toBe(1000);
  });

  it('maps other Connector failures to what the worker should do', () => {
    expect(connectorError({ response: { status: 503 } }, 'x').retryable).toBe(true);
    expect(connectorError({ code: 'ECONNRESET', message: 'socket hang up' }, 'x').code).toBe(
      'DEPENDENCY_UNAVAILABLE',
    );
    expect(connectorError({ response: { status: 403 } }, 'x')).toMatchObject({
      code: 'FORBIDDEN',
      retryable: false,
    });
    expect(connectorError({ response: { status: 404 } }, 'x')).toMatchObject({
      code: 'NOT_FOUND',
      retryable: false,
    });
    const bad = connectorError(
      { response: { status: 400, data: { error: { code: 'BadArgument', message: 'card too big' } } } },
      'x',
    );
    expect(bad).toMatchObject({ code: 'VALIDATION_FAILED', retryable: false });
    expect(bad.message).toContain('BadArgument: card too big');
  });
});
