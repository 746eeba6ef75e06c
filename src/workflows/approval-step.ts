import { stableHash } from '../core/ids.ts';
import type { ApprovalStep, WaitCheck } from '../core/workflow-definition.ts';
import { type ApprovalEvent, approvalEventKey, WORKFLOWS_SKILL } from './approval-gate.ts';
import type { WorkflowEngine } from './engine.ts';
import { stateOf } from './plan.ts';
import type { ClaimedStep, StepRunner } from './step-runner.ts';

/** What an approval step stores while it waits: the approval and the hash it is bound to. */
interface ApprovalWaitInput {
  approvalId: string;
  binding: string;
  action: string;
  required: number;
}

/** Grace after the approval's own expiry before the step gives up by itself (the hook normally says it). */
const EXPIRY_GRACE_MS = 60_000;

/**
 * Approval steps: ask the approvals engine (through the narrow gate) for an approval bound to the hash of
 * exactly what will be executed, then wait for its outcome as an event. A grant counts only if what was
 * approved still hashes the same when it arrives; anything else voids it.
 */
export const approvalStep = {
  async start(engine: WorkflowEngine, runner: StepRunner, claimed: ClaimedStep): Promise<void> {
    const { run, key } = claimed;
    // biome-ignore lint/suspicious/noExplicitAny: the engine runs definitions of every input type
    const node = claimed.node as ApprovalStep<any>;
    const gate = engine.options.gate;
    if (!gate) {
      await engine.steps.finish(key, ['running'], 'failed', {
        error: {
          code: 'FORBIDDEN',
          message: 'This step needs an approval, and approvals are not available here.',
        },
      });
      return engine.advance(run.id);
    }
    const state = stateOf(run.input, await engine.steps.ofRun(run.id));
    const request = node.request(state);
    const binding = stableHash(request.binding);
    const context = await runner.contextFor(claimed, new AbortController().signal);
    const ask = () =>
      gate.request(run.origin, {
        action: {
          kind: 'command',
          name: request.action,
          args: { ...request.args, workflowRun: run.id, step: key.name, binding },
          executor: WORKFLOWS_SKILL,
        },
        title: request.title,
        ...(request.summary ? { summary: request.summary } : {}),
        ...(request.environment ? { environment: request.environment } : {}),
        ...(request.defaultPolicy ? { defaultPolicy: request.defaultPolicy } : {}),
      });
    // The gate is idempotent for a pending request, so an interrupted request is simply asked again.
    const ticket = await context.effect(`approval.${key.name}`, ask, { recover: ask });
    const input: ApprovalWaitInput = {
      approvalId: ticket.approvalId,
      binding,
      action: request.action,
      required: ticket.requiredApprovals,
    };
    const deadline = new Date(new Date(ticket.expiresAt).getTime() + EXPIRY_GRACE_MS);
    const waiting = await engine.steps.wait(key, {
      waitKey: approvalEventKey(ticket.approvalId),
      deadline,
      input,
      detail: `waiting for ${ticket.requiredApprovals} approval${ticket.requiredApprovals === 1 ? '' : 's'} (until ${ticket.expiresAt.slice(0, 16).replace('T', ' ')} UTC)`,
    });
    if (!waiting) return;
    await engine.options.queue.add(
      { type: 'timer', runId: run.id, phase: key.phase, name: key.name, at: deadline.getTime() },
      deadline.getTime() - Date.now(),
    );
    await engine.refresh(run);
    await replay(engine, runner, claimed, approvalEventKey(ticket.approvalId));
  },

  /** Reads one approval outcome for a waiting approval step. */
  async check(engine: WorkflowEngine, claimed: ClaimedStep, payload: unknown): Promise<WaitCheck> {
    const event = payload as ApprovalEvent;
    const input = claimed.row.input as ApprovalWaitInput;
    if (event.outcome !== 'approved') {
      const by = event.by ? ` by ${event.by}` : '';
      const reason = event.reason ? `: ${event.reason}` : '';
      return { failed: `The approval was ${event.outcome}${by}${reason}. Nothing was run.` };
    }
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const node = claimed.node as ApprovalStep<any>;
    const state = stateOf(claimed.run.input, await engine.steps.ofRun(claimed.run.id));
    const now = stableHash(node.request(state).binding);
    if (event.binding !== input.binding || now !== input.binding) {
      return {
        failed:
          'What was approved changed before it ran (its hash no longer matches), so the approval is void. Nothing was run.',
      };
    }
    return { done: true, output: { approvalId: input.approvalId, approvers: event.approvers } };
  },
};

/** Hands the events already stored under `waitKey` to a step that just started waiting, in order. */
export async function replay(
  engine: WorkflowEngine,
  runner: StepRunner,
  claimed: ClaimedStep,
  waitKey: string,
): Promise<void> {
  for (const signal of await engine.effects.signals(waitKey)) {
    const row = await engine.steps.get(claimed.key);
    if (row?.status !== 'waiting') return;
    await runner.evaluate({ ...claimed, row }, signal.payload);
  }
}
