import { defineEntity, p } from '@mikro-orm/core';
import type { ReplyAddress } from '../../core/task.ts';

/**
 * Approvals and the decisions on them (see migrations/Migration20261202200000_approvals.ts). An approval is
 * bound to the exact action (name, arguments and their canonical hash), the tenant, the thread and the
 * message that shows it; the resolved policy is stored with it, so editing the policy file never changes
 * who may decide a request already made. `deciders` holds who has decided, so the compare-and-set that
 * records a decision can refuse a second vote by the same person in the same statement.
 */
export const ApprovalRecord = defineEntity({
  name: 'ApprovalRecord',
  tableName: 'approvals',
  properties: {
    id: p.uuid().primary(),
    tenantId: p.text(),
    platform: p.text(),
    channel: p.text(),
    thread: p.text(),
    replyTo: p.json<ReplyAddress>(),
    /** Our message that shows the request (its buttons carry this approval's id). */
    messageId: p.uuid().nullable(),
    requestTaskId: p.uuid(),
    /** `platform:user id` of the requester. */
    requestedBy: p.text(),
    requestedByName: p.text(),
    actionKind: p.enum(['command', 'tool'] as const),
    actionName: p.text(),
    actionArgs: p.json<Record<string, unknown>>(),
    argsHash: p.text(),
    executor: p.text(),
    title: p.text(),
    summary: p.json<{ label: string; value: string }[]>().defaultRaw(`'[]'`),
    environment: p.text().nullable(),
    policy: p.json<Record<string, unknown>>(),
    requiredApprovals: p.integer(),
    approvalsGiven: p.integer().default(0),
    deciders: p.json<string[]>().defaultRaw(`'[]'`),
    status: p.enum(['pending', 'approved', 'rejected', 'expired', 'cancelled'] as const).default('pending'),
    expiresAt: p.datetime(),
    decidedAt: p.datetime().nullable(),
    cancelledBy: p.text().nullable(),
    cancelReason: p.text().nullable(),
    continuationTaskId: p.uuid().nullable(),
    executionStatus: p
      .enum(['running', 'retrying', 'succeeded', 'failed', 'interrupted', 'blocked'] as const)
      .nullable(),
    executionAttempt: p.integer().nullable(),
    executedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    { name: 'approvals_request_task_index', properties: ['requestTaskId'] },
    {
      name: 'approvals_pending_index',
      expression:
        "create index approvals_pending_index on approvals (tenant_id, platform, expires_at) where status = 'pending'",
    },
    {
      // One pending approval per identical request in a thread: asking again returns the same approval.
      name: 'approvals_pending_request_unique',
      expression:
        "create unique index approvals_pending_request_unique on approvals (tenant_id, platform, channel, thread, action_name, args_hash) where status = 'pending'",
    },
  ],
});

export const ApprovalDecisionRecord = defineEntity({
  name: 'ApprovalDecisionRecord',
  tableName: 'approval_decisions',
  properties: {
    id: p.uuid().primary(),
    approval: () => p.manyToOne(ApprovalRecord).deleteRule('cascade'),
    tenantId: p.text(),
    platform: p.text(),
    userId: p.text(),
    userName: p.text(),
    decision: p.enum(['approved', 'rejected'] as const),
    reason: p.text().nullable(),
    /** The click's task: a re-run of the same click finds its decision instead of voting twice. */
    taskId: p.uuid().unique(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'approval_decisions_person_unique', properties: ['approval', 'platform', 'userId'] }],
});
