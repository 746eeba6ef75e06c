import type { Task } from '../core/task.ts';
import type { ApprovalStatus } from './approval-store.ts';
import type { Database } from './database.ts';

export interface DecisionInput {
  id: string;
  approvalId: string;
  tenantId: string;
  /** `platform:user id` of the person deciding (what `deciders` holds). */
  deciderKey: string;
  platform: string;
  userId: string;
  userName: string;
  reason: string | null;
  /** The click's task. */
  taskId: string;
}

export interface DecisionRow {
  approvalId: string;
  platform: string;
  userId: string;
  userName: string;
  decision: 'approved' | 'rejected';
  reason: string | null;
  taskId: string;
  createdAt: Date;
}

export interface CountedDecision {
  status: ApprovalStatus;
  approvalsGiven: number;
  requiredApprovals: number;
}

const DECIDED = `returning id, status, approvals_given, required_approvals`;

/**
 * Decisions, recorded atomically with the approval's state: one statement checks that the approval is
 * still pending, unexpired and not yet decided by this person, counts the vote, and (when it is the last
 * one needed) writes the continuation task into the task ledger, so "approved" and "will run" commit
 * together. Two simultaneous clicks serialise on the row; the loser's statement finds nothing to update.
 */
export class ApprovalDecisionStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  /** Counts an approval; returns null when the compare-and-set lost (state changed, or already voted). */
  async approve(input: DecisionInput, continuation: Task): Promise<CountedDecision | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `with decided as (
         update approvals set
           approvals_given = approvals_given + 1,
           deciders = deciders || jsonb_build_array($3::text),
           status = case when approvals_given + 1 >= required_approvals then 'approved' else 'pending' end,
           decided_at = case when approvals_given + 1 >= required_approvals then now() else null end,
           continuation_task_id = case when approvals_given + 1 >= required_approvals then $10::uuid else null end,
           updated_at = now()
          where id = $1 and tenant_id = $2 and status = 'pending' and expires_at > now()
            and not (deciders @> jsonb_build_array($3::text))
          ${DECIDED}
       ), decision as (
         insert into approval_decisions (id, approval_id, tenant_id, platform, user_id, user_name, decision, reason, task_id)
         select $4, id, $2, $5, $6, $7, 'approved', $8, $9 from decided
       ), continuation as (
         insert into tasks (id, tenant_id, platform, source_event_id, kind, status, user_id, channel, thread, payload, received_at)
         select $10::uuid, $2, $11, $12, $13, 'queued', $14, $15, $16, $17::jsonb, $18 from decided
          where decided.status = 'approved'
         on conflict (platform, source_event_id) do nothing
       )
       select status, approvals_given, required_approvals from decided`,
      [
        ...decisionParams(input),
        continuation.id,
        continuation.platform,
        continuation.sourceEventId,
        continuation.kind,
        continuation.user.id,
        continuation.channel,
        continuation.thread,
        JSON.stringify(continuation),
        continuation.receivedAt,
      ],
    );
    return rows[0] ? counted(rows[0]) : null;
  }

  /** Rejects (one authorised rejection decides); null when the compare-and-set lost. */
  async reject(input: DecisionInput): Promise<CountedDecision | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `with decided as (
         update approvals set status = 'rejected', decided_at = now(),
           deciders = deciders || jsonb_build_array($3::text), updated_at = now()
          where id = $1 and tenant_id = $2 and status = 'pending' and expires_at > now()
            and not (deciders @> jsonb_build_array($3::text))
          ${DECIDED}
       ), decision as (
         insert into approval_decisions (id, approval_id, tenant_id, platform, user_id, user_name, decision, reason, task_id)
         select $4, id, $2, $5, $6, $7, 'rejected', $8, $9 from decided
       )
       select status, approvals_given, required_approvals from decided`,
      decisionParams(input),
    );
    return rows[0] ? counted(rows[0]) : null;
  }

  /** The decisions on an approval, in order. */
  async of(approvalId: string): Promise<DecisionRow[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select approval_id, platform, user_id, user_name, decision, reason, task_id, created_at
         from approval_decisions where approval_id = $1 order by created_at, id`,
      [approvalId],
    );
    return rows.map(toDecision);
  }

  /** The decision a click task recorded, if any (a re-run of that click must not vote again). */
  async byTask(taskId: string): Promise<DecisionRow | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select approval_id, platform, user_id, user_name, decision, reason, task_id, created_at
         from approval_decisions where task_id = $1`,
      [taskId],
    );
    return rows[0] ? toDecision(rows[0]) : null;
  }
}

/** $1..$9 of both decision statements. */
function decisionParams(input: DecisionInput): unknown[] {
  return [
    input.approvalId,
    input.tenantId,
    input.deciderKey,
    input.id,
    input.platform,
    input.userId,
    input.userName,
    input.reason,
    input.taskId,
  ];
}

function counted(row: Record<string, unknown>): CountedDecision {
  return {
    status: row.status as ApprovalStatus,
    approvalsGiven: Number(row.approvals_given),
    requiredApprovals: Number(row.required_approvals),
  };
}

function toDecision(row: Record<string, unknown>): DecisionRow {
  return {
    approvalId: String(row.approval_id),
    platform: String(row.platform),
    userId: String(row.user_id),
    userName: String(row.user_name),
    decision: row.decision as DecisionRow['decision'],
    reason: (row.reason as string | null) ?? null,
    taskId: String(row.task_id),
    createdAt: new Date(row.created_at as string),
  };
}
