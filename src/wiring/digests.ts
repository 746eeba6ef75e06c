// The digests part of the composition root: the digest engine's dependencies from the runtime, and the
// digests port as a chat task's caller (the skill's `ctx.digests`) or as an operator (REST API, CLI).
import type { DigestsPort } from '../core/digests.ts';
import type { Intake } from '../core/ports.ts';
import type { Platform, Task } from '../core/task.ts';
import { ApprovalDecisionStore } from '../db/approval-decision-store.ts';
import { DigestQueries } from '../db/digest-queries.ts';
import { DigestRunStore } from '../db/digest-run-store.ts';
import { type DigestActor, type DigestServiceDependencies, digestsPort } from '../digests/digest-service.ts';
import { digestSources } from '../digests/digest-sources.ts';
import type { Runtime } from '../main.ts';

/** The digest engine's dependencies, built once per process. */
export function digestDependencies(runtime: Runtime, intake: Intake): DigestServiceDependencies {
  const sourceDependencies = {
    approvals: runtime.approvalsEngine.store,
    decisions: new ApprovalDecisionStore(runtime.database),
    queries: new DigestQueries(runtime.database),
    members: runtime.channelMembers,
    database: runtime.database,
    jira: runtime.jira,
  };
  return {
    store: runtime.schedules,
    schedules: runtime.schedules,
    runs: new DigestRunStore(runtime.database),
    messages: runtime.messages,
    senders: runtime.senders,
    live: runtime.live,
    catalog: runtime.catalog,
    sources: (place) => digestSources(sourceDependencies, place),
    metrics: runtime.metrics,
    directory: runtime.directory,
    intake,
    defaultTimeZone: runtime.config.scheduler.defaultTimeZone,
    clock: { now: () => new Date() },
    log: runtime.log.child({ component: 'digests' }),
  };
}

/**
 * The port of one chat task: the person behind it, in the conversation it came from. Their zone comes from
 * the task when their platform sends it (web chat, Teams), or from Slack's profile (users.info).
 */
export function digestsForTask(runtime: Runtime, deps: DigestServiceDependencies, task: Task): DigestsPort {
  const platform: Platform = task.platform === 'scheduler' ? task.replyTo.platform : task.platform;
  const actor: DigestActor = {
    tenantId: task.tenantId,
    platform,
    userId: task.user.id,
    place: {
      platform: task.replyTo.platform,
      channel: task.replyTo.channel,
      ...(task.replyTo.ref ? { ref: task.replyTo.ref } : {}),
    },
    operator: false,
    timeZone: task.user.timeZone ?? (platform === 'slack' ? () => slackTimeZone(runtime, task) : undefined),
  };
  return digestsPort(deps, actor);
}

/** The port of an operator (REST API key, CLI): every digest of the tenant, operator-only options allowed. */
export function operatorDigests(
  deps: DigestServiceDependencies,
  input: { tenantId: string; operator: string; place?: { platform: Platform; channel: string } },
): DigestsPort {
  return digestsPort(deps, {
    tenantId: input.tenantId,
    platform: 'api',
    userId: input.operator,
    place: input.place ?? null,
    operator: true,
  });
}

async function slackTimeZone(runtime: Runtime, task: Task): Promise<string | undefined> {
  if (!runtime.slack) return undefined;
  try {
    const { client } = await runtime.slack.clients.forTenant(task.tenantId);
    const answer = await client.users.info({ user: task.user.id });
    return answer.user?.tz ?? undefined;
  } catch (error) {
    runtime.log.debug('slack-time-zone-unknown', { userId: task.user.id, error: String(error) });
    return undefined;
  }
}
