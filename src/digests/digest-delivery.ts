import type { DigestDelivery, DigestKind, DigestSources } from '../core/digests.ts';
import { ChatOpsError, isChatOpsError } from '../core/errors.ts';
import { uuidFromKey } from '../core/ids.ts';
import type { Clock, DeliveryMarker, LiveEvents, Logger, Sender, SendOutcome } from '../core/ports.ts';
import type { Reply } from '../core/reply.ts';
import type { SkillCatalog } from '../core/skill-catalog.ts';
import type { Platform, ReplyAddress, Task, TaskSchedule } from '../core/task.ts';
import type { DigestRun, DigestRunStore } from '../db/digest-run-store.ts';
import type { MessageStore, StoredMessage } from '../db/message-store.ts';
import type { ScheduleStore, StoredSchedule } from '../db/schedule-store.ts';
import type { Metrics } from '../observability/metrics.ts';
import { digestReply } from './digest-frame.ts';
import { kindOptions } from './digest-options.ts';
import { periodOf } from './digest-period.ts';
import { digestArguments } from './digest-schedule.ts';
import type { DigestPlace } from './digest-sources.ts';

export interface DeliveryDependencies {
  schedules: Pick<ScheduleStore, 'byId'>;
  runs: DigestRunStore;
  messages: MessageStore;
  senders: ReadonlyMap<Platform, Sender>;
  live: LiveEvents;
  catalog: SkillCatalog;
  sources: (place: DigestPlace) => DigestSources;
  metrics: Pick<Metrics, 'digests' | 'digestDelay'>;
  clock: Clock;
  log: Logger;
}

/** Slack's metadata event type of digest posts (and the marker type senders look for). */
export const DIGEST_MARKER_TYPE = 'chatops_digest';
/** A post may be found in the channel a little before the send was recorded as started (clock skew). */
const LOOKUP_MARGIN_MS = 5 * 60_000;

/**
 * Posts one digest exactly once per schedule and period:
 * 1. the period is claimed in PostgreSQL (digest_runs) before anything is built;
 * 2. the digest is built and stored as our message (its id is the marker), then the send is recorded as
 *    started with a compare-and-set, so two workers never send the same period;
 * 3. the post carries a deterministic marker and is sent once, without automatic retries;
 * 4. a send whose outcome is unknown (timeout, lost response, crash) is settled by looking for the marker in
 *    the channel before anything is posted again (Slack: conversations.history). A platform that cannot be
 *    read back (Teams) holds the period instead: it is reported, never posted twice.
 */
export async function deliverDigest(task: Task, deps: DeliveryDependencies): Promise<DigestDelivery> {
  const run = task.schedule;
  if (!run) {
    throw new ChatOpsError('VALIDATION_FAILED', 'A digest run needs its schedule.', {
      remedy: 'Digests run from the scheduler or `/digest run <id>`; type /digest for the commands.',
    });
  }
  const schedule = await deps.schedules.byId(run.id);
  if (!schedule) return done(deps, task, '?', 'not-due', 'the digest was removed before it ran');
  if (!schedule.enabled && !run.manual) return done(deps, task, '?', 'not-due', 'the digest is paused');
  const { kind: kindName, when, options } = digestArguments(schedule);
  if (!kindName) {
    throw new ChatOpsError(
      'VALIDATION_FAILED',
      `Schedule ${schedule.name} runs /digest without saying which digest.`,
      {
        remedy:
          'Create digests with /digest add, chatops digest add or POST /api/v1/digests, which set the kind.',
        retryable: false,
      },
    );
  }
  const kind = deps.catalog.digestKind(kindName)?.kind;
  if (!kind) {
    throw new ChatOpsError('NOT_FOUND', `The digest kind "${kindName}" is not installed.`, {
      remedy: `Remove the digest (/digest remove ${schedule.name}) or install the skill that offers it.`,
      retryable: false,
    });
  }
  const now = deps.clock.now();
  const end = run.manual ? now : new Date(run.fireTime);
  const lastCovered = run.catchUp
    ? (await deps.runs.latest([schedule.id])).get(schedule.id)?.periodEnd
    : null;
  const period = periodOf(schedule, end, { upToNow: run.manual, lastCovered: lastCovered ?? null });
  const periodKey = run.manual ? `manual.${task.id}` : run.fireTime;
  const { run: claimed, claimed: fresh } = await deps.runs.claim({
    scheduleId: schedule.id,
    periodKey,
    tenantId: schedule.tenantId,
    taskId: task.id,
    fireTime: new Date(run.fireTime),
    periodStart: period.start,
    periodEnd: period.end,
    catchUp: run.catchUp,
  });
  const label = { kind: kind.kind, platform: schedule.platform };
  if (claimed.status === 'posted') return done(deps, task, label, 'already-posted', 'posted before');
  if (claimed.status === 'skipped') return done(deps, task, label, 'skipped', 'nothing new (decided before)');
  if (claimed.status === 'unknown') return done(deps, task, label, 'held', 'outcome unknown (held before)');
  const messageId = uuidFromKey('digest-message', schedule.id, periodKey);
  // On the web chat and REST API the digest is its own thread root; on Slack and Teams a top-level post.
  const address: ReplyAddress = {
    ...task.replyTo,
    thread: schedule.platform === 'api' ? messageId : task.replyTo.thread,
  };
  const marker: DeliveryMarker = { type: DIGEST_MARKER_TYPE, key: `${schedule.name}/${periodKey}` };
  const sender = deps.senders.get(schedule.platform);
  if (!sender) {
    throw new ChatOpsError('CONFIG_INVALID', `No sender is configured for ${schedule.platform}.`, {
      remedy: `Configure ${schedule.platform} on the workers, or remove the digest (/digest remove ${schedule.name}).`,
      retryable: false,
    });
  }
  const log = deps.log.child({ digest: schedule.name, period: periodKey, kind: kind.kind });
  if (claimed.status === 'sending') {
    const settled = await settleEarlierSend(claimed, { deps, sender, address, marker, log });
    if (settled) return done(deps, task, label, settled.outcome, settled.detail);
  }
  // A period claimed just now has no message yet; an earlier attempt's message is reused as it was.
  let message = fresh ? null : await deps.messages.byDeliveryKey(deliveryKey(schedule, periodKey));
  let figures = claimed.figures;
  if (!message) {
    const content = await build(kind, schedule, { period, options, sources: deps.sources(schedule), log });
    figures = content.figures;
    const quietSetting = options.quiet ?? 'skip';
    if (content.quiet && quietSetting === 'skip') {
      await deps.runs.skipped(claimed, content.figures);
      return done(deps, task, label, 'skipped', 'nothing new in the period');
    }
    const reply = digestReply({
      content,
      id: schedule.name,
      kind: kind.kind,
      when,
      period,
      deliveryKey: marker.key,
      catchUp: run.catchUp,
      manual: run.manual,
      oneLine: content.quiet,
    });
    message = await store(deps, schedule, task, address, messageId, reply, periodKey);
  }
  const sending = await deps.runs.beginSend(claimed, message.id, figures);
  if (!sending) return done(deps, task, label, 'already-posted', 'another worker is sending this period');
  return send({ deps, task, schedule, run, sending, sender, address, message, marker, label, log });
}

interface SendInput {
  deps: DeliveryDependencies;
  task: Task;
  schedule: StoredSchedule;
  run: TaskSchedule;
  sending: DigestRun;
  sender: Sender;
  address: ReplyAddress;
  message: StoredMessage;
  marker: DeliveryMarker;
  label: { kind: string; platform: Platform };
  log: Logger;
}

async function send(input: SendInput): Promise<DigestDelivery> {
  const { deps, task, sending, sender, address, message, marker, log } = input;
  const reply = message.reply as Reply;
  try {
    const sent = await sender.send(address, reply, {
      id: message.id,
      taskId: task.id,
      skill: 'digest',
      createdAt: new Date(message.createdAt),
      marker,
    });
    await recordPosted(deps, sending, message, sent.platformMessageId);
    deps.metrics.digestDelay.observe(
      { platform: input.schedule.platform },
      Math.max(0, deps.clock.now().getTime() - Date.parse(input.run.fireTime)) / 1000,
    );
    return done(deps, task, input.label, 'posted', `posted as ${sent.platformMessageId ?? message.id}`);
  } catch (error) {
    const outcome = sendOutcomeOf(error);
    if (outcome === 'not-sent') {
      await deps.runs.notSent(sending);
      throw error;
    }
    if (!sender.findMarked) {
      await deps.runs.held(sending);
      log.warn('digest-outcome-unknown', {
        error,
        remedy: `The platform cannot be read back: check the channel; /digest run ${input.schedule.name} posts it again.`,
      });
      return done(
        deps,
        task,
        input.label,
        'held',
        'the send may or may not have landed; held, not re-posted',
      );
    }
    log.warn('digest-outcome-unknown', { error, next: 'the channel is checked before posting again' });
    throw new ChatOpsError(
      'DEPENDENCY_UNAVAILABLE',
      'The digest post may or may not have reached the channel; it is looked for there before it is posted again.',
      { remedy: 'Nothing to do: the next attempt checks the channel first.', cause: error },
    );
  }
}

interface SettleInput {
  deps: DeliveryDependencies;
  sender: Sender;
  address: ReplyAddress;
  marker: DeliveryMarker;
  log: Logger;
}

/**
 * An earlier send of this period started and its outcome was not recorded. Returns what happened when it
 * is known (the post is there, or it cannot be checked), or null when the post is surely not in the channel
 * and may be sent (again).
 */
async function settleEarlierSend(
  run: DigestRun,
  input: SettleInput,
): Promise<{ outcome: DigestDelivery['outcome']; detail: string } | null> {
  const { deps, sender, address, marker, log } = input;
  const message = run.messageId ? await deps.messages.byId(run.messageId) : null;
  if (message?.platformMessageId) {
    await deps.runs.posted(run, message.platformMessageId);
    return { outcome: 'already-posted', detail: 'the post was recorded before' };
  }
  if (address.platform === 'api') return null;
  const since = new Date((run.sendingAt ?? run.updatedAt).getTime() - LOOKUP_MARGIN_MS);
  const lookup = sender.findMarked
    ? await sender.findMarked(address, marker, since)
    : { found: 'unsupported' as const, reason: `${address.platform} cannot be read back` };
  if (lookup.found === true) {
    if (message) await recordPosted(deps, run, message, lookup.platformMessageId);
    else await deps.runs.posted(run, lookup.platformMessageId);
    log.info('digest-found-in-channel', { platformMessageId: lookup.platformMessageId });
    return { outcome: 'already-posted', detail: 'found in the channel after an unknown outcome' };
  }
  if (lookup.found === 'unsupported') {
    await deps.runs.held(run);
    log.warn('digest-outcome-unknown', { reason: lookup.reason });
    return { outcome: 'held', detail: `outcome unknown and ${lookup.reason}: held, not re-posted` };
  }
  log.info('digest-not-in-channel', { next: 'posting it (again)' });
  return null;
}

async function recordPosted(
  deps: DeliveryDependencies,
  run: DigestRun,
  message: StoredMessage,
  platformMessageId: string | null,
): Promise<void> {
  await Promise.all([
    platformMessageId ? deps.messages.setPlatformMessageId(message.id, platformMessageId) : undefined,
    deps.runs.posted(run, platformMessageId),
  ]);
}

async function build(
  kind: DigestKind,
  schedule: StoredSchedule,
  input: {
    period: ReturnType<typeof periodOf>;
    options: Record<string, string>;
    sources: DigestSources;
    log: Logger;
  },
) {
  return kind.build({
    tenantId: schedule.tenantId,
    platform: schedule.platform,
    channel: schedule.channel,
    createdBy: schedule.createdBy,
    period: input.period,
    options: kindOptions(kind, input.options),
    sources: input.sources,
    log: input.log,
  });
}

async function store(
  deps: DeliveryDependencies,
  schedule: StoredSchedule,
  task: Task,
  address: ReplyAddress,
  messageId: string,
  reply: Reply,
  periodKey: string,
): Promise<StoredMessage> {
  const { message, created } = await deps.messages.insertBotMessage({
    id: messageId,
    tenantId: schedule.tenantId,
    platform: schedule.platform,
    channel: schedule.channel,
    thread: address.thread,
    reply,
    skill: 'digest',
    taskId: task.id,
    deliveryKey: deliveryKey(schedule, periodKey),
  });
  if (created) await deps.live.publish({ type: 'message.created', message });
  return message;
}

function deliveryKey(schedule: StoredSchedule, periodKey: string): string {
  return `digest.${schedule.id}.${periodKey}`;
}

/** How a failed send ended: the sender says so; anything else thrown mid-send may have landed. */
export function sendOutcomeOf(error: unknown): SendOutcome {
  if (isChatOpsError(error)) {
    const declared = error.details.sendOutcome;
    if (declared === 'not-sent' || declared === 'unknown') return declared;
    return error.retryable ? 'unknown' : 'not-sent';
  }
  return 'unknown';
}

function done(
  deps: DeliveryDependencies,
  task: Task,
  label: { kind: string; platform: Platform } | '?',
  outcome: DigestDelivery['outcome'],
  detail: string,
): DigestDelivery {
  const { kind, platform } = label === '?' ? { kind: 'unknown', platform: task.replyTo.platform } : label;
  deps.metrics.digests.inc({ platform, kind, outcome });
  deps.log.info('digest-run-finished', { taskId: task.id, outcome, detail });
  return { outcome, detail };
}
