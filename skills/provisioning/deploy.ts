import {
  ChatOpsError,
  type DeploymentsPort,
  REPLY_VERSION,
  type SkillContext,
  type WorkflowsPort,
} from '../../src/core/index.ts';
import { DEPLOY_WORKFLOW, type DeployInput } from './deploy-workflow.ts';
import { computePlan } from './plan.ts';
import { argsOf, type DeployRequest, USAGE } from './request.ts';
import { lockedMessage } from './steps.ts';
import { understand } from './understand.ts';

export const CONFIRM_ACTION = 'provisioning.confirm';

export function portsOf(ctx: SkillContext): { deployments: DeploymentsPort; workflows: WorkflowsPort } {
  if (!ctx.deployments || !ctx.workflows) {
    throw new ChatOpsError('DEPENDENCY_UNAVAILABLE', 'Provisioning is not available in this process.', {
      remedy: 'Run /deploy-cluster through a chatops worker.',
      retryable: false,
    });
  }
  return { deployments: ctx.deployments, workflows: ctx.workflows };
}

/**
 * Starts a deploy of a typed request: refused at once when no executor is configured or the environment
 * is locked (saying who holds it, why and until when); otherwise the workflow plans, asks for approval
 * and provisions, in this thread. The same task starting it twice gets the same run.
 */
export async function startDeploy(
  ctx: SkillContext,
  request: DeployRequest,
  startKey?: string,
): Promise<void> {
  const { deployments, workflows } = portsOf(ctx);
  const { settings } = deployments;
  if (!settings.executor) {
    throw new ChatOpsError(
      'CONFIG_INVALID',
      'No deployment executor is configured, so I cannot provision clusters.',
      {
        remedy:
          'An operator sets DEPLOY_GITHUB_REPO (GitHub Actions) or DEPLOY_TERRAFORM_BIN (Terraform/OpenTofu) on the workers.',
        retryable: false,
      },
    );
  }
  const lock = await deployments.locks.get(request.env);
  if (lock) {
    throw new ChatOpsError('CONFLICT', lockedMessage(lock), {
      remedy: 'Ask again once it is unlocked (/deploy-cluster locks lists the locks).',
      retryable: false,
    });
  }
  const requester = ctx.caller.name;
  const plan = computePlan(request, settings, requester);
  const input: DeployInput = {
    request,
    clusterId: '',
    name: request.name,
    platform: request.platform,
    env: request.env,
    region: plan.region,
    requester,
    pollIntervalMs: settings.pollIntervalMs,
    runTimeoutMs: settings.runTimeoutMs,
    approvals: settings.approvals[request.env],
    approverRole: settings.approverRole,
    prices: settings.prices,
  };
  const run = await workflows.start(DEPLOY_WORKFLOW, input, startKey ? { startKey } : undefined);
  await ctx.reply(
    `🚀 Deploy of *${request.name}* (${request.platform}, ${request.env}) started: run ${run.id.slice(-8)}. The plan and the progress follow in this thread.`,
  );
}

/**
 * A request in someone's own words: understood as a deploy request (never as subcommands) and shown for
 * confirmation with a Deploy button, or answered with what is missing. A model that routed here may have
 * filled in the arguments already.
 */
export async function confirmFreeText(ctx: SkillContext): Promise<void> {
  const found = { ...understand(ctx.task.text), ...(ctx.task.args ?? {}) };
  const missing = ['name', 'platform', 'env', 'size'].filter((key) => !found[key]);
  const line = `/deploy-cluster ${Object.entries(found)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ')}`.trim();
  if (missing.length > 0) {
    const text = `To deploy a cluster I still need ${missing.join(', ')}. So far I understood: \`${line}\`.`;
    await ctx.reply({
      v: REPLY_VERSION,
      text,
      blocks: [
        { type: 'markdown', text },
        { type: 'context', text: `Usage: ${USAGE}` },
      ],
    });
    return;
  }
  const text = `I understood this deploy request: \`${line}\`. Deploy it?`;
  await ctx.reply({
    v: REPLY_VERSION,
    text,
    blocks: [
      { type: 'markdown', text },
      {
        type: 'buttons',
        buttons: [
          {
            id: CONFIRM_ACTION,
            label: 'Deploy',
            value: JSON.stringify({ by: ctx.task.user.id, args: found }),
            style: 'primary',
          },
        ],
      },
      {
        type: 'context',
        text: 'Only the person who asked can confirm. Nothing runs before the plan is approved.',
      },
    ],
  });
}

export { argsOf };
