import {
  type ActionStep,
  ChatOpsError,
  type DeployEnvironment,
  type DeploymentsPort,
  type ExecutionRef,
  type ExecutionRequest,
  type StepContext,
  type WaitCheck,
  type WaitStep,
  type WorkflowState,
} from '../../src/core/index.ts';

/**
 * Steps the deploy, rollback, destroy and expiry workflows share: taking and releasing the environment's
 * lock (held by the run, so only this run frees it), starting the executor once per correlation id (a
 * crash looks the execution up instead of starting it again), and following it to its end.
 */

/** What every provisioning run carries: the cluster and the settings read when it started. */
export interface ClusterInput {
  clusterId: string;
  name: string;
  platform: ExecutionRequest['cluster']['platform'];
  env: DeployEnvironment;
  region: string;
  requester: string;
  pollIntervalMs: number;
  runTimeoutMs: number;
}

export function deploymentsOf<Input>(context: StepContext<Input>): DeploymentsPort {
  const port = context.services.deployments;
  if (!port) {
    throw new ChatOpsError('DEPENDENCY_UNAVAILABLE', 'Deployments are not available in this worker.', {
      remedy: 'Run the workflow in a chatops worker.',
    });
  }
  return port;
}

export function executorOf<Input>(context: StepContext<Input>) {
  const executor = deploymentsOf(context).executor;
  if (!executor) {
    throw new ChatOpsError('CONFIG_INVALID', 'No deployment executor is configured.', {
      remedy:
        'Set DEPLOY_GITHUB_REPO (GitHub Actions) or DEPLOY_TERRAFORM_BIN (Terraform/OpenTofu) on the workers.',
      retryable: false,
    });
  }
  return executor;
}

export const lockKey = (runId: string) => `run:${runId}`;

/** Takes the environment's lock for this run; a lock someone else holds fails the run, naming them. */
export function lockStep<Input extends ClusterInput>(
  name: string,
  label: string,
  why: string,
): ActionStep<Input> {
  return {
    kind: 'step',
    name,
    label,
    run: async (ctx) => {
      const { env } = ctx.input;
      const taken = await deploymentsOf(ctx).locks.acquire(env, {
        key: lockKey(ctx.run.id),
        name: ctx.run.requester.name,
        runId: ctx.run.id,
        reason: `${why} ${ctx.input.name}`,
        channel: ctx.run.replyTo.channel,
        thread: ctx.run.replyTo.thread,
      });
      if (!taken.acquired) {
        throw new ChatOpsError('CONFLICT', lockedMessage(taken.lock), {
          remedy: 'Wait for it to be unlocked (/deploy-cluster locks shows the locks), then ask again.',
          retryable: false,
        });
      }
      return { environment: env, holder: lockKey(ctx.run.id) };
    },
  };
}

export function lockedMessage(lock: {
  environment: string;
  holderName: string;
  reason: string;
  createdAt: string;
  expiresAt: string | null;
}): string {
  const until = lock.expiresAt ? ` until ${utc(lock.expiresAt)}` : ' until it is unlocked';
  return `${lock.environment} is locked by ${lock.holderName} since ${utc(lock.createdAt)}: ${lock.reason}${until}.`;
}

/** Releases the run's lock, whatever happened (a finally step); another holder's lock is left alone. */
export function unlockStep<Input extends ClusterInput>(): ActionStep<Input> {
  return {
    kind: 'step',
    name: 'unlock',
    label: 'Release the environment',
    run: async (ctx) => ({
      released: await deploymentsOf(ctx).locks.release(ctx.input.env, lockKey(ctx.run.id)),
    }),
  };
}

/**
 * Starts the execution once: the correlation id is recorded before the call; after a crash the execution
 * is looked up by it (GitHub: the run whose name carries it) instead of being dispatched again.
 */
export async function startExecution<Input>(
  ctx: StepContext<Input>,
  request: Omit<ExecutionRequest, 'correlationId'>,
): Promise<ExecutionRef> {
  const executor = executorOf(ctx);
  const correlationId = `${ctx.run.id}-${request.action}`;
  return ctx.effect(
    `${request.action}-dispatch`,
    () => executor.start({ ...request, correlationId }, (line) => ctx.progress(line)),
    { recover: () => executor.find(correlationId, request.action) },
  );
}

/** Follows a started execution to its end: events (webhooks) first, polling as the fallback. */
export function followStep<Input extends ClusterInput>(
  name: string,
  label: string,
  refOf: (state: WorkflowState<Input>) => ExecutionRef,
): WaitStep<Input> {
  return {
    kind: 'wait',
    name,
    label,
    when: (state) => !refOf(state).completed,
    event: (state) => `github-run:${refOf(state).id}`,
    onEvent: async (payload) => eventCheck(payload),
    poll: {
      intervalMs: (state) => state.input.pollIntervalMs,
      check: async (ctx) => {
        const status = await executorOf(ctx).status(refOf(ctx));
        if (status.state !== 'completed') {
          const jobs = status.jobs.map((job) => `${job.name}: ${job.conclusion ?? job.status}`).join(', ');
          return { done: false, detail: `${status.state.replace('_', ' ')}${jobs ? ` (${jobs})` : ''}` };
        }
        return status.conclusion === 'success'
          ? { done: true, output: { conclusion: 'success', url: status.url } }
          : { failed: `The run ended ${status.conclusion}${status.url ? ` (${status.url})` : ''}.` };
      },
    },
    timeoutMs: (state) => state.input.runTimeoutMs,
  };
}

function eventCheck(payload: unknown): WaitCheck {
  const event = payload as {
    event: string;
    status: string;
    conclusion: string | null;
    name: string;
    url: string | null;
  };
  if (event.event === 'workflow_job') {
    return {
      done: false,
      detail: `job ${event.name}: ${event.conclusion ?? event.status.replace('_', ' ')}`,
    };
  }
  if (event.status !== 'completed') return { done: false, detail: `run ${event.status.replace('_', ' ')}` };
  return event.conclusion === 'success'
    ? { done: true, output: { conclusion: 'success', url: event.url } }
    : {
        failed: `The run ended ${event.conclusion ?? 'without a conclusion'}${event.url ? ` (${event.url})` : ''}.`,
      };
}

/** Fails the step when a Terraform execution (which ends before it returns) failed, with its log's end. */
export function ensureSucceeded(ref: ExecutionRef): void {
  if (ref.completed && ref.completed.conclusion !== 'success') {
    throw new ChatOpsError(
      'SKILL_FAILED',
      `Terraform failed:\n${ref.completed.log.split('\n').slice(-15).join('\n')}`,
      {
        remedy: 'Read the output above; the run offers a rollback.',
        retryable: false,
      },
    );
  }
}

export function utc(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
