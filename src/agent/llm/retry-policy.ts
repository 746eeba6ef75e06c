import Anthropic from '@anthropic-ai/sdk';
import { ChatOpsError } from '../../core/errors.ts';

/**
 * When to retry a model request and how long to wait. Retryable: timeouts, connection errors, 408, 409,
 * 429, 5xx and 529 (overloaded). The wait honours `retry-after-ms` / `retry-after` when the API sends them,
 * otherwise it is exponential with full jitter (so many workers do not retry in lockstep).
 */
export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
}

export const DEFAULT_RETRY: Omit<RetryPolicy, 'maxRetries'> = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  random: Math.random,
};

export function isRetryable(error: unknown): boolean {
  if (error instanceof Anthropic.APIUserAbortError) return false;
  if (error instanceof Anthropic.APIConnectionError) return true;
  if (error instanceof Anthropic.APIError && typeof error.status === 'number') {
    return [408, 409, 429].includes(error.status) || error.status >= 500;
  }
  return false;
}

/** Milliseconds to wait before retry number `attempt` (1-based). */
export function retryDelayMs(error: unknown, attempt: number, policy: RetryPolicy): number {
  const advised = advisedDelayMs(error);
  if (advised !== null) return Math.min(advised, policy.maxDelayMs * 2);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling * (0.5 + policy.random() * 0.5));
}

function advisedDelayMs(error: unknown): number | null {
  if (!(error instanceof Anthropic.APIError) || !error.headers) return null;
  const milliseconds = Number(error.headers.get('retry-after-ms'));
  if (Number.isFinite(milliseconds) && milliseconds >= 0 && error.headers.get('retry-after-ms') !== null)
    return milliseconds;
  const header = error.headers.get('retry-after');
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : null;
}

/** Turns what the API or the network threw into the error the task reports (with a remedy). */
export function modelError(error: unknown, model: string, attempts: number): ChatOpsError {
  if (error instanceof ChatOpsError) return error;
  const status = error instanceof Anthropic.APIError ? error.status : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  const tried = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  if (status === 401 || status === 403) {
    return new ChatOpsError('CONFIG_INVALID', `Anthropic refused the API key (${status}).`, {
      remedy: 'Check ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL if you use a gateway).',
      cause: error,
    });
  }
  if (status === 404) {
    return new ChatOpsError('CONFIG_INVALID', `The model ${model} is not available (404).`, {
      remedy: 'Set ANTHROPIC_MODEL to a model your account can use, e.g. claude-sonnet-5-5.',
      cause: error,
    });
  }
  if (status === 400 || status === 413 || status === 422) {
    return new ChatOpsError('SKILL_FAILED', `The model request was rejected (${status}): ${detail}`, {
      remedy: 'This is a bug in how the request was built; the worker log has the details.',
      cause: error,
    });
  }
  if (error instanceof Anthropic.APIUserAbortError) {
    return new ChatOpsError('BUDGET_EXCEEDED', 'The model took longer than this task may use.', {
      remedy: 'Ask a narrower question, or raise LLM_TASK_TIME_BUDGET_MS.',
      cause: error,
    });
  }
  return new ChatOpsError(
    'DEPENDENCY_UNAVAILABLE',
    `Claude (${model}) did not answer after ${tried}: ${status ? `${status} ` : ''}${detail}`,
    {
      remedy:
        'Anthropic is overloaded or unreachable; the task is retried later. Set ANTHROPIC_FALLBACK_MODEL to fall back to another model.',
      cause: error,
    },
  );
}
