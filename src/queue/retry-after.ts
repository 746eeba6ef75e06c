import type { Job } from 'bullmq';
import { isChatOpsError } from '../core/errors.ts';

/**
 * The queue's retry delay: a platform that said "not now" (Teams' or Slack's 429 with Retry-After, carried
 * as `details.retryAfterMs` of a RATE_LIMITED error) is asked again after exactly that long; any other
 * transient failure backs off exponentially from the job's base delay. Each retry still counts as an
 * attempt, so a platform that never relents cannot hold a task forever.
 */
export const RETRY_AFTER_BACKOFF = 'retry-after';

export function retryAfterMsOf(error: unknown): number | undefined {
  const cause = error instanceof Error && isChatOpsError(error.cause) ? error.cause : error;
  if (!isChatOpsError(cause) || cause.code !== 'RATE_LIMITED') return undefined;
  const value = cause.details.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function retryDelayMs(
  attemptsMade: number,
  error: unknown,
  job: Pick<Job, 'opts'> | undefined,
): number {
  const requested = retryAfterMsOf(error);
  if (requested !== undefined) return requested;
  const base =
    job?.opts.backoff && typeof job.opts.backoff === 'object' ? (job.opts.backoff.delay ?? 1000) : 1000;
  return Math.round(2 ** Math.max(0, attemptsMade - 1) * base);
}
