import { DIGEST_COMMAND } from '../core/digests.ts';
import { uuidFromKey } from '../core/ids.ts';
import type { InboundMessage } from '../core/ports.ts';
import { TASK_VERSION, type Task } from '../core/task.ts';
import type { StoredSchedule } from '../db/schedule-store.ts';

export interface ScheduleRun {
  task: Task;
  /**
   * The run's opening line in the channel (the thread root on the web chat and REST API). Digests have
   * none: a digest is its own thread root, and a quiet period must leave nothing behind.
   */
  message?: InboundMessage;
}

/**
 * Maps one fire time of a schedule to a Task (pure). Everything is derived from the schedule id and the fire
 * time — the task id, the job id (= task id), the source event id — so every scheduler replica that fires the
 * same schedule at the same second builds the same task, and the ledger keeps one.
 *
 * The run acts as the person who created the schedule (their roles apply), and starts a new thread: on the
 * REST API and web chat the thread root is the run's own opening message; on Slack and Teams a thread equal
 * to the channel means "post at the top level of the channel". A late (catch-up) or on-demand run says so
 * in `task.schedule`; a catch-up run has the same ids as the on-time run it replaces.
 */
export function scheduleRunToTask(
  schedule: StoredSchedule,
  fireTime: Date,
  run: { catchUp?: boolean; manualRequest?: string } = {},
): ScheduleRun {
  const fired = fireTime.toISOString();
  // A run asked for now (`/digest run`) is keyed by the request that asked, not by a fire time.
  const key = run.manualRequest
    ? ['schedule', schedule.id, 'manual', run.manualRequest]
    : ['schedule', schedule.id, fired];
  const id = uuidFromKey(...key, 'task');
  const messageId = uuidFromKey(...key, 'message');
  const thread = schedule.platform === 'api' ? messageId : schedule.channel;
  const shownArgs = Object.entries(schedule.args).map(([name, value]) => `${name}=${value}`);
  const line = [`/${schedule.command}`, ...shownArgs, schedule.text].filter(Boolean).join(' ');
  return {
    task: {
      v: TASK_VERSION,
      id,
      tenantId: schedule.tenantId,
      platform: 'scheduler',
      kind: 'schedule',
      user: { id: schedule.createdBy, name: schedule.createdBy },
      channel: schedule.channel,
      thread,
      text: schedule.text,
      command: schedule.command,
      args: { ...schedule.args },
      schedule: {
        id: schedule.id,
        name: schedule.name,
        fireTime: fired,
        catchUp: run.catchUp ?? false,
        manual: run.manualRequest !== undefined,
      },
      replyTo: {
        platform: schedule.platform,
        tenantId: schedule.tenantId,
        channel: schedule.channel,
        thread,
        ...(schedule.replyRef ? { ref: schedule.replyRef } : {}),
      },
      sourceEventId: key.join('.'),
      receivedAt: fired,
    },
    ...(schedule.command === DIGEST_COMMAND
      ? {}
      : { message: { id: messageId, text: `⏰ ${line} (schedule ${schedule.name})` } }),
  };
}
