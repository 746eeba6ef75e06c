import type { Logger } from '../core/ports.ts';

/**
 * Waits for SIGTERM or SIGINT, then runs the shutdown steps in order (stop taking work, finish or release
 * running tasks, close connections). A second signal exits at once.
 */
export function untilSignalled(log: Logger, shutdown: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn('shutdown-forced', { signal });
        process.exit(1);
      }
      stopping = true;
      log.info('shutdown-started', { signal });
      shutdown()
        .then(() => {
          log.info('shutdown-finished');
          resolve(0);
        })
        .catch((error: unknown) => {
          log.error('shutdown-failed', { error });
          resolve(1);
        });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
