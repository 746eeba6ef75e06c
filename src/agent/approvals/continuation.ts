import { APPROVAL_EXECUTE_ACTION, type ApprovedAction, type SettledApproval } from '../../core/approvals.ts';
import { ChatOpsError } from '../../core/errors.ts';
import type { Clock, Logger, TaskQueue } from '../../core/ports.ts';
import type { Task } from '../../core/task.ts';
import type { ApprovalDecisionStore } from '../../db/approval-decision-store.ts';
import type { ApprovalRow, ApprovalStore } from '../../db/approval-store.ts';
import type { TaskLedger } from '../../db/task-ledger.ts';
import { type ApprovalAudit, actorOf } from './audit.ts';
import { continuationMismatch, continuationTask } from './binding.ts';
import type { ApprovalBoard } from './visibility.ts';

/** What the worker asks around a run (src/worker/process-task.ts): is this an approved action, and how did it end. */
export interface ApprovalContinuations {
  /**
   * For an approval's continuation: checks that it is exactly the approved action, claims its execution
   * (once) and returns what `ctx.approved` is set to. Undefined for every other task. Throws (and runs
   * nothing) when the run does not match the approval or an earlier run was interrupted.
   */
  claim(task: Task, skillId: string, attempt: number): Promise<ApprovedAction | undefined>;
  settle(
    approved: ApprovedAction,
    task: Task,
    outcome: 'succeeded' | 'retrying' | 'failed',
    error?: ChatOpsError,
  ): Promise<void>;
  /**
   * A continuation that failed for good before it claimed its execution (its executor skill is gone, the
   * requester lost the permission): the approval is marked failed, so its request does not wait forever.
   */
  abandon(task: Task, error: ChatOpsError): Promise<void>;
  /** Ends the requesting task once all its approvals are decided (and executed). */
  settleRequest(taskId: string): Promise<void>;
}

export interface ContinuationDependencies {
  approvals: ApprovalStore;
  decisions: ApprovalDecisionStore;
  ledger: TaskLedger;
  queue: TaskQueue;
  board: ApprovalBoard;
  audit: ApprovalAudit;
  clock: Clock;
  log: Logger;
  /** Told of every approval that ended without a grant (workflows waiting on it end their step). */
  onSettled?: (approval: SettledApproval) => Promise<void>;
}

const FINISHED = new Set(['succeeded', 'failed', 'interrupted', 'blocked']);

/**
 * The continuation of an approved action: a task whose id is derived from the approval, written to the
 * task ledger in the same statement that completed the approval, then enqueued (job id = task id). A
 * duplicate enqueue is a no-op, a lost one is re-enqueued by the stale-task sweeper, and the execution
 * claim lets it run once: if a worker dies while the action runs, the action is not run a second time.
 */
export class ApprovalContinuationRunner implements ApprovalContinuations {
  readonly #deps: ContinuationDependencies;

  constructor(deps: ContinuationDependencies) {
    this.#deps = deps;
  }

  /** Makes sure the continuation of an approved approval is recorded and queued (safe to repeat). */
  async start(approval: ApprovalRow): Promise<void> {
    const task = continuationTask(approval, this.#deps.clock.now());
    const recorded = await this.#deps.ledger.record(task);
    if (recorded.status !== 'queued') return;
    await this.#deps.queue.enqueue(recorded.task).catch((error: unknown) => {
      this.#deps.log.warn('approval-continuation-not-queued', { approvalId: approval.id, error });
    });
  }

  async claim(task: Task, skillId: string, attempt: number): Promise<ApprovedAction | undefined> {
    if (task.kind !== 'action' || task.action?.id !== APPROVAL_EXECUTE_ACTION) return undefined;
    const { approvals, decisions, audit } = this.#deps;
    const approval = await approvals.get(task.action.value ?? '');
    const refuse = async (reason: string, status?: 'blocked'): Promise<never> => {
      if (approval && status) await approvals.setExecution(approval.id, status);
      await audit.record('approval-execution-blocked', actorOf(task), approval, { task, reason });
      if (approval) await this.#deps.board.refresh(approval.id);
      throw new ChatOpsError('FORBIDDEN', `Nothing ran: ${reason}.`, {
        remedy: 'Request the action again; it runs once the new approval is granted.',
      });
    };
    if (!approval || approval.tenantId !== task.tenantId) return refuse('there is no such approval here');
    if (approval.status !== 'approved') return refuse(`the approval is ${approval.status}, not approved`);
    const mismatch = continuationMismatch(approval, task, skillId);
    if (mismatch) return refuse(mismatch, approval.continuationTaskId === task.id ? 'blocked' : undefined);
    const claimed = await approvals.claimExecution(approval.id, task.id, attempt);
    if (!claimed) return this.#alreadyClaimed(approval.id, task);
    await audit.record('approval-execution-started', actorOf(task), claimed, { task, attempt });
    const approvers = (await decisions.of(approval.id))
      .filter((decision) => decision.decision === 'approved')
      .map((decision) => decision.userName);
    return { approvalId: approval.id, action: claimed.action, approvers };
  }

  async settle(
    approved: ApprovedAction,
    task: Task,
    outcome: 'succeeded' | 'retrying' | 'failed',
    error?: ChatOpsError,
  ): Promise<void> {
    const { approvals, audit, board } = this.#deps;
    await approvals.setExecution(approved.approvalId, outcome);
    if (outcome === 'retrying') return;
    const approval = await approvals.get(approved.approvalId);
    await audit.record(
      outcome === 'succeeded' ? 'approval-executed' : 'approval-execution-failed',
      actorOf(task),
      approval,
      {
        task,
        ...(error ? { error: { code: error.code, message: error.message.slice(0, 500) } } : {}),
      },
    );
    await board.refresh(approved.approvalId);
    if (approval) await this.settleRequest(approval.requestTaskId);
  }

  async abandon(task: Task, error: ChatOpsError): Promise<void> {
    if (task.kind !== 'action' || task.action?.id !== APPROVAL_EXECUTE_ACTION) return;
    const { approvals, audit, board } = this.#deps;
    const approval = await approvals.get(task.action.value ?? '');
    // Only the genuine continuation, and only before it ran: a forged task or a blocked run changes nothing.
    if (approval?.continuationTaskId !== task.id || approval.executionStatus !== null) return;
    await approvals.setExecution(approval.id, 'failed');
    await audit.record('approval-execution-failed', actorOf(task), approval, {
      task,
      error: { code: error.code, message: error.message.slice(0, 500) },
    });
    await board.refresh(approval.id);
    await this.settleRequest(approval.requestTaskId);
  }

  async settleRequest(taskId: string): Promise<void> {
    const rows = await this.#deps.approvals.ofRequestTask(taskId);
    if (rows.length === 0) return;
    await this.#announce(rows);
    const open = rows.some(
      (row) =>
        row.status === 'pending' || (row.status === 'approved' && !FINISHED.has(row.executionStatus ?? '')),
    );
    if (open) return;
    const failed = rows.find((row) => row.status !== 'approved' || row.executionStatus !== 'succeeded');
    await this.#deps.ledger.settleAwaiting(
      taskId,
      failed ? 'failed' : 'succeeded',
      failed
        ? {
            code: failed.executionStatus === 'failed' ? 'SKILL_FAILED' : 'FORBIDDEN',
            message: outcomeOf(failed),
          }
        : undefined,
    );
  }

  /** Tells the listener of each approval that ended without a grant (repeats are harmless to it). */
  async #announce(rows: readonly ApprovalRow[]): Promise<void> {
    const { onSettled, decisions, log } = this.#deps;
    if (!onSettled) return;
    for (const row of rows) {
      if (row.status !== 'rejected' && row.status !== 'expired' && row.status !== 'cancelled') continue;
      const rejection =
        row.status === 'rejected'
          ? (await decisions.of(row.id)).find((decision) => decision.decision === 'rejected')
          : undefined;
      const by = rejection?.userName ?? row.cancelledBy ?? undefined;
      const reason = rejection?.reason ?? row.cancelReason ?? undefined;
      await onSettled({
        approvalId: row.id,
        status: row.status,
        ...(by ? { by } : {}),
        ...(reason ? { reason } : {}),
      }).catch((error: unknown) =>
        log.warn('approval-settle-listener-failed', { approvalId: row.id, error }),
      );
    }
  }

  /** The claim lost: it ran already, was blocked, or an earlier run died while executing it. */
  async #alreadyClaimed(approvalId: string, task: Task): Promise<never> {
    const { approvals, audit, board } = this.#deps;
    const approval = await approvals.get(approvalId);
    if (approval?.executionStatus === 'running') {
      await approvals.setExecution(approvalId, 'interrupted');
      await audit.record('approval-execution-interrupted', actorOf(task), approval, { task });
      await board.refresh(approvalId);
      await this.settleRequest(approval.requestTaskId);
      throw new ChatOpsError(
        'FORBIDDEN',
        'An earlier run of this approved action was interrupted (its worker stopped) and may have partly taken effect, so it is not run again automatically.',
        { remedy: 'Check whether it took effect; if it did not, request it again.' },
      );
    }
    await audit.record('approval-execution-blocked', actorOf(task), approval, {
      task,
      reason: `execution already ${approval?.executionStatus ?? 'claimed'}`,
    });
    throw new ChatOpsError(
      'FORBIDDEN',
      `This approved action has already been run (${approval?.executionStatus}).`,
      {
        remedy: 'An approval runs its action once; request it again to run it again.',
      },
    );
  }
}

function outcomeOf(approval: ApprovalRow): string {
  if (approval.status !== 'approved') return `The approval was ${approval.status}; nothing ran.`;
  return `The approved action ${approval.action.name} ended ${approval.executionStatus}.`;
}
