import type { ApprovalAction, ApprovalTicket } from '../core/approvals.ts';
import type { ReplyAddress } from '../core/task.ts';
import type { Database } from './database.ts';
import { isUuid } from './message-store.ts';

export type ApprovalStatus = ApprovalTicket['status'];
export type ExecutionStatus = 'running' | 'retrying' | 'succeeded' | 'failed' | 'interrupted' | 'blocked';

export interface NewApproval {
  id: string;
  tenantId: string;
  replyTo: ReplyAddress;
  requestTaskId: string;
  requestedBy: string;
  requestedByName: string;
  action: ApprovalAction;
  argsHash: string;
  title: string;
  summary: { label: string; value: string }[];
  environment: string | null;
  /** The resolved policy, stored with the approval. */
  policy: Record<string, unknown>;
  requiredApprovals: number;
  expiresAt: Date;
}

export interface ApprovalRow extends Omit<NewApproval, 'action'> {
  platform: string;
  channel: string;
  thread: string;
  messageId: string | null;
  action: ApprovalAction;
  approvalsGiven: number;
  deciders: string[];
  status: ApprovalStatus;
  decidedAt: Date | null;
  cancelledBy: string | null;
  cancelReason: string | null;
  continuationTaskId: string | null;
  executionStatus: ExecutionStatus | null;
  executionAttempt: number | null;
  executedAt: Date | null;
  createdAt: Date;
}

const COLUMNS = `id, tenant_id, platform, channel, thread, reply_to, message_id, request_task_id, requested_by,
  requested_by_name, action_kind, action_name, action_args, args_hash, executor, title, summary, environment,
  policy, required_approvals, approvals_given, deciders, status, expires_at, decided_at, cancelled_by,
  cancel_reason, continuation_task_id, execution_status, execution_attempt, executed_at, created_at`;

/**
 * The approvals table: requests, their state, and the execution claim of their continuation. Every state
 * change is one conditional statement (compare-and-set on the row), so concurrent clicks, timers and
 * workers can never both win; see approval-decision-store.ts for the decisions themselves.
 */
export class ApprovalStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  /** Stores a request; an identical pending request in the same thread is returned instead. */
  async create(input: NewApproval): Promise<{ approval: ApprovalRow; created: boolean }> {
    const { replyTo, action } = input;
    const rows = await this.#database.sql<Record<string, unknown>>(
      `insert into approvals (id, tenant_id, platform, channel, thread, reply_to, request_task_id, requested_by,
         requested_by_name, action_kind, action_name, action_args, args_hash, executor, title, summary,
         environment, policy, required_approvals, expires_at)
       values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12::jsonb, $13, $14, $15, $16::jsonb, $17,
         $18::jsonb, $19, $20)
       on conflict do nothing returning ${COLUMNS}`,
      [
        input.id,
        input.tenantId,
        replyTo.platform,
        replyTo.channel,
        replyTo.thread,
        JSON.stringify(replyTo),
        input.requestTaskId,
        input.requestedBy,
        input.requestedByName,
        action.kind,
        action.name,
        JSON.stringify(action.args),
        input.argsHash,
        action.executor,
        input.title,
        JSON.stringify(input.summary),
        input.environment,
        JSON.stringify(input.policy),
        input.requiredApprovals,
        input.expiresAt.toISOString(),
      ],
    );
    if (rows[0]) return { approval: toRow(rows[0]), created: true };
    const existing = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from approvals where tenant_id = $1 and platform = $2 and channel = $3 and thread = $4
         and action_name = $5 and args_hash = $6 and status = 'pending'`,
      [input.tenantId, replyTo.platform, replyTo.channel, replyTo.thread, action.name, input.argsHash],
    );
    if (!existing[0]) throw new Error(`approval ${input.id} conflicted with a row that is gone`);
    return { approval: toRow(existing[0]), created: false };
  }

  async get(id: string): Promise<ApprovalRow | null> {
    if (!isUuid(id)) return null;
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from approvals where id = $1`,
      [id],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  async setMessage(id: string, messageId: string): Promise<void> {
    await this.#database.sql('update approvals set message_id = $2 where id = $1 and message_id is null', [
      id,
      messageId,
    ]);
  }

  /** Pending, unexpired approvals on one platform of a tenant, oldest first. */
  async pending(tenantId: string, platform: string, limit = 200): Promise<ApprovalRow[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from approvals where tenant_id = $1 and platform = $2 and status = 'pending'
         and expires_at > now() order by created_at limit $3`,
      [tenantId, platform, limit],
    );
    return rows.map(toRow);
  }

  /** Pending approvals past their expiry (the sweeper's safety net when a timer was lost). */
  async overdue(limit = 100): Promise<string[]> {
    const rows = await this.#database.sql<{ id: string }>(
      `select id from approvals where status = 'pending' and expires_at <= now() order by expires_at limit $1`,
      [limit],
    );
    return rows.map((row) => String(row.id));
  }

  async ofRequestTask(taskId: string): Promise<ApprovalRow[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLUMNS} from approvals where request_task_id = $1 order by created_at`,
      [taskId],
    );
    return rows.map(toRow);
  }

  /** Pending → expired, only once its time is up. Returns the approval when this call expired it. */
  async expire(id: string): Promise<ApprovalRow | null> {
    return this.#one(
      `update approvals set status = 'expired', decided_at = now(), updated_at = now()
        where id = $1 and status = 'pending' and expires_at <= now() returning ${COLUMNS}`,
      [id],
    );
  }

  /** Pending → cancelled. Returns the approval when this call cancelled it. */
  async cancel(id: string, tenantId: string, by: string, reason: string | null): Promise<ApprovalRow | null> {
    return this.#one(
      `update approvals set status = 'cancelled', decided_at = now(), cancelled_by = $3, cancel_reason = $4,
         updated_at = now()
        where id = $1 and tenant_id = $2 and status = 'pending' returning ${COLUMNS}`,
      [id, tenantId, by, reason],
    );
  }

  /**
   * Claims the execution of an approved action for its continuation task: only the continuation the
   * approval names, only once (a retry after a clean, retryable failure may claim again).
   */
  async claimExecution(id: string, taskId: string, attempt: number): Promise<ApprovalRow | null> {
    return this.#one(
      `update approvals set execution_status = 'running', execution_attempt = $3, updated_at = now()
        where id = $1 and status = 'approved' and continuation_task_id = $2
          and (execution_status is null or execution_status = 'retrying') returning ${COLUMNS}`,
      [id, taskId, attempt],
    );
  }

  async setExecution(id: string, status: ExecutionStatus): Promise<void> {
    await this.#database.sql(
      `update approvals set execution_status = $2, updated_at = now(),
         executed_at = case when $2 in ('succeeded', 'failed') then now() else executed_at end
        where id = $1`,
      [id, status],
    );
  }

  async #one(text: string, params: unknown[]): Promise<ApprovalRow | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(text, params);
    return rows[0] ? toRow(rows[0]) : null;
  }
}

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function date(value: unknown): Date | null {
  return value === null || value === undefined ? null : new Date(value as string);
}

export function toRow(row: Record<string, unknown>): ApprovalRow {
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    platform: String(row.platform),
    channel: String(row.channel),
    thread: String(row.thread),
    replyTo: json<ReplyAddress>(row.reply_to),
    messageId: (row.message_id as string | null) ?? null,
    requestTaskId: String(row.request_task_id),
    requestedBy: String(row.requested_by),
    requestedByName: String(row.requested_by_name),
    action: {
      kind: row.action_kind as ApprovalAction['kind'],
      name: String(row.action_name),
      args: json<Record<string, unknown>>(row.action_args),
      executor: String(row.executor),
    },
    argsHash: String(row.args_hash),
    title: String(row.title),
    summary: json<{ label: string; value: string }[]>(row.summary),
    environment: (row.environment as string | null) ?? null,
    policy: json<Record<string, unknown>>(row.policy),
    requiredApprovals: Number(row.required_approvals),
    approvalsGiven: Number(row.approvals_given),
    deciders: json<string[]>(row.deciders),
    status: row.status as ApprovalStatus,
    expiresAt: new Date(row.expires_at as string),
    decidedAt: date(row.decided_at),
    cancelledBy: (row.cancelled_by as string | null) ?? null,
    cancelReason: (row.cancel_reason as string | null) ?? null,
    continuationTaskId: (row.continuation_task_id as string | null) ?? null,
    executionStatus: (row.execution_status as ExecutionStatus | null) ?? null,
    executionAttempt: row.execution_attempt === null ? null : Number(row.execution_attempt),
    executedAt: date(row.executed_at),
    createdAt: new Date(row.created_at as string),
  };
}
