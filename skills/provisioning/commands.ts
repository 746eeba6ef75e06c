import {
  ChatOpsError,
  DEPLOY_ENVIRONMENTS,
  type DeployEnvironment,
  REPLY_VERSION,
  type SkillContext,
} from '../../src/core/index.ts';
import { portsOf } from './deploy.ts';
import type { PlanOutput } from './deploy-workflow.ts';
import {
  DESTROY_WORKFLOW,
  type DestroyInput,
  EXPIRY_WORKFLOW,
  type ExpiryInput,
} from './destroy-workflow.ts';
import { clustersReply, locksReply } from './replies.ts';
import { ttlSeconds } from './request.ts';
import { lockedMessage, utc } from './steps.ts';

/** `/deploy-cluster list`: the clusters of this tenant. */
export async function listClusters(ctx: SkillContext): Promise<void> {
  await ctx.reply(clustersReply(await portsOf(ctx).deployments.clusters.list()));
}

/** `/deploy-cluster status [id]`: one cluster and its run, or the caller's latest provisioning runs. */
export async function status(ctx: SkillContext, id: string | undefined): Promise<void> {
  const { deployments, workflows } = portsOf(ctx);
  if (!id) {
    const runs = (await workflows.list({ mine: true, limit: 10 })).filter(
      (run) => run.skill === 'provisioning',
    );
    const lines = runs.map((run) => `• \`${run.id.slice(-8)}\` ${run.title}: ${run.status}`);
    await ctx.reply(
      lines.length > 0
        ? `Your latest provisioning runs:\n${lines.join('\n')}`
        : 'You have no provisioning runs.',
    );
    return;
  }
  const cluster = await deployments.clusters.find(id);
  if (!cluster) throw notFound(id);
  const run = await workflows.get(cluster.id);
  const current = run?.steps.find((step) => ['running', 'waiting', 'retrying'].includes(step.status));
  await ctx.reply({
    v: REPLY_VERSION,
    text: `${cluster.name}: ${cluster.status}`,
    blocks: [
      {
        type: 'markdown',
        text: `*${cluster.name}* (${cluster.platform}, ${cluster.environment}): ${cluster.status}`,
      },
      {
        type: 'fields',
        fields: [
          { label: 'Nodes', value: `${cluster.nodes} (${cluster.size}) in ${cluster.region}` },
          { label: 'Requested by', value: cluster.requestedBy },
          { label: 'Run', value: `${run?.status ?? 'unknown'}${current ? ` at ${current.label}` : ''}` },
          { label: 'Expires', value: cluster.expiresAt ? utc(cluster.expiresAt) : 'never' },
          ...(cluster.runUrl ? [{ label: 'Pipeline', value: cluster.runUrl }] : []),
        ],
      },
    ],
  });
}

/** `/deploy-cluster destroy <id> confirm=<name>`: typing the name confirms; then an approval, then the destroy. */
export async function destroy(
  ctx: SkillContext,
  id: string | undefined,
  confirm: string | undefined,
): Promise<void> {
  const { deployments, workflows } = portsOf(ctx);
  if (!id) throw usage('destroy <id> confirm=<name>');
  const cluster = await deployments.clusters.find(id);
  if (!cluster) throw notFound(id);
  if (cluster.status !== 'active' && cluster.status !== 'failed') {
    throw new ChatOpsError(
      'CONFLICT',
      `${cluster.name} is ${cluster.status}; there is nothing to destroy now.`,
      {
        retryable: false,
      },
    );
  }
  if (confirm !== cluster.name) {
    await ctx.reply(
      `To destroy *${cluster.name}* (${cluster.environment}), type its name to confirm: \`/deploy-cluster destroy ${cluster.id.slice(-8)} confirm=${cluster.name}\`. It needs an approval too.`,
    );
    return;
  }
  const deploy = await workflows.get(cluster.id);
  const plan = deploy?.steps.find((step) => step.name === 'plan')?.output as PlanOutput | undefined;
  if (!plan) throw notFound(id);
  const { settings } = deployments;
  const input: DestroyInput = {
    clusterId: cluster.id,
    name: cluster.name,
    platform: cluster.platform,
    env: cluster.environment,
    region: cluster.region,
    requester: ctx.caller.name,
    pollIntervalMs: settings.pollIntervalMs,
    runTimeoutMs: settings.runTimeoutMs,
    files: plan.plan.files,
    variables: plan.plan.variables,
    planHash: cluster.planHash,
    approvals: settings.approvals[cluster.environment],
    approverRole: settings.approverRole,
  };
  const run = await workflows.start(DESTROY_WORKFLOW, input, {
    startKey: `destroy.${cluster.id}.${ctx.task.id}`,
  });
  await ctx.reply(
    `🗑️ Destroy of *${cluster.name}* requested: run ${run.id.slice(-8)}; it waits for an approval.`,
  );
}

/** `/deploy-cluster lock <env> [reason] [ttl=…]`: a person's lock; deploys to that environment are refused. */
export async function lock(ctx: SkillContext, words: string[], ttl: string | undefined): Promise<void> {
  const env = environmentOf(words[0], 'lock <env> [reason] [ttl=2h]');
  const reason = words.slice(1).join(' ') || 'no reason given';
  const expiresAt = ttl ? new Date(Date.now() + ttlSeconds(ttl) * 1000) : undefined;
  const taken = await portsOf(ctx).deployments.locks.acquire(env, {
    key: `${ctx.task.platform}:${ctx.task.user.id}`,
    name: ctx.caller.name,
    runId: null,
    reason,
    channel: ctx.task.channel,
    thread: ctx.task.thread,
    ...(expiresAt ? { expiresAt } : {}),
  });
  if (!taken.acquired) throw new ChatOpsError('CONFLICT', lockedMessage(taken.lock), { retryable: false });
  await ctx.reply(`🔒 ${lockedMessage(taken.lock)}`);
}

/** `/deploy-cluster unlock <env>`: your own lock, or anyone's with the approver role (or admin). */
export async function unlock(ctx: SkillContext, word: string | undefined): Promise<void> {
  const env = environmentOf(word, 'unlock <env>');
  const { locks, settings } = portsOf(ctx).deployments;
  const held = await locks.get(env);
  if (!held) {
    await ctx.reply(`${env} is not locked.`);
    return;
  }
  const mine = held.holderKey === `${ctx.task.platform}:${ctx.task.user.id}`;
  const roles = await ctx.caller.roles();
  const allowed = mine || roles.includes(settings.approverRole) || roles.includes('admin');
  if (!allowed) {
    throw new ChatOpsError(
      'FORBIDDEN',
      `Only ${held.holderName} or someone with the role ${settings.approverRole} may unlock ${env}.`,
      {
        remedy: `Ask ${held.holderName}, or someone with the role ${settings.approverRole}.`,
      },
    );
  }
  await locks.release(env, held.holderKey, !mine);
  await ctx.reply(
    `🔓 ${env} is unlocked${mine ? '' : ` (it was held by ${held.holderName}: ${held.reason})`}.`,
  );
}

export async function listLocks(ctx: SkillContext): Promise<void> {
  await ctx.reply(locksReply(await portsOf(ctx).deployments.locks.list()));
}

/** Extend (from a TTL reminder): the expiry moves by the cluster's TTL; the old expiry run is cancelled. */
export async function extend(ctx: SkillContext, clusterId: string): Promise<void> {
  const { deployments, workflows } = portsOf(ctx);
  const cluster = await deployments.clusters.find(clusterId);
  if (!cluster?.expiresAt || cluster.status !== 'active') throw notFound(clusterId);
  const expiry = (await workflows.list({ definition: EXPIRY_WORKFLOW, status: 'running', limit: 50 })).find(
    (run) => (run.input as ExpiryInput).clusterId === cluster.id,
  );
  if (!expiry) throw notFound(clusterId);
  const input = expiry.input as ExpiryInput;
  const cancelled = await workflows.cancel(expiry.id);
  if (!cancelled.ok) throw new ChatOpsError('FORBIDDEN', cancelled.message, { retryable: false });
  const expiresAt = new Date(Date.parse(cluster.expiresAt) + input.ttlSeconds * 1000).toISOString();
  await deployments.clusters.update(cluster.id, { expiresAt });
  await workflows.start(
    EXPIRY_WORKFLOW,
    { ...input, expiresAt },
    { startKey: `expiry.${cluster.id}.${expiresAt}` },
  );
  await ctx.reply(`⏳ ${cluster.name} now expires at ${utc(expiresAt)}.`);
}

function environmentOf(word: string | undefined, form: string): DeployEnvironment {
  if (word && (DEPLOY_ENVIRONMENTS as readonly string[]).includes(word)) return word as DeployEnvironment;
  throw usage(form);
}

function usage(form: string): ChatOpsError {
  return new ChatOpsError('VALIDATION_FAILED', `Usage: /deploy-cluster ${form}`, {
    remedy: `Environments: ${DEPLOY_ENVIRONMENTS.join(', ')}.`,
  });
}

function notFound(id: string): ChatOpsError {
  return new ChatOpsError('NOT_FOUND', `There is no cluster ${id.slice(0, 40)} here.`, {
    remedy: 'Use an id from /deploy-cluster list (its first 8 characters are enough).',
  });
}
