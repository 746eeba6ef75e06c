import { randomBytes } from 'node:crypto';
import { DIGEST_COMMAND, type DigestRunView, type DigestView } from '../core/digests.ts';
import type { DigestRun } from '../db/digest-run-store.ts';
import type { StoredSchedule } from '../db/schedule-store.ts';
import { nextRunsOf } from '../scheduler/schedules-port.ts';

/**
 * A digest is a schedule of the `/digest` command: its kind, the phrase it was asked with and its options
 * are the schedule's arguments, and its short name (`dg-k2p9xq`) is the id people type.
 */
export interface DigestArguments {
  kind: string;
  /** What was understood ("weekdays at 17:30"), kept to say it back. */
  when: string;
  /** `quiet` and the kind's options. */
  options: Record<string, string>;
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const ID = /^dg-[a-z2-9]{6}$/;

/** A new digest id: short enough to type, random enough not to collide within a tenant. */
export function newDigestId(): string {
  const bytes = randomBytes(6);
  return `dg-${[...bytes].map((byte) => ALPHABET[byte % ALPHABET.length]).join('')}`;
}

export function isDigestId(text: string): boolean {
  return ID.test(text);
}

export function isDigestSchedule(schedule: StoredSchedule): boolean {
  return schedule.command === DIGEST_COMMAND && typeof schedule.args.kind === 'string';
}

export function digestArguments(schedule: StoredSchedule): DigestArguments {
  const { kind = '', when = schedule.cron, ...options } = schedule.args;
  return { kind, when, options };
}

export function scheduleArguments(digest: DigestArguments): Record<string, string> {
  return { kind: digest.kind, when: digest.when, ...digest.options };
}

export function digestView(schedule: StoredSchedule, lastRun: DigestRun | null, now: Date): DigestView {
  const { kind, when, options } = digestArguments(schedule);
  return {
    id: schedule.name,
    kind,
    cron: schedule.cron,
    when,
    timeZone: schedule.timezone,
    platform: schedule.platform,
    channel: schedule.channel,
    options,
    enabled: schedule.enabled,
    createdBy: schedule.createdBy,
    nextRuns: nextRunsOf(schedule, 3, now).map((date) => date.toISOString()),
    lastRun: lastRun ? runView(lastRun) : null,
  };
}

function runView(run: DigestRun): DigestRunView {
  return {
    periodEnd: run.periodEnd.toISOString(),
    status: run.status,
    at: (run.postedAt ?? run.updatedAt).toISOString(),
    catchUp: run.catchUp,
  };
}
