import type { ApprovalsPort, SettledApproval } from '../../core/approvals.ts';
import type { Clock, LiveEvents, Logger, Sender, TaskQueue } from '../../core/ports.ts';
import type { Platform, Task } from '../../core/task.ts';
import { ApprovalDecisionStore } from '../../db/approval-decision-store.ts';
import { ApprovalStore } from '../../db/approval-store.ts';
import type { AuditLog } from '../../db/audit-log.ts';
import type { Database } from '../../db/database.ts';
import type { Directory } from '../../db/directory.ts';
import type { MessageStore } from '../../db/message-store.ts';
import type { TaskLedger } from '../../db/task-ledger.ts';
import { ApprovalAudit } from './audit.ts';
import { ApprovalContinuationRunner } from './continuation.ts';
import { ApprovalDecisions } from './decision.ts';
import { ApprovalExpiry } from './expiry.ts';
import type { ApprovalPolicy } from './policy.ts';
import { ApprovalListing } from './query.ts';
import { ApprovalRequests, type ApprovalTimers } from './request.ts';
import { ApprovalBoard } from './visibility.ts';

export interface ApprovalsEngineOptions {
  database: Database;
  ledger: TaskLedger;
  messages: MessageStore;
  directory: Directory;
  audit: AuditLog;
  senders: ReadonlyMap<Platform, Sender>;
  live: LiveEvents;
  queue: TaskQueue;
  timers: ApprovalTimers;
  policy: ApprovalPolicy;
  clock?: Clock;
  log: Logger;
  /** Told of every approval that ends without a grant (the workflow engine ends the step waiting on it). */
  onSettled?: (approval: SettledApproval) => Promise<void>;
}

/**
 * The approvals engine, assembled from its parts: requests (policy + binding), decisions, continuations,
 * expiry, visibility and listing. Everything reaches the platforms through the neutral ports (the Reply
 * approval block, Sender.update, Sender.notifyUser), so Slack, Teams and the web chat get the same engine.
 */
export class ApprovalsEngine {
  readonly query: ApprovalListing;
  readonly continuations: ApprovalContinuationRunner;
  readonly expiry: ApprovalExpiry;
  readonly store: ApprovalStore;
  readonly #requests: ApprovalRequests;
  readonly #decisions: ApprovalDecisions;

  constructor(options: ApprovalsEngineOptions) {
    const clock = options.clock ?? { now: () => new Date() };
    const log = options.log.child({ component: 'approvals' });
    const approvals = new ApprovalStore(options.database);
    const decisions = new ApprovalDecisionStore(options.database);
    const audit = new ApprovalAudit(options.audit, log);
    const board = new ApprovalBoard({
      approvals,
      decisions,
      messages: options.messages,
      directory: options.directory,
      senders: options.senders,
      live: options.live,
      log,
    });
    this.store = approvals;
    this.query = new ApprovalListing(approvals, decisions, options.directory);
    this.continuations = new ApprovalContinuationRunner({
      approvals,
      decisions,
      ledger: options.ledger,
      queue: options.queue,
      board,
      audit,
      clock,
      log,
      ...(options.onSettled ? { onSettled: options.onSettled } : {}),
    });
    this.expiry = new ApprovalExpiry({ approvals, board, audit, continuations: this.continuations, log });
    this.#requests = new ApprovalRequests({
      approvals,
      policy: options.policy,
      board,
      audit,
      timers: options.timers,
      clock,
      log,
    });
    this.#decisions = new ApprovalDecisions({
      approvals,
      decisions,
      directory: options.directory,
      board,
      audit,
      continuations: this.continuations,
      expire: (id) => this.expiry.expire(id),
      messages: options.messages,
      clock,
      log,
    });
  }

  /** The approvals port of one task's run: everything acts as the person behind the task. */
  portFor(task: Task): ApprovalsPort {
    return {
      request: (request) => this.#requests.request(task, request),
      pending: () => this.query.pendingFor(task.tenantId, task.platform, task.user.id),
      decide: (decision) => this.#decisions.decide(task, decision),
      cancel: (approvalId, reason) => this.#decisions.cancel(task, approvalId, reason),
    };
  }
}
