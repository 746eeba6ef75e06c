import {
  ChatOpsError,
  defineWorkflow,
  type ExecutionRef,
  type PreparedPlan,
  type PriceTable,
  type WorkflowState,
} from '../../src/core/index.ts';
import { computePlan, type DeployPlan } from './plan.ts';
import { documentation, failureReport, planReply, reviewPlan } from './replies.ts';
import { argsOf, type DeployRequest } from './request.ts';
import {
  type ClusterInput,
  deploymentsOf,
  ensureSucceeded,
  executorOf,
  followStep,
  lockStep,
  startExecution,
  unlockStep,
} from './steps.ts';

export const DEPLOY_WORKFLOW = 'provisioning.deploy';
export const ROLLBACK_ACTION = 'provisioning.rollback';

export interface DeployInput extends ClusterInput {
  request: DeployRequest;
  /** Distinct approvers this environment needs (0: none) and their role, as configured at the request. */
  approvals: number;
  approverRole: string;
  prices: PriceTable;
}

export interface PlanOutput {
  plan: DeployPlan;
  prepared: PreparedPlan | null;
  suggestions: string[];
}

const planOf = (state: WorkflowState<DeployInput>) => state.outputs.plan as PlanOutput;
const applied = (state: WorkflowState<DeployInput>) => (state.outputs.provision as { ref: ExecutionRef }).ref;
const destroyed = (state: WorkflowState<DeployInput>) =>
  (state.outputs['rollback-destroy'] as { ref: ExecutionRef }).ref;
/** What the approval is bound to: the plan (inputs and generated code) and the prepared plan file. */
const bindingOf = (state: WorkflowState<DeployInput>) => ({
  plan: planOf(state).plan.hash,
  planFile: planOf(state).prepared?.sha256 ?? null,
});

/**
 * `/deploy-cluster`: plan → approval (per environment, bound to the plan's hash) → lock → provision
 * (dispatched once) → follow → validate → document → finalize; the lock is released on every outcome. A
 * failed run offers a rollback (destroy), which needs its own approval.
 */
export const deployWorkflow = defineWorkflow<DeployInput>({
  id: DEPLOY_WORKFLOW,
  skill: 'provisioning',
  parseInput: (input) => input as DeployInput,
  title: (input) => `Deploy ${input.name} (${input.platform}, ${input.env})`,
  cancelRoles: ['admin', 'sre'],
  steps: [
    {
      kind: 'step',
      name: 'plan',
      label: 'Plan',
      retry: { attempts: 3, backoffMs: 2000 },
      run: async (ctx): Promise<PlanOutput> => {
        const plan = computePlan(ctx.input.request, { prices: ctx.input.prices }, ctx.input.requester);
        const executor = deploymentsOf(ctx).executor;
        const prepared =
          (await executor?.prepare({
            runId: ctx.run.id,
            cluster: {
              name: ctx.input.name,
              platform: ctx.input.platform,
              environment: ctx.input.env,
              region: plan.region,
            },
            files: plan.files,
            variables: plan.variables,
            planHash: plan.hash,
          })) ?? null;
        const suggestions = await reviewPlan(ctx.services.llm, plan, prepared, ctx.log);
        await ctx.post(
          'plan',
          planReply(plan, prepared, suggestions, ctx.input.approvals, ctx.input.approverRole),
        );
        await ctx.progress(
          `${plan.nodes} × ${plan.instanceType}, ~${plan.cost.monthly} ${plan.cost.currency}/month`,
        );
        return { plan, prepared, suggestions };
      },
    },
    {
      kind: 'approval',
      name: 'approval',
      label: 'Approval',
      when: (state) => state.input.approvals > 0,
      request: (state) => ({
        action: 'deploy-cluster',
        args: { ...argsOf(state.input.request), plan: planOf(state).plan.hash.slice(0, 12) },
        title: `Deploy cluster ${state.input.name} (${state.input.platform}) to ${state.input.env}`,
        summary: [
          {
            label: 'Cost',
            value: `~${planOf(state).plan.cost.monthly} ${planOf(state).plan.cost.currency}/month`,
          },
          {
            label: 'Plan',
            value: `${planOf(state).plan.nodes} × ${planOf(state).plan.instanceType} in ${planOf(state).plan.region}`,
          },
          { label: 'Plan hash', value: planOf(state).plan.hash },
        ],
        environment: state.input.env,
        defaultPolicy: { roles: [state.input.approverRole], required: state.input.approvals },
        binding: bindingOf(state),
      }),
    },
    lockStep<DeployInput>('lock', 'Lock the environment', 'deploy of'),
    {
      kind: 'step',
      name: 'provision',
      label: 'Provision',
      retry: { attempts: 3, backoffMs: 5000 },
      run: async (ctx) => {
        const { plan, prepared } = planOf(ctx);
        await deploymentsOf(ctx).clusters.record({
          id: ctx.run.id,
          name: ctx.input.name,
          platform: ctx.input.platform,
          environment: ctx.input.env,
          size: ctx.input.request.size,
          region: plan.region,
          nodes: plan.nodes,
          status: 'provisioning',
          planHash: plan.hash,
          requestedBy: ctx.input.requester,
          runUrl: null,
          expiresAt: null,
        });
        const ref = await startExecution(ctx, {
          action: 'apply',
          runId: ctx.run.id,
          cluster: {
            name: ctx.input.name,
            platform: ctx.input.platform,
            environment: ctx.input.env,
            region: plan.region,
          },
          files: plan.files,
          variables: plan.variables,
          planHash: plan.hash,
          ...(prepared ? { prepared } : {}),
        });
        await deploymentsOf(ctx).clusters.update(ctx.run.id, { ...(ref.url ? { runUrl: ref.url } : {}) });
        if (ref.url) await ctx.progress(`run ${ref.url}`);
        ensureSucceeded(ref);
        return { ref };
      },
    },
    followStep<DeployInput>('follow', 'Follow the run', applied),
    {
      kind: 'step',
      name: 'validate',
      label: 'Validate',
      retry: { attempts: 3, backoffMs: 5000 },
      run: async (ctx) => {
        const checks = await executorOf(ctx).checks(applied(ctx));
        const failed = checks.filter((check) => !check.ok);
        if (failed.length > 0) {
          throw new ChatOpsError(
            'SKILL_FAILED',
            `Validation failed: ${failed.map((check) => `${check.name}${check.detail ? ` (${check.detail})` : ''}`).join(', ')}.`,
            { remedy: 'The cluster is not healthy; the run offers a rollback.', retryable: false },
          );
        }
        await ctx.progress(checks.map((check) => `${check.name} ✓`).join(', ') || 'no checks reported');
        return { checks };
      },
    },
    {
      kind: 'step',
      name: 'document',
      label: 'Document',
      critical: false,
      run: async (ctx) => {
        const doc = documentation(ctx.input, planOf(ctx).plan, applied(ctx), ctx.run.id);
        await ctx.post('documentation', doc.reply);
        const added = await ctx.services.knowledge?.addDocument?.('deployments', {
          uri: `deployment:${ctx.run.id}`,
          title: doc.title,
          markdown: doc.markdown,
        });
        return { collection: added ? 'deployments' : null, chunks: added?.chunks ?? 0 };
      },
    },
    {
      kind: 'step',
      name: 'finalize',
      label: 'Finalize',
      run: async (ctx) => {
        const ttl = ctx.input.request.ttlSeconds;
        const expiresAt = ttl ? new Date(Date.now() + ttl * 1000).toISOString() : null;
        await deploymentsOf(ctx).clusters.update(ctx.run.id, { status: 'active', expiresAt });
        if (expiresAt) {
          await ctx.services.workflows?.start(
            'provisioning.expiry',
            {
              ...clusterOf(ctx.input, ctx.run.id),
              expiresAt,
              ttlSeconds: ttl,
              files: planOf(ctx).plan.files,
              variables: planOf(ctx).plan.variables,
            },
            { startKey: `expiry.${ctx.run.id}.${expiresAt}` },
          );
        }
        return { status: 'active', expiresAt };
      },
    },
  ],
  compensation: {
    trigger: 'on-request',
    steps: [
      {
        kind: 'approval',
        name: 'rollback-approval',
        label: 'Rollback approval',
        request: (state) => ({
          action: 'deploy-cluster-rollback',
          args: { name: state.input.name, env: state.input.env },
          title: `Roll back (destroy) cluster ${state.input.name} in ${state.input.env}`,
          summary: [{ label: 'Why', value: 'The deploy failed; this destroys what it created.' }],
          environment: state.input.env,
          defaultPolicy: { roles: [state.input.approverRole], required: Math.max(1, state.input.approvals) },
          binding: { action: 'destroy', plan: planOf(state).plan.hash },
        }),
      },
      lockStep<DeployInput>('rollback-lock', 'Lock the environment', 'rollback of'),
      {
        kind: 'step',
        name: 'rollback-destroy',
        label: 'Destroy',
        retry: { attempts: 3, backoffMs: 5000 },
        run: async (ctx) => {
          await deploymentsOf(ctx).clusters.update(ctx.run.id, { status: 'rolling-back' });
          const { plan } = planOf(ctx);
          const ref = await startExecution(ctx, {
            action: 'destroy',
            runId: ctx.run.id,
            cluster: {
              name: ctx.input.name,
              platform: ctx.input.platform,
              environment: ctx.input.env,
              region: plan.region,
            },
            files: plan.files,
            variables: plan.variables,
            planHash: plan.hash,
          });
          ensureSucceeded(ref);
          return { ref };
        },
      },
      followStep<DeployInput>('rollback-follow', 'Follow the destroy', destroyed),
      {
        kind: 'step',
        name: 'rollback-record',
        label: 'Record',
        run: async (ctx) => {
          await deploymentsOf(ctx).clusters.update(ctx.run.id, { status: 'rolled-back' });
          await ctx.post(
            'rolled-back',
            `↩️ ${ctx.input.name} (${ctx.input.env}) was rolled back: what the deploy created is destroyed.`,
          );
          return { status: 'rolled-back' };
        },
      },
    ],
  },
  finally: [
    {
      kind: 'step',
      name: 'report',
      label: 'Report',
      run: async (ctx) => {
        const failedStep = ['provision', 'follow', 'validate'].find(
          (name) => ctx.statuses[name] === 'failed',
        );
        if (!failedStep || ctx.statuses['rollback-approval']) return { reported: false };
        await deploymentsOf(ctx).clusters.update(ctx.run.id, { status: 'failed' });
        // A failed provision step stored no output: the execution is found again by its correlation id.
        const executor = executorOf(ctx);
        const ref =
          (ctx.outputs.provision as { ref: ExecutionRef } | undefined)?.ref ??
          (await executor.find(`${ctx.run.id}-apply`, 'apply').catch(() => undefined));
        const excerpt = ref
          ? await executor.logExcerpt(ref).catch(() => 'The log could not be read.')
          : 'The run did not start.';
        await ctx.post('failure', failureReport(ctx.input, failedStep, excerpt, ctx.run.id));
        return { reported: true, step: failedStep };
      },
    },
    unlockStep<DeployInput>(),
  ],
  buttons: (run) =>
    run.status === 'failed' && run.compensable
      ? [{ id: ROLLBACK_ACTION, label: 'Roll back', value: run.id, style: 'danger' }]
      : [],
});

export function clusterOf(input: ClusterInput, clusterId: string): ClusterInput {
  return {
    clusterId,
    name: input.name,
    platform: input.platform,
    env: input.env,
    region: input.region,
    requester: input.requester,
    pollIntervalMs: input.pollIntervalMs,
    runTimeoutMs: input.runTimeoutMs,
  };
}
