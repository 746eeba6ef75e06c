import { defineEntity, p } from '@mikro-orm/core';
import type { Task, TaskStatus } from '../../core/task.ts';

/**
 * The task ledger: one row per platform event (unique on platform + source event id). It outlives the
 * BullMQ job, so a duplicate delivery after the job was removed from Redis is still recognised.
 */
export const TaskRecord = defineEntity({
  name: 'TaskRecord',
  tableName: 'tasks',
  properties: {
    id: p.uuid().primary(),
    tenantId: p.text(),
    platform: p.text(),
    sourceEventId: p.text(),
    kind: p.text(),
    status: p
      .enum(['queued', 'running', 'awaiting_approval', 'succeeded', 'failed'] as const satisfies TaskStatus[])
      .default('queued'),
    skill: p.text().nullable(),
    userId: p.text(),
    channel: p.text(),
    thread: p.text(),
    payload: p.json<Task>(),
    attempts: p.integer().default(0),
    /** Times the stale-task sweeper re-added the task because its job was gone (see the sweeper). */
    requeues: p.integer().default(0),
    error: p.json<{ code: string; message: string }>().nullable(),
    receivedAt: p.datetime(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'tasks_source_event_unique', properties: ['platform', 'sourceEventId'] }],
  indexes: [
    { name: 'tasks_user_index', properties: ['tenantId', 'userId', 'receivedAt'] },
    { name: 'tasks_tenant_received_index', properties: ['tenantId', 'receivedAt'] },
    // Partial index for the stale-task sweeper: only open tasks are ever scanned.
    {
      name: 'tasks_open_index',
      expression: "create index tasks_open_index on tasks (updated_at) where status in ('queued', 'running')",
    },
  ],
});

const APPEND_ONLY = "raise exception 'audit_log is append-only';";

export const AuditEntry = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    tenantId: p.text(),
    actor: p.text(),
    action: p.text(),
    target: p.text().nullable(),
    details: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'audit_log_tenant_index', properties: ['tenantId', 'createdAt'] }],
  triggers: [
    // Append-only, enforced by the database: updates and deletes fail. (The migration also blocks
    // TRUNCATE; MikroORM does not introspect statement triggers, so that one is not declared here.)
    { name: 'no_change', timing: 'before', events: ['update', 'delete'], forEach: 'row', body: APPEND_ONLY },
  ],
});
