/**
 * Error codes and the one error type the bot throws on purpose.
 *
 * Every error carries a stable code, a message that says what went wrong, and a remedy that says how to fix
 * it. `retryable` decides what the queue does: a retryable error is retried with backoff, anything else
 * (bad input, denied permission) fails the task at once with one clear reply.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: { status: 500, retryable: false },
  VALIDATION_FAILED: { status: 400, retryable: false },
  INVALID_JSON: { status: 400, retryable: false },
  BODY_TOO_LARGE: { status: 413, retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false },
  RATE_LIMITED: { status: 429, retryable: true },
  UNAUTHORIZED: { status: 401, retryable: false },
  FORBIDDEN: { status: 403, retryable: false },
  /** An API key lacks the scope the request needs (the details name it). */
  SCOPE_REQUIRED: { status: 403, retryable: false },
  /** An approval decision came from a service key: deciding needs a person's own identity. */
  PERSONAL_TOKEN_REQUIRED: { status: 403, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  METHOD_NOT_ALLOWED: { status: 405, retryable: false },
  UNKNOWN_COMMAND: { status: 400, retryable: false },
  UNKNOWN_ACTION: { status: 400, retryable: false },
  SKILL_NOT_FOUND: { status: 400, retryable: false },
  SKILL_FAILED: { status: 500, retryable: false },
  DEPENDENCY_UNAVAILABLE: { status: 503, retryable: true },
  BUDGET_EXCEEDED: { status: 429, retryable: false },
  DATABASE_LOCKED: { status: 503, retryable: false },
  TIMEOUT: { status: 504, retryable: true },
  CONFLICT: { status: 409, retryable: false },
  INTERNAL: { status: 500, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ChatOpsErrorOptions {
  /** How the person who sees this error can fix it. */
  remedy?: string;
  /** Structured details, e.g. the fields at fault. Never secrets. */
  details?: Record<string, unknown>;
  /** Overrides the code's default retry decision. */
  retryable?: boolean;
  cause?: unknown;
}

export class ChatOpsError extends Error {
  readonly code: ErrorCode;
  readonly remedy: string | undefined;
  readonly details: Record<string, unknown>;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: ChatOpsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChatOpsError';
    this.code = code;
    this.remedy = options.remedy;
    this.details = options.details ?? {};
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].status;
  }

  /** The message with its remedy, as a person reads it. */
  get explanation(): string {
    return this.remedy ? `${this.message} ${this.remedy}` : this.message;
  }
}

export function isChatOpsError(error: unknown): error is ChatOpsError {
  return error instanceof ChatOpsError;
}

/** Wraps anything thrown into a ChatOpsError so one handler can report it. Unknown errors are retryable. */
export function toChatOpsError(error: unknown): ChatOpsError {
  if (isChatOpsError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ChatOpsError('INTERNAL', `Unexpected error: ${message}`, {
    remedy: 'This is a bug or an outage; the task is retried. Check the worker log for the stack trace.',
    cause: error,
  });
}
