import type { ChatOpsError } from '../core/errors.ts';
import type { LiveEvents, Logger, Sender } from '../core/ports.ts';
import { type Platform, ReplyAddressSchema } from '../core/task.ts';
import type { MessageStore } from '../db/message-store.ts';
import type { StaleTask, TaskLedger } from '../db/task-ledger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { failureReply } from './failure-reply.ts';
import { ReplyChannel } from './reply-channel.ts';

export interface AbandonServices {
  ledger: TaskLedger;
  messages: MessageStore;
  senders: ReadonlyMap<Platform, Sender>;
  live: LiveEvents;
  metrics: Metrics;
  log: Logger;
}

/**
 * Ends a queued task that can never run (the stale-task sweeper found it): failed in the ledger with the
 * reason, then one reply to the person, in the task's thread, when its payload still names where replies
 * go. The ledger's compare-and-set makes the reply once, however many sweepers found the task.
 */
export async function abandonTask(
  services: AbandonServices,
  stale: StaleTask,
  error: ChatOpsError,
): Promise<boolean> {
  const detail = {
    code: error.code,
    message: error.message,
    ...(error.remedy ? { remedy: error.remedy } : {}),
  };
  if (!(await services.ledger.abandon(stale.id, detail))) return false;
  const payload = (stale.payload ?? {}) as { replyTo?: unknown; platform?: unknown };
  services.metrics.tasksFailed.inc({
    platform: typeof payload.platform === 'string' ? payload.platform : 'unknown',
    skill: 'none',
    code: error.code,
  });
  const address = ReplyAddressSchema.safeParse(payload.replyTo);
  const sender = address.success ? services.senders.get(address.data.platform) : undefined;
  if (!address.success || !sender) {
    services.log.warn('abandoned-task-not-answered', { taskId: stale.id, reason: 'no reply address' });
    return true;
  }
  const task = { id: stale.id, replyTo: address.data };
  const channel = new ReplyChannel({
    task,
    skill: null,
    messages: services.messages,
    sender,
    live: services.live,
    log: services.log,
  });
  try {
    await channel.reply(failureReply(error, task));
  } catch (replyError) {
    services.log.error('abandoned-task-reply-failed', { taskId: stale.id, error: replyError });
  }
  return true;
}
