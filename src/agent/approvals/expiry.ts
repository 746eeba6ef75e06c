import { startPeriodic } from '../../core/periodic.ts';
import type { Logger } from '../../core/ports.ts';
import type { ApprovalRow, ApprovalStore } from '../../db/approval-store.ts';
import type { ApprovalAudit } from './audit.ts';
import { utc } from './card.ts';
import type { ApprovalContinuationRunner } from './continuation.ts';
import type { ApprovalBoard } from './visibility.ts';

export interface ExpiryDependencies {
  approvals: ApprovalStore;
  board: ApprovalBoard;
  audit: ApprovalAudit;
  continuations: ApprovalContinuationRunner;
  log: Logger;
}

/**
 * Expiry: each approval has a delayed queue job for its expiry time (src/queue/approval-timers.ts), and a
 * periodic sweep catches any whose job was lost. Both end here, and the compare-and-set makes the first
 * one win: the message shows "expired" to everyone, and the requester is told.
 */
export class ApprovalExpiry {
  readonly #deps: ExpiryDependencies;

  constructor(deps: ExpiryDependencies) {
    this.#deps = deps;
  }

  /** Expires the approval if it is pending and its time is up; returns it when this call expired it. */
  async expire(approvalId: string): Promise<ApprovalRow | null> {
    const { approvals, audit, board, continuations } = this.#deps;
    const expired = await approvals.expire(approvalId);
    if (!expired) return null;
    await audit.record('approval-expired', 'system', expired, {
      expiresAt: expired.expiresAt.toISOString(),
      given: expired.approvalsGiven,
      required: expired.requiredApprovals,
    });
    await board.refresh(expired.id);
    await board.tellRequester(
      expired,
      'expired',
      `⌛ ${expired.requestedByName}, your request "${expired.title}" expired ${utc(expired.expiresAt)} with ${expired.approvalsGiven} of ${expired.requiredApprovals} approvals. Nothing ran; ask again if it is still needed.`,
      true,
    );
    await continuations.settleRequest(expired.requestTaskId);
    return expired;
  }

  /** Expires every overdue approval; returns how many it expired. */
  async sweep(): Promise<number> {
    let count = 0;
    for (const id of await this.#deps.approvals.overdue()) {
      if (await this.expire(id)) count += 1;
    }
    return count;
  }

  /** The safety net: sweeps every `intervalMs` (and once at start, for approvals that expired while down). */
  startSweeper(intervalMs: number): () => void {
    return startPeriodic({
      intervalMs,
      atStart: true,
      failureEvent: 'approval-sweep-failed',
      log: this.#deps.log,
      run: async () => {
        const expired = await this.sweep();
        if (expired > 0) this.#deps.log.info('approvals-swept', { expired });
      },
    });
  }
}
