import { ChatOpsError, isChatOpsError, type SendOutcome } from '../../src/core/index.ts';

/**
 * Bot Connector failures as ChatOpsErrors the worker understands: 429 asks to run again after its
 * Retry-After (as `details.retryAfterMs`), 5xx and network failures are retried with backoff, and
 * the rest (bad request, bot removed, wrong credentials) fail at once with what to do about it.
 */
interface HttpFailure {
  response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
  code?: string;
  message?: string;
}

export function connectorError(error: unknown, what: string, now: () => number = Date.now): ChatOpsError {
  if (isChatOpsError(error)) return error;
  const mapped = mapFailure(error, what, now);
  mapped.details.sendOutcome = sendOutcomeOf(error as HttpFailure);
  return mapped;
}

/** Network errors that happen before a request is sent: Teams cannot have acted on it. */
const BEFORE_SENDING = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL']);

/**
 * Whether a failed post may still have landed: an answer (429, 4xx, 503) means it did not; a gateway error
 * (500, 502, 504) or a connection lost after the request went out (timeout, reset) means it may have.
 */
function sendOutcomeOf(failure: HttpFailure | null): SendOutcome {
  const status = failure?.response?.status;
  if (status !== undefined) return [500, 502, 504].includes(status) ? 'unknown' : 'not-sent';
  return failure?.code && BEFORE_SENDING.has(failure.code) ? 'not-sent' : 'unknown';
}

function mapFailure(error: unknown, what: string, now: () => number): ChatOpsError {
  const failure = (error ?? {}) as HttpFailure;
  const status = failure.response?.status;
  const detail = describe(failure.response?.data) ?? failure.message ?? 'no answer';
  if (status === 429) {
    const retryAfterMs = retryAfterMsOf(failure.response?.headers?.['retry-after'], now);
    return new ChatOpsError('RATE_LIMITED', `Teams is throttling the bot (${what}).`, {
      remedy:
        'Nothing to do: the reply is delayed, not lost, and is sent again after the time Teams asked for.',
      details: { retryAfterMs },
      cause: error,
    });
  }
  if (status === undefined || status >= 500 || status === 408) {
    return new ChatOpsError(
      'DEPENDENCY_UNAVAILABLE',
      `The Bot Connector did not answer (${what}: ${detail}).`,
      {
        remedy: 'This is usually brief; the reply is retried.',
        cause: error,
      },
    );
  }
  if (status === 401 || status === 403) {
    return new ChatOpsError('FORBIDDEN', `Teams refused the bot (${what}: HTTP ${status}, ${detail}).`, {
      remedy:
        'Check that the app is still installed in this team or chat, and that TEAMS_APP_ID / TEAMS_APP_PASSWORD belong to the Azure Bot.',
      cause: error,
    });
  }
  if (status === 404) {
    return new ChatOpsError('NOT_FOUND', `Teams does not know this conversation or message (${what}).`, {
      remedy:
        'The bot may have been removed from the team or chat, or the message deleted; add the app again.',
      cause: error,
    });
  }
  return new ChatOpsError(
    'VALIDATION_FAILED',
    `Teams rejected the message (${what}: HTTP ${status}, ${detail}).`,
    {
      remedy: 'This is a bug in the Teams renderer: report it with the worker log.',
      cause: error,
    },
  );
}

const DEFAULT_RETRY_AFTER_MS = 1_000;
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Retry-After as seconds or an HTTP date; bounded so a bad header cannot park a reply for hours. */
export function retryAfterMsOf(header: unknown, now: () => number = Date.now): number {
  const text = Array.isArray(header) ? String(header[0]) : header === undefined ? '' : String(header);
  const seconds = Number(text);
  const ms = text && Number.isFinite(seconds) ? seconds * 1000 : Date.parse(text) - now();
  if (!Number.isFinite(ms) || ms <= 0) return DEFAULT_RETRY_AFTER_MS;
  return Math.min(Math.ceil(ms), MAX_RETRY_AFTER_MS);
}

function describe(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return typeof data === 'string' ? data.slice(0, 200) : undefined;
  const inner = (data as { error?: { code?: string; message?: string } }).error;
  return inner ? `${inner.code ?? 'error'}: ${inner.message ?? ''}`.slice(0, 200) : undefined;
}
