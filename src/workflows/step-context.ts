import { ChatOpsError, toChatOpsError } from '../core/errors.ts';
import type { Logger } from '../core/ports.ts';
import type {
  EffectOptions,
  StepContext,
  WorkflowPhase,
  WorkflowServices,
  WorkflowState,
} from '../core/workflow-definition.ts';
import type { EffectStore } from './effect-store.ts';
import type { RunRow } from './run-store.ts';

export interface StepContextDependencies {
  effects: EffectStore;
  services: WorkflowServices;
  log: Logger;
  /** Sets the step's line in the progress message. */
  progress(detail: string): Promise<void>;
  /** Posts a message in the run's thread once per key. */
  say(key: string, reply: Parameters<StepContext<unknown>['post']>[1]): Promise<void>;
  /**
   * An effect whose call started this long ago or less may still be in flight in another worker (a stalled
   * but living one): wait until it is older before looking it up, so the lookup sees it.
   */
  settleMs: number;
}

/** The context one attempt of one step runs with. */
export function stepContext<Input>(
  run: RunRow,
  step: { name: string; attempt: number; phase: string },
  state: WorkflowState<Input>,
  signal: AbortSignal,
  deps: StepContextDependencies,
): StepContext<Input> {
  const log = deps.log.child({ runId: run.id, step: step.name, attempt: step.attempt });
  return {
    ...state,
    run: {
      id: run.id,
      definition: run.definition,
      tenantId: run.tenantId,
      title: run.title,
      requester: {
        platform: run.origin.platform,
        id: run.origin.user.id,
        name: run.origin.user.name ?? run.origin.user.id,
      },
      replyTo: run.origin.replyTo,
    },
    step: { name: step.name, attempt: step.attempt, phase: phaseOf(step.phase) },
    signal,
    services: deps.services,
    log,
    // Keys are the step's own: the same key in another step (or in the same finally step after a rollback)
    // is another effect.
    effect: (key, perform, options) =>
      runEffect(run.id, step.name, `${step.phase}/${step.name}/${key}`, perform, options ?? {}, deps, log),
    progress: (detail) => deps.progress(detail),
    post: (key, reply) => deps.say(`${step.name}.${key}`, reply),
  };
}

/**
 * A side effect, once per run and key: the key is recorded (`started`) before the call and the result
 * after it. Found `succeeded`: the recorded result. Found `started` or `failed` (the call may have
 * happened): looked up with `recover` first, performed again only when it did not happen.
 */
async function runEffect<T>(
  runId: string,
  stepName: string,
  key: string,
  perform: () => Promise<T>,
  options: EffectOptions<T>,
  deps: StepContextDependencies,
  log: Logger,
): Promise<T> {
  const { row, created } = await deps.effects.begin(runId, key, stepName);
  if (!created) {
    if (row.status === 'succeeded') {
      log.info('workflow-effect-reused', { key });
      return row.result as T;
    }
    if (row.status === 'started' && !options.recover) {
      throw new ChatOpsError(
        'SKILL_FAILED',
        `The side effect "${key}" was interrupted (its worker stopped) and may have taken place, so it is not repeated automatically.`,
        { remedy: 'Check whether it took effect; start the workflow again if it did not.', retryable: false },
      );
    }
    if (options.recover) {
      const age = await deps.effects.ageMs(runId, key);
      if (age < deps.settleMs) await sleep(deps.settleMs - age);
      const found = await options.recover();
      if (found !== undefined) {
        await deps.effects.succeed(runId, key, found);
        log.info('workflow-effect-recovered', { key });
        return found;
      }
    }
    await deps.effects.retry(runId, key);
    log.info('workflow-effect-repeated', { key, reason: 'it did not take place' });
  }
  try {
    const result = await perform();
    await deps.effects.succeed(runId, key, result);
    return result;
  } catch (thrown) {
    const error = toChatOpsError(thrown);
    await deps.effects.fail(runId, key, { code: error.code, message: error.message.slice(0, 1000) });
    throw thrown;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function phaseOf(phase: string): WorkflowPhase {
  return phase.endsWith('.finally') ? 'finally' : phase === 'compensation' ? 'compensation' : 'forward';
}
