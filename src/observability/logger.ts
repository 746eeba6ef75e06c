import type { LogFields, Logger } from '../core/ports.ts';
import { redactSecrets } from '../core/redact.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level: Level;
  format: 'json' | 'pretty';
  /** Where lines go; tests pass an array-backed writer. */
  write?: (line: string) => void;
}

/**
 * A small structured logger: one JSON object per line for log shippers, or a readable line for people.
 * Errors are flattened to message, code and stack so they survive JSON.
 */
export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const threshold = RANK[options.level];
  const context = flatten(bound);
  const emit = (level: Level, event: string, fields: LogFields = {}) => {
    if (RANK[level] < threshold) return;
    const record = { time: new Date().toISOString(), level, event, ...context, ...flatten(fields) };
    write(options.format === 'json' ? JSON.stringify(record) : pretty(record));
  };
  return {
    debug: (event, fields) => emit('debug', event, fields),
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

// Secrets never reach a log shipper, whatever a caller passes in: bound fields, nested objects and errors
// at any depth are redacted (an error's own fields, such as a ChatOpsError's details, are not logged).
function flatten(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) out[key] = safeValue(value);
  return out;
}

function safeValue(value: unknown): unknown {
  if (value instanceof Error) return describeError(value);
  if (typeof value === 'string') return redactSecrets(value);
  if (Array.isArray(value)) return value.map(safeValue);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, safeValue(entry)]));
  }
  return value;
}

function describeError(error: Error): LogFields {
  const code = (error as { code?: unknown }).code;
  return {
    message: redactSecrets(error.message),
    ...(code === undefined ? {} : { code }),
    stack: error.stack === undefined ? undefined : redactSecrets(error.stack),
  };
}

function pretty(record: LogFields & { time: string; level: string; event: string }): string {
  const { time, level, event, ...rest } = record;
  const extras = Object.entries(rest)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${time.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${event}${extras ? ` ${extras}` : ''}`;
}

/** A logger that drops everything (benchmarks, quiet tests). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
