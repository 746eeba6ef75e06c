import type { ILogger, ILoggerOptions, LogLevel } from '@microsoft/teams.common';
import type { Logger } from '../../src/core/index.ts';

/**
 * The Teams SDK's logger interface onto ours, so its messages land in the same structured log instead of
 * the console. The SDK logs rejected tokens as errors; they are an attacker's doing, not ours: warnings.
 */
export function sdkLogger(log: Logger, name = 'teams-sdk'): ILogger {
  const write = (level: LogLevel, parts: unknown[]) => {
    const [first, ...rest] = parts;
    const message = typeof first === 'string' ? first : JSON.stringify(first);
    const fields = { source: name, message, ...(rest.length > 0 ? { details: rest.map(describe) } : {}) };
    if (level === 'error' || level === 'warn') log.warn('teams-sdk-log', fields);
    else if (level === 'info') log.info('teams-sdk-log', fields);
    else log.debug('teams-sdk-log', fields);
  };
  const logger: ILogger = {
    loggerOptions: { level: 'info' } satisfies ILoggerOptions,
    debug: (...parts: unknown[]) => write('debug', parts),
    info: (...parts: unknown[]) => write('info', parts),
    warn: (...parts: unknown[]) => write('warn', parts),
    error: (...parts: unknown[]) => write('error', parts),
    trace: (...parts: unknown[]) => write('trace', parts),
    log: (level: LogLevel, ...parts: unknown[]) => write(level, parts),
    child: (child: string) => sdkLogger(log, `${name}/${child}`),
  };
  return logger;
}

function describe(value: unknown): unknown {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') return value.slice(0, 500);
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return String(value);
  }
}
