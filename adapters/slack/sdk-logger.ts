import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import type { Logger } from '../../src/core/index.ts';

/**
 * The Slack SDK's logger interface onto ours, so Bolt's and the Web API client's messages land in the
 * same structured log. Bolt logs failed signature checks as warnings; they are an attacker's doing, and a
 * warning is what they are.
 */
export function sdkLogger(log: Logger, name = 'slack-sdk'): SlackLogger {
  let level: LogLevel = LogLevel.INFO;
  const write = (at: 'debug' | 'info' | 'warn' | 'error', parts: unknown[]) => {
    const message = parts.map((part) =>
      part instanceof Error ? `${part.name}: ${part.message}` : String(part),
    );
    const fields = { source: name, message: message.join(' ').slice(0, 2000) };
    if (at === 'error' || at === 'warn') log.warn('slack-sdk-log', fields);
    else if (at === 'info') log.info('slack-sdk-log', fields);
    else log.debug('slack-sdk-log', fields);
  };
  return {
    debug: (...parts: unknown[]) => write('debug', parts),
    info: (...parts: unknown[]) => write('info', parts),
    warn: (...parts: unknown[]) => write('warn', parts),
    error: (...parts: unknown[]) => write('error', parts),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
