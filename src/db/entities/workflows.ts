import { defineEntity, p } from '@mikro-orm/core';
import type { Task } from '../../core/task.ts';
import { WORKFLOW_RUN_STATUSES } from '../../core/workflow-definition.ts';

/**
 * Durable workflows (see migrations/Migration20261208400000_workflows.ts and src/workflows): one row per
 * run and per step, every side effect's idempotency key (recorded before the call), and the events runs
 * wait for (stored first, so an event that arrives before its step waits is not lost).
 */
export const WorkflowRunRecord = defineEntity({
  name: 'WorkflowRunRecord',
  tableName: 'workflow_runs',
  properties: {
    id: p.uuid().primary(),
    tenantId: p.text(),
    definition: p.text(),
    skill: p.text(),
    title: p.text(),
    status: p.enum(WORKFLOW_RUN_STATUSES),
    phase: p.text(),
    /** The status the run ends with once its `finally` steps are done. */
    outcome: p.text().nullable(),
    input: p.json<unknown>(),
    origin: p.json<Task>(),
    startKey: p.text(),
    requestedBy: p.text(),
    error: p.json<Record<string, unknown>>().nullable(),
    compensable: p.boolean().default(false),
    cancelRequestedBy: p.text().nullable(),
    progressMessageId: p.uuid().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
    finishedAt: p.datetime().nullable(),
  },
  uniques: [{ name: 'workflow_runs_start_unique', properties: ['tenantId', 'startKey'] }],
  indexes: [
    { name: 'workflow_runs_tenant_index', properties: ['tenantId', 'createdAt'] },
    { name: 'workflow_runs_definition_index', properties: ['tenantId', 'definition', 'status'] },
  ],
});

export const WorkflowStepRecord = defineEntity({
  name: 'WorkflowStepRecord',
  tableName: 'workflow_steps',
  properties: {
    runId: p.uuid().primary(),
    phase: p.text().primary(),
    name: p.text().primary(),
    kind: p.enum(['step', 'approval', 'wait'] as const),
    status: p.enum([
      'queued',
      'running',
      'waiting',
      'retrying',
      'succeeded',
      'failed',
      'skipped',
      'cancelled',
    ] as const),
    position: p.integer(),
    attempts: p.integer().default(0),
    maxAttempts: p.integer().default(1),
    critical: p.boolean().default(true),
    input: p.json<unknown>().nullable(),
    output: p.json<unknown>().nullable(),
    error: p.json<Record<string, unknown>>().nullable(),
    detail: p.text().nullable(),
    waitKey: p.text().nullable(),
    deadline: p.datetime().nullable(),
    nextAttemptAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    {
      name: 'workflow_steps_wait_index',
      expression:
        "create index workflow_steps_wait_index on workflow_steps (wait_key) where status = 'waiting'",
    },
    {
      name: 'workflow_steps_open_index',
      expression:
        "create index workflow_steps_open_index on workflow_steps (updated_at) where status in ('queued', 'running', 'retrying')",
    },
  ],
});

export const WorkflowEffectRecord = defineEntity({
  name: 'WorkflowEffectRecord',
  tableName: 'workflow_effects',
  properties: {
    runId: p.uuid().primary(),
    key: p.text().primary(),
    step: p.text(),
    status: p.enum(['started', 'succeeded', 'failed'] as const),
    attempts: p.integer().default(1),
    result: p.json<unknown>().nullable(),
    error: p.json<Record<string, unknown>>().nullable(),
    startedAt: p.datetime().defaultRaw('now()'),
    finishedAt: p.datetime().nullable(),
  },
});

export const WorkflowSignalRecord = defineEntity({
  name: 'WorkflowSignalRecord',
  tableName: 'workflow_signals',
  properties: {
    id: p.uuid().primary(),
    key: p.text(),
    dedupeKey: p.text().unique('workflow_signals_dedupe_unique'),
    payload: p.json<unknown>(),
    receivedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'workflow_signals_key_index', properties: ['key', 'receivedAt'] }],
});
