import type { Logger, TaskQueue } from '../core/ports.ts';
import type { TaskLedger } from '../db/task-ledger.ts';

/**
 * Re-enqueues tasks that were recorded but never reached the queue (Redis was down when the gateway tried).
 * The job id is derived from the task, so a task that is in fact queued is not added twice; the ledger
 * makes a second run of a finished task a no-op.
 */
export function startStaleTaskSweeper(
  ledger: TaskLedger,
  queue: TaskQueue,
  log: Logger,
  options: { intervalMs: number; olderThanSeconds: number },
): () => void {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const stale = await ledger.stale(options.olderThanSeconds, 100);
      for (const task of stale) {
        await queue.enqueue(task);
        await ledger.touch(task.id);
      }
      if (stale.length > 0) log.info('stale-tasks-requeued', { count: stale.length });
    } catch (error) {
      log.warn('stale-task-sweep-failed', { error });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(sweep, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
