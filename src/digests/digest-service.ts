import type {
  DigestContent,
  DigestDraft,
  DigestKind,
  DigestPreview,
  DigestsPort,
  DigestView,
} from '../core/digests.ts';
import { DIGEST_COMMAND } from '../core/digests.ts';
import { ChatOpsError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Intake } from '../core/ports.ts';
import { parseWhen } from '../core/schedule-phrases.ts';
import type { Platform } from '../core/task.ts';
import type { Directory } from '../db/directory.ts';
import type { ScheduleStore, StoredSchedule } from '../db/schedule-store.ts';
import { checkScheduleDefinition } from '../scheduler/schedule-definition.ts';
import { scheduleRunToTask } from '../scheduler/schedule-run.ts';
import { nextRunsOf } from '../scheduler/schedules-port.ts';
import { isTimeZone } from '../scheduler/zoned-time.ts';
import { type DeliveryDependencies, deliverDigest } from './digest-delivery.ts';
import { checkDigestOptions, kindOptions } from './digest-options.ts';
import { periodOf } from './digest-period.ts';
import { digestView, isDigestSchedule, newDigestId, scheduleArguments } from './digest-schedule.ts';

export interface DigestServiceDependencies extends DeliveryDependencies {
  store: Pick<ScheduleStore, 'byId' | 'byName' | 'upsert' | 'remove' | 'list' | 'setEnabled'>;
  directory: Pick<Directory, 'rolesOf'>;
  intake: Intake;
  /** Zone of digests when nothing more specific is known (SCHEDULE_DEFAULT_TIMEZONE). */
  defaultTimeZone: string;
}

/** Who is asking, and from where: a person in a channel, or an operator (CLI, REST API). */
export interface DigestActor {
  tenantId: string;
  /** The person's platform and id (`alice` on the web chat, `U0123…` on Slack), or the operator's name. */
  platform: Platform;
  userId: string;
  /** Where the request was made: a new digest posts here unless told otherwise; null for operators. */
  place: { platform: Platform; channel: string; ref?: Record<string, unknown> } | null;
  /** Operators may pick operator-only options and manage every digest of the tenant. */
  operator: boolean;
  /** The person's zone, when their platform tells it (asked only when a new digest needs it). */
  timeZone?: string | (() => Promise<string | undefined>) | undefined;
}

/** The role that may manage every digest of a tenant from chat. */
const ADMIN_ROLE = 'admin';

/**
 * The digests port (`ctx.digests` in chat; the REST API and CLI use it as operators). A digest is a
 * schedule of `/digest` (see digest-schedule.ts) that the scheduler fires like any other; this adds what
 * people need around it: phrases and zones, options checked against the kind, previews (the next three
 * fire times and the digest as it reads now), and who may change what.
 */
export function digestsPort(deps: DigestServiceDependencies, actor: DigestActor): DigestsPort {
  const available = () => availableKinds(deps);
  const find = async (id: string): Promise<StoredSchedule> => {
    const schedule = await deps.store.byName(actor.tenantId, id.trim());
    if (!schedule || !isDigestSchedule(schedule)) {
      throw new ChatOpsError('NOT_FOUND', `There is no digest ${id.slice(0, 40)} here.`, {
        remedy: 'Type /digest list to see the digests of this channel and their ids (dg-…).',
      });
    }
    return schedule;
  };
  const mayChange = async (schedule: StoredSchedule): Promise<StoredSchedule> => {
    if (actor.operator) return schedule;
    const own = schedule.platform === actor.platform && schedule.createdBy === actor.userId;
    const here = schedule.platform === actor.place?.platform && schedule.channel === actor.place.channel;
    if (own || here) return schedule;
    const roles = await deps.directory.rolesOf(actor.tenantId, actor.platform, actor.userId);
    if (roles.includes(ADMIN_ROLE)) return schedule;
    throw new ChatOpsError('FORBIDDEN', `Digest ${schedule.name} belongs to another channel.`, {
      remedy: `Change it from its channel, ask ${schedule.createdBy} (who made it), or an admin (chatops role grant <you> admin).`,
    });
  };
  const view = async (schedule: StoredSchedule): Promise<DigestView> => {
    const runs = await deps.runs.latest([schedule.id]);
    return digestView(schedule, runs.get(schedule.id) ?? null, deps.clock.now());
  };

  const draftToSchedule = async (draft: DigestDraft) => {
    const kind = kindOf(deps, draft.kind, available());
    const when = parseWhen(draft.when);
    const place = draft.place ?? actor.place;
    if (!place) {
      throw new ChatOpsError('VALIDATION_FAILED', 'Where should the digest post?', {
        remedy: 'Name the channel: `--channel slack:C0123ABCDEF` (CLI) or `"channel": "ops"` (REST).',
      });
    }
    const timeZone = await zoneOf(deps, actor, draft.timeZone, place);
    const options = checkDigestOptions(kind, draft.options, { operator: actor.operator });
    const definition = checkScheduleDefinition(
      {
        name: newDigestId(),
        tenantId: actor.tenantId,
        cron: when.cron,
        timezone: timeZone,
        platform: place.platform,
        channel: place.channel,
        command: DIGEST_COMMAND,
        text: '',
        args: scheduleArguments({ kind: kind.kind, when: when.description, options }),
        createdBy: actor.userId,
        enabled: true,
        ...replyRefOf(actor, place),
      },
      deps.catalog,
    );
    return { kind, when, place, timeZone, options, definition };
  };

  const present = async (
    planned: Awaited<ReturnType<typeof draftToSchedule>>,
    saved: StoredSchedule | null,
  ): Promise<DigestPreview> => {
    const now = deps.clock.now();
    const sample = await sampleOf(deps, planned.kind, { ...planned.definition, id: 'preview' }, now);
    return {
      digest: saved ? await view(saved) : null,
      cron: planned.definition.cron,
      when: planned.when.description,
      timeZone: planned.timeZone,
      place: { platform: planned.place.platform, channel: planned.place.channel },
      options: planned.options,
      nextRuns: nextRunsOf(planned.definition, 3, now).map((date) => date.toISOString()),
      sample,
    };
  };

  return {
    kinds: () => available().map(({ build: _build, ...spec }) => spec),
    preview: async (draft) => present(await draftToSchedule(draft), null),
    async add(draft) {
      const planned = await draftToSchedule(draft);
      return present(planned, await deps.store.upsert(planned.definition));
    },
    async list() {
      const all = (await deps.store.list(actor.tenantId)).filter(isDigestSchedule);
      const mine =
        actor.operator && !actor.place
          ? all
          : all.filter(
              (schedule) =>
                (schedule.platform === actor.place?.platform && schedule.channel === actor.place.channel) ||
                (schedule.platform === actor.platform && schedule.createdBy === actor.userId),
            );
      const runs = await deps.runs.latest(mine.map((schedule) => schedule.id));
      const now = deps.clock.now();
      return mine.map((schedule) => digestView(schedule, runs.get(schedule.id) ?? null, now));
    },
    async remove(id) {
      const schedule = await mayChange(await find(id));
      const shown = await view(schedule);
      await deps.store.remove(actor.tenantId, schedule.name, actorName(actor));
      return { ...shown, enabled: false, nextRuns: [] };
    },
    async setPaused(id, paused) {
      const schedule = await mayChange(await find(id));
      const changed = await deps.store.setEnabled(actor.tenantId, schedule.name, !paused, actorName(actor));
      return view(changed ?? schedule);
    },
    async runNow(id) {
      const schedule = await mayChange(await find(id));
      const now = deps.clock.now();
      const run = scheduleRunToTask(schedule, now, { manualRequest: uuidv7() });
      const accepted = await deps.intake.accept(run.task);
      return { digest: await view(schedule), taskId: accepted.task.id };
    },
    deliver: (task) => deliverDigest(task, deps),
  };
}

/** The kinds whose sources this installation has (a kind that needs Jira is absent without Jira). */
function availableKinds(deps: DigestServiceDependencies): DigestKind[] {
  // Which sources are wired does not depend on the place: any place's set of sources tells.
  const probe = deps.sources({ tenantId: '-', platform: 'api', channel: '-' }) as Record<string, unknown>;
  return deps.catalog
    .digestKinds()
    .filter((kind) => kind.requires.every((source) => probe[source] !== undefined))
    .sort((left, right) => left.kind.localeCompare(right.kind));
}

function kindOf(deps: DigestServiceDependencies, name: string, available: DigestKind[]): DigestKind {
  const kind = available.find((candidate) => candidate.kind === name.trim().toLowerCase());
  if (kind) return kind;
  const installed = deps.catalog.digestKind(name.trim().toLowerCase());
  const names = available.map((candidate) => candidate.kind).join(', ') || 'none';
  throw new ChatOpsError(
    'VALIDATION_FAILED',
    installed
      ? `A ${name} digest needs ${installed.kind.requires.join(', ')}, which is not set up here.`
      : `"${name.slice(0, 40)}" is not a kind of digest I can post.`,
    { remedy: `Pick one of: ${names}. Example: /digest add approvals every day at 9:00` },
  );
}

async function zoneOf(
  deps: DigestServiceDependencies,
  actor: DigestActor,
  asked: string | undefined,
  place: { platform: Platform; channel: string },
): Promise<string> {
  if (asked !== undefined) {
    if (!isTimeZone(asked)) {
      throw new ChatOpsError('VALIDATION_FAILED', `"${asked}" is not a time zone I know.`, {
        remedy: 'Write tz= with an IANA zone name, e.g. tz=Europe/Berlin, tz=America/New_York or tz=UTC.',
      });
    }
    return asked.trim();
  }
  const personal = typeof actor.timeZone === 'function' ? await actor.timeZone() : actor.timeZone;
  if (personal && isTimeZone(personal)) return personal;
  // The channel's zone: the one its other digests already use, so a channel's digests agree.
  const neighbours = (await deps.store.list(actor.tenantId, place)).filter(isDigestSchedule);
  return neighbours[0]?.timezone ?? deps.defaultTimeZone;
}

/**
 * What a Teams post needs beyond the channel id: the service URL and bot learnt from the conversation the
 * digest was asked for in, for a top-level post (no reply chain) in the same team's channel.
 */
function replyRefOf(
  actor: DigestActor,
  place: { platform: Platform; channel: string },
): { replyRef?: Record<string, unknown> } {
  const ref = actor.place?.ref;
  if (place.platform !== 'teams' || actor.place?.platform !== 'teams' || !ref) return {};
  const type = place.channel.includes('@thread.v2')
    ? 'groupChat'
    : place.channel.startsWith('19:')
      ? 'channel'
      : 'personal';
  return { replyRef: { ...ref, conversationId: place.channel, conversationType: type } };
}

async function sampleOf(
  deps: DigestServiceDependencies,
  kind: DigestKind,
  schedule: Omit<StoredSchedule, 'updatedAt' | 'lastRunAt'>,
  now: Date,
): Promise<DigestContent> {
  return kind.build({
    tenantId: schedule.tenantId,
    platform: schedule.platform,
    channel: schedule.channel,
    createdBy: schedule.createdBy,
    period: periodOf(schedule, now, { upToNow: true }),
    options: kindOptions(kind, schedule.args),
    sources: deps.sources(schedule),
    log: deps.log,
  });
}

function actorName(actor: DigestActor): string {
  return actor.operator ? actor.userId : `${actor.platform}:${actor.userId}`;
}
