import { ChatOpsError, defineSkill, type SkillContext } from '../../src/core/index.ts';
import { destroy, extend, listClusters, listLocks, lock, status, unlock } from './commands.ts';
import { CONFIRM_ACTION, confirmFreeText, portsOf, startDeploy } from './deploy.ts';
import { deployWorkflow, ROLLBACK_ACTION } from './deploy-workflow.ts';
import { DESTROY_NOW_ACTION, destroyWorkflow, EXTEND_ACTION, expiryWorkflow } from './destroy-workflow.ts';
import { deploymentsDigest } from './digest.ts';
import { DEPLOY_ARGUMENTS, DESTROY_ARGUMENTS, LOCK_ARGUMENTS, requestOf, USAGE } from './request.ts';

/**
 * `/deploy-cluster`: a Kubernetes cluster planned in the open, approved per environment (bound to the
 * plan's hash), provisioned by GitHub Actions or Terraform/OpenTofu, validated, documented and rolled back
 * when it fails; plus status, list, destroy and environment locks. Every external change runs inside a
 * workflow behind its own approval, so requests from the model or MCP stop at a confirmation.
 */
export const provisioningSkill = defineSkill({
  id: 'provisioning',
  description:
    'Plans, approves, provisions, validates, documents and rolls back Kubernetes clusters (k3s, EKS, AKS, GKE) for dev, staging or prod, with environment locks.',
  commands: [
    {
      name: 'deploy-cluster',
      description:
        'Deploy a Kubernetes cluster (plan, approval, provisioning), or manage clusters and locks.',
      usage: `${USAGE} | status [id] | list | destroy <id> confirm=<name> | lock <env> [reason] [ttl=…] | unlock <env> | locks`,
      examples: [
        '/deploy-cluster name=demo platform=k3s env=staging size=small ttl=3d',
        '/deploy-cluster lock prod release freeze ttl=2h',
      ],
      arguments: DEPLOY_ARGUMENTS,
      subcommands: [
        {
          name: 'status',
          usage: '/deploy-cluster status [id]',
          description: 'One cluster, or your latest runs.',
          arguments: [],
        },
        { name: 'list', usage: '/deploy-cluster list', description: 'The clusters.', arguments: [] },
        {
          name: 'destroy',
          usage: '/deploy-cluster destroy <id> confirm=<name>',
          description: 'Destroy a cluster (approval required).',
          arguments: DESTROY_ARGUMENTS,
        },
        {
          name: 'lock',
          usage: '/deploy-cluster lock <env> [reason] [ttl=…]',
          description: 'Lock an environment.',
          arguments: LOCK_ARGUMENTS,
        },
        {
          name: 'unlock',
          usage: '/deploy-cluster unlock <env>',
          description: 'Unlock an environment.',
          arguments: [],
        },
        {
          name: 'locks',
          usage: '/deploy-cluster locks',
          description: 'The environment locks.',
          arguments: [],
        },
      ],
    },
  ],
  keywords: ['deploy cluster', 'kubernetes cluster', 'k3s', 'eks', 'aks', 'gke', 'spin up', 'provision'],
  examples: [
    'spin up a small k3s cluster called demo for staging',
    'deploy a medium eks cluster named payments to prod',
    'provision a kubernetes cluster on gke for dev',
  ],
  digests: [deploymentsDigest],
  workflows: [deployWorkflow, destroyWorkflow, expiryWorkflow],
  async handle(ctx) {
    const { task } = ctx;
    if (task.kind === 'action' && task.action) return onButton(ctx, task.action.id, task.action.value ?? '');
    if (task.kind !== 'command' || task.command !== 'deploy-cluster') return confirmFreeText(ctx);
    const [word, ...rest] = task.text.trim().split(/\s+/).filter(Boolean);
    switch (word) {
      case 'status':
        return status(ctx, rest[0]);
      case 'list':
        return listClusters(ctx);
      case 'destroy':
        return destroy(ctx, rest[0], task.args?.confirm);
      case 'lock':
        return lock(ctx, rest, task.args?.ttl);
      case 'unlock':
        return unlock(ctx, rest[0]);
      case 'locks':
        return listLocks(ctx);
      case undefined:
        return startDeploy(ctx, requestOf(task.args ?? {}));
      default:
        throw new ChatOpsError('VALIDATION_FAILED', `"/deploy-cluster ${word}" is not something I can do.`, {
          remedy: `Usage: ${USAGE}, or one of status, list, destroy, lock, unlock, locks.`,
        });
    }
  },
});

async function onButton(ctx: SkillContext, id: string, value: string): Promise<void> {
  switch (id) {
    case CONFIRM_ACTION: {
      const confirmed = JSON.parse(value) as { by: string; args: Record<string, string> };
      if (confirmed.by !== ctx.task.user.id) {
        throw new ChatOpsError('FORBIDDEN', 'Only the person who asked for this deploy can confirm it.', {
          remedy: 'Ask for your own deploy with /deploy-cluster.',
        });
      }
      return startDeploy(
        ctx,
        requestOf(confirmed.args),
        `confirm.${ctx.task.action?.messageId ?? ctx.task.id}`,
      );
    }
    case ROLLBACK_ACTION: {
      const result = await portsOf(ctx).workflows.compensate(value);
      if (!result.ok) throw new ChatOpsError('CONFLICT', result.message, { retryable: false });
      await ctx.reply(`↩️ ${result.message} It waits for an approval before anything is destroyed.`);
      return;
    }
    case EXTEND_ACTION:
      return extend(ctx, value);
    case DESTROY_NOW_ACTION: {
      // The reminder's button names the cluster: the click is the confirmation typing its name would be.
      // The destroy still waits for its approval.
      const cluster = await portsOf(ctx).deployments.clusters.find(value);
      return destroy(ctx, value, cluster?.name);
    }
    default:
      throw new ChatOpsError('UNKNOWN_ACTION', `The button "${id}" is not one of /deploy-cluster's.`, {
        remedy: 'Use the buttons on the latest messages of the run.',
      });
  }
}
