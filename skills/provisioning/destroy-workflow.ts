import {
  ChatOpsError,
  defineWorkflow,
  type ExecutionRef,
  REPLY_VERSION,
  type WorkflowState,
} from '../../src/core/index.ts';
import { ttlText } from './request.ts';
import {
  type ClusterInput,
  deploymentsOf,
  ensureSucceeded,
  followStep,
  lockStep,
  startExecution,
  unlockStep,
  utc,
} from './steps.ts';

export const DESTROY_WORKFLOW = 'provisioning.destroy';
export const EXPIRY_WORKFLOW = 'provisioning.expiry';
export const EXTEND_ACTION = 'provisioning.extend';
export const DESTROY_NOW_ACTION = 'provisioning.destroy-now';

/** A cluster to destroy: its deploy's Terraform files and variables, so any worker can run the destroy. */
export interface DestroyInput extends ClusterInput {
  files: Record<string, string>;
  variables: Record<string, unknown>;
  planHash: string;
  approvals: number;
  approverRole: string;
}

export interface ExpiryInput extends ClusterInput {
  expiresAt: string;
  ttlSeconds: number;
  files: Record<string, string>;
  variables: Record<string, unknown>;
}

const destroyRef = (state: WorkflowState<ClusterInput>) =>
  (state.outputs.destroy as { ref: ExecutionRef }).ref;

/** Lock, destroy (dispatched once), follow, record: the same for `destroy` and for an expired TTL. */
function destroySteps<
  Input extends ClusterInput & { files: Record<string, string>; variables: Record<string, unknown> },
>() {
  return [
    lockStep<Input>('lock', 'Lock the environment', 'destroy of'),
    {
      kind: 'step' as const,
      name: 'destroy',
      label: 'Destroy',
      retry: { attempts: 3, backoffMs: 5000 },
      run: async (ctx: Parameters<typeof startExecution<Input>>[0]) => {
        await deploymentsOf(ctx).clusters.update(ctx.input.clusterId, { status: 'destroying' });
        const ref = await startExecution(ctx, {
          action: 'destroy',
          runId: ctx.input.clusterId,
          cluster: {
            name: ctx.input.name,
            platform: ctx.input.platform,
            environment: ctx.input.env,
            region: ctx.input.region,
          },
          files: ctx.input.files,
          variables: ctx.input.variables,
          planHash: 'destroy',
        });
        ensureSucceeded(ref);
        return { ref };
      },
    },
    followStep<Input>('follow', 'Follow the destroy', destroyRef),
    {
      kind: 'step' as const,
      name: 'record',
      label: 'Record',
      run: async (ctx: Parameters<typeof startExecution<Input>>[0]) => {
        await deploymentsOf(ctx).clusters.update(ctx.input.clusterId, {
          status: 'destroyed',
          expiresAt: null,
        });
        await ctx.post('destroyed', `🗑️ ${ctx.input.name} (${ctx.input.env}) is destroyed.`);
        return { status: 'destroyed' };
      },
    },
  ];
}

/** `/deploy-cluster destroy <id> confirm=<name>`: an approval (per environment, at least one), then the destroy. */
export const destroyWorkflow = defineWorkflow<DestroyInput>({
  id: DESTROY_WORKFLOW,
  skill: 'provisioning',
  parseInput: (input) => input as DestroyInput,
  title: (input) => `Destroy ${input.name} (${input.platform}, ${input.env})`,
  cancelRoles: ['admin', 'sre'],
  steps: [
    {
      kind: 'approval',
      name: 'approval',
      label: 'Approval',
      request: (state) => ({
        action: 'deploy-cluster-destroy',
        args: { name: state.input.name, env: state.input.env, cluster: state.input.clusterId.slice(-8) },
        title: `Destroy cluster ${state.input.name} in ${state.input.env}`,
        environment: state.input.env,
        defaultPolicy: { roles: [state.input.approverRole], required: Math.max(1, state.input.approvals) },
        binding: { cluster: state.input.clusterId, action: 'destroy', plan: state.input.planHash },
      }),
    },
    ...destroySteps<DestroyInput>(),
  ],
  finally: [unlockStep<DestroyInput>()],
});

const DAY = 86_400_000;
const reminders = [
  { name: 'remind-2d', before: 2 * DAY, text: '2 days' },
  { name: 'remind-2h', before: 2 * 3_600_000, text: '2 hours' },
  { name: 'remind-30m', before: 30 * 60_000, text: '30 minutes' },
];

/**
 * A cluster with a TTL: reminders 2 days, 2 hours and 30 minutes before it expires (each with Extend and
 * Destroy now), then the destroy. Its deploy's approval covered the TTL, so the destroy at expiry needs no
 * new one; Extend replaces this run with one for the new time.
 */
export const expiryWorkflow = defineWorkflow<ExpiryInput>({
  id: EXPIRY_WORKFLOW,
  skill: 'provisioning',
  parseInput: (input) => input as ExpiryInput,
  title: (input) => `Expiry of ${input.name} (${input.env}) at ${utc(input.expiresAt)}`,
  cancelRoles: ['admin', 'sre'],
  steps: [
    ...reminders.flatMap((reminder) => [
      {
        kind: 'wait' as const,
        name: `${reminder.name}-wait`,
        label: `${reminder.text} before expiry`,
        when: (state: WorkflowState<ExpiryInput>) =>
          Date.parse(state.input.expiresAt) - reminder.before > Date.now(),
        until: (state: WorkflowState<ExpiryInput>) =>
          new Date(Date.parse(state.input.expiresAt) - reminder.before),
      },
      {
        kind: 'step' as const,
        name: reminder.name,
        label: `Remind (${reminder.text})`,
        critical: false,
        when: (state: WorkflowState<ExpiryInput>) => state.statuses[`${reminder.name}-wait`] === 'succeeded',
        run: async (ctx: Parameters<typeof startExecution<ExpiryInput>>[0]) => {
          const text = `⏰ ${ctx.input.name} (${ctx.input.env}) will be destroyed in ${reminder.text}, at ${utc(ctx.input.expiresAt)}.`;
          await ctx.post(reminder.name, {
            v: REPLY_VERSION,
            text,
            blocks: [
              { type: 'markdown', text },
              {
                type: 'buttons',
                buttons: [
                  {
                    id: EXTEND_ACTION,
                    label: `Extend ${ttlText(ctx.input.ttlSeconds)}`,
                    value: ctx.input.clusterId,
                    style: 'primary',
                  },
                  {
                    id: DESTROY_NOW_ACTION,
                    label: 'Destroy now',
                    value: ctx.input.clusterId,
                    style: 'danger',
                  },
                ],
              },
            ],
          });
          return { reminded: reminder.text };
        },
      },
    ]),
    { kind: 'wait', name: 'expire', label: 'Expiry', until: (state) => new Date(state.input.expiresAt) },
    {
      kind: 'step',
      name: 'still-active',
      label: 'Check it is still there',
      run: async (ctx) => {
        const cluster = await deploymentsOf(ctx).clusters.find(ctx.input.clusterId);
        if (cluster?.status !== 'active') {
          throw new ChatOpsError(
            'CONFLICT',
            `${ctx.input.name} is ${cluster?.status ?? 'gone'}; nothing to destroy.`,
            {
              retryable: false,
            },
          );
        }
        return { status: cluster.status };
      },
    },
    ...destroySteps<ExpiryInput>(),
  ],
  finally: [unlockStep<ExpiryInput>()],
});
