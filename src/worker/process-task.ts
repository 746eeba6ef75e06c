import type { ApprovalContinuations } from '../agent/approvals/continuation.ts';
import type { Agent, AgentRun } from '../agent/supervisor/agent.ts';
import type { ApprovalsPort, ApprovalTicket, ApprovedAction } from '../core/approvals.ts';
import type { DeploymentsPort } from '../core/deployments.ts';
import type { DigestsPort } from '../core/digests.ts';
import { ChatOpsError, toChatOpsError } from '../core/errors.ts';
import type { JiraPort } from '../core/jira.ts';
import type { KnowledgePort } from '../core/knowledge.ts';
import type { LanguageModel } from '../core/language-model.ts';
import type { Clock, LiveEvents, Logger, Sender } from '../core/ports.ts';
import type { Caller, SkillContext, SystemInfo } from '../core/skill.ts';
import type { SkillCatalog } from '../core/skill-catalog.ts';
import { identityPlatform, type Platform, type Task } from '../core/task.ts';
import { type Attempt, RetryLaterError, type TaskOutcome } from '../core/task-outcome.ts';
import type { WorkflowsPort } from '../core/workflows.ts';
import type { Directory } from '../db/directory.ts';
import type { MessageStore } from '../db/message-store.ts';
import type { TaskLedger } from '../db/task-ledger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { claimTask } from './claim-task.ts';
import { failureReply } from './failure-reply.ts';
import { ReplyChannel } from './reply-channel.ts';

/** Everything the worker needs to run a task; built once in src/main.ts, fakes in tests. */
export interface WorkerServices {
  ledger: TaskLedger;
  messages: MessageStore;
  directory: Directory;
  senders: ReadonlyMap<Platform, Sender>;
  catalog: SkillCatalog;
  system: SystemInfo;
  live: LiveEvents;
  metrics: Metrics;
  clock: Clock;
  log: Logger;
  /** The supervisor: routing (command table, Claude or the offline router), MCP tools, allowlists, budgets. */
  agent: Agent;
  /** The approvals port of a task's run; without it, side effects fail closed. */
  approvals?: (task: Task) => ApprovalsPort;
  /** Checks and claims approval continuations (`ctx.approved`); without it, nothing runs as approved. */
  continuations?: ApprovalContinuations;
  /** The knowledge base as a task's place may read it (`ctx.knowledge`). */
  knowledge?: (task: Task, caller: Caller, llm: LanguageModel | null) => KnowledgePort;
  /** Jira analytics for a task's channel (`ctx.jira`); absent when JIRA_HOST is unset. */
  jira?: (task: Task) => JiraPort;
  /** Scheduled digests, acting as the task's caller in its place (`ctx.digests`). */
  digests?: (task: Task) => DigestsPort;
  /** Durable workflows bound to a task (`ctx.workflows`). */
  workflows?: (task: Task, caller: Caller) => WorkflowsPort;
  /** Deployment executors, locks and inventory bound to a task (`ctx.deployments`). */
  deployments?: (task: Task, caller: Caller) => DeploymentsPort;
}

const SUPERSEDED = 'a duplicate: another task was recorded for the same platform event';

/**
 * Runs one task: claim it in the ledger (see claimTask; a task that already ended, or the task of a
 * duplicate event, is skipped, so a duplicate job runs nothing), route it, run the skill with its
 * context, record the outcome. A failure becomes one clear reply, never silence; transient failures
 * with attempts left are handed back to the queue instead.
 */
export async function processTask(
  task: Task,
  services: WorkerServices,
  attempt: Attempt,
): Promise<TaskOutcome> {
  const log = services.log.child({ taskId: task.id, platform: task.platform });
  const claim = await claimTask(services.ledger, task);
  if (!claim.started) {
    log.info('task-skipped', { reason: claim.reason === 'ended' ? 'already finished' : SUPERSEDED });
    return { status: 'skipped' };
  }
  const sender = services.senders.get(task.replyTo.platform);
  if (!sender)
    throw new ChatOpsError('CONFIG_INVALID', `No sender is configured for ${task.replyTo.platform}.`);
  const startedAt = services.clock.now().getTime();
  const caller = callerOf(task, services.directory);
  const run = services.agent.begin(task, caller, log);
  const tickets: ApprovalTicket[] = [];
  let approved: ApprovedAction | undefined;
  let skillId: string | null = null;
  let channel = new ReplyChannel({
    task,
    skill: null,
    messages: services.messages,
    sender,
    live: services.live,
    log,
  });
  try {
    const route = await run.route();
    skillId = route.skill.id;
    channel = new ReplyChannel({
      task,
      skill: skillId,
      messages: services.messages,
      sender,
      live: services.live,
      log,
      ...(route.note ? { note: route.note } : {}),
    });
    await checkPermissions(route.skill.permissions, caller, route.skill.id);
    const runTask = route.task ?? task;
    approved = await services.continuations?.claim(runTask, skillId, attempt.number);
    log.debug('skill-run-started', { skill: skillId, via: route.via, approved: approved?.approvalId });
    const context = { caller, channel, services, log, run, skillId, tickets, approved };
    await route.skill.handle(contextFor(runTask, context));
    // A scheduled run may rightly post nothing (a digest of a quiet period); anything else always answers.
    if (channel.posted === 0 && task.kind !== 'schedule') {
      await channel.reply(`Done (${skillId} had nothing to add).`);
    }
    if (approved) await services.continuations?.settle(approved, task, 'succeeded');
    // A run that asked for an approval waits for it; the engine ends the task once it is decided.
    const status = tickets.some((ticket) => ticket.status === 'pending') ? 'awaiting_approval' : 'succeeded';
    const sticky = run.stickySkill(route);
    await services.ledger.finish(
      task.id,
      status,
      skillId,
      undefined,
      sticky ? { task, skill: sticky } : undefined,
    );
    if (status === 'awaiting_approval') await services.continuations?.settleRequest(task.id);
    observe(services, task, skillId, startedAt);
    services.metrics.tasksCompleted.inc({ platform: task.platform, skill: skillId });
    log.info(status === 'succeeded' ? 'task-succeeded' : 'task-awaiting-approval', {
      skill: skillId,
      attempt: attempt.number,
    });
    return { status, skill: skillId };
  } catch (thrown) {
    const error = toChatOpsError(thrown);
    const retry = error.retryable && attempt.number < attempt.max;
    const settled = approved
      ? services.continuations?.settle(approved, task, retry ? 'retrying' : 'failed', error)
      : retry
        ? undefined
        : services.continuations?.abandon(task, error);
    await settled?.catch((settleError: unknown) =>
      log.error('approval-settle-failed', { error: settleError }),
    );
    if (retry) {
      await services.ledger.release(task.id, { code: error.code, message: error.message });
      log.warn('task-retry-scheduled', { skill: skillId, attempt: attempt.number, error });
      throw new RetryLaterError(error);
    }
    await channel.reply(failureReply(error, task)).catch((replyError: unknown) => {
      log.error('failure-reply-failed', { error: replyError });
    });
    const detail = {
      code: error.code,
      message: error.message,
      ...(error.remedy ? { remedy: error.remedy } : {}),
    };
    await services.ledger.finish(task.id, 'failed', skillId, detail);
    observe(services, task, skillId ?? 'none', startedAt);
    services.metrics.tasksFailed.inc({ platform: task.platform, skill: skillId ?? 'none', code: error.code });
    log.warn('task-failed', { skill: skillId, code: error.code, error: error.message });
    return { status: 'failed', skill: skillId, error };
  } finally {
    run.close();
  }
}

function observe(services: WorkerServices, task: Task, skill: string, startedAt: number): void {
  const seconds = (services.clock.now().getTime() - startedAt) / 1000;
  services.metrics.taskDuration.observe({ platform: task.platform, skill }, seconds);
}

function callerOf(task: Task, directory: Directory): Caller {
  let roles: Promise<string[]> | null = null;
  return {
    id: task.user.id,
    name: task.user.name ?? task.user.id,
    roles: () => {
      roles ??= directory.rolesOf(task.tenantId, identityPlatform(task.platform), task.user.id);
      return roles;
    },
  };
}

async function checkPermissions(required: readonly string[], caller: Caller, skillId: string): Promise<void> {
  if (required.length === 0) return;
  const held = await caller.roles();
  if (required.some((role) => held.includes(role))) return;
  throw new ChatOpsError(
    'FORBIDDEN',
    `${caller.name} may not use ${skillId}: it needs one of the roles ${required.join(', ')}.`,
    {
      remedy: `Ask an administrator to run: chatops role grant ${caller.id} ${required[0]}`,
    },
  );
}

interface RunContext {
  caller: Caller;
  channel: ReplyChannel;
  services: WorkerServices;
  log: Logger;
  run: AgentRun;
  skillId: string;
  /** Approvals this run requested (a pending one makes the task end `awaiting_approval`). */
  tickets: ApprovalTicket[];
  /** Set when this run is the claimed continuation of an approved action. */
  approved: ApprovedAction | undefined;
}

function contextFor(task: Task, options: RunContext): SkillContext {
  const { caller, channel, services, log, run, skillId, tickets } = options;
  const approvals = recording(
    services.approvals?.(task) ?? {
      // Fail closed until the approvals engine is wired in: a side effect never runs unapproved.
      request: async () => {
        throw new ChatOpsError(
          'FORBIDDEN',
          'This action needs an approval, and approvals are not available here.',
          {
            remedy: 'Install the approvals engine (src/agent/approvals) in src/main.ts.',
          },
        );
      },
    },
    tickets,
  );
  const llm = run.llm;
  const knowledge = services.knowledge?.(task, caller, llm);
  const jira = services.jira?.(task);
  const digests = services.digests?.(task);
  const workflows = services.workflows?.(task, caller);
  const deployments = services.deployments?.(task, caller);
  const context: SkillContext = {
    task,
    caller,
    log,
    system: services.system,
    catalog: services.catalog.manifests,
    reply: (reply) => channel.reply(reply),
    progress: (step, percent) => channel.progress(step, percent),
    llm,
    approvals,
    ...(options.approved ? { approved: options.approved } : {}),
    ...(knowledge ? { knowledge } : {}),
    ...(jira ? { jira } : {}),
    ...(digests ? { digests } : {}),
    ...(workflows ? { workflows } : {}),
    ...(deployments ? { deployments } : {}),
  };
  // The tools port reads the context's approved action when a call is made (an approval continuation).
  const tools = run.toolsFor(skillId, { approvals, approved: () => context.approved });
  return tools ? { ...context, tools } : context;
}

/** The port with its requests noted, so the worker knows the run now waits for people. */
function recording(port: ApprovalsPort, tickets: ApprovalTicket[]): ApprovalsPort {
  return {
    ...port,
    request: async (request) => {
      const ticket = await port.request(request);
      tickets.push(ticket);
      return ticket;
    },
  };
}
