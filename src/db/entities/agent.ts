import { defineEntity, p } from '@mikro-orm/core';

/**
 * The supervisor's records: every model call's tokens and estimated cost (per task), every tool call (what
 * ran, or was held for approval), the last known health of each MCP server (workers write it, gateways
 * read it for /health), and thread summaries (the memory of long threads).
 */
export const LlmUsage = defineEntity({
  name: 'LlmUsage',
  tableName: 'llm_usage',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    taskId: p.uuid().nullable(),
    tenantId: p.text(),
    /** What the call was for: `supervisor.route`, `supervisor.turn`, `memory.summary`, `kb.answer`… */
    purpose: p.text(),
    model: p.text(),
    inputTokens: p.integer(),
    outputTokens: p.integer(),
    cacheReadTokens: p.integer(),
    cacheWriteTokens: p.integer(),
    costUsd: p.double(),
    durationMs: p.integer(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    { name: 'llm_usage_task_index', properties: ['taskId'] },
    { name: 'llm_usage_tenant_index', properties: ['tenantId', 'createdAt'] },
  ],
});

export const ToolCallRecord = defineEntity({
  name: 'ToolCallRecord',
  tableName: 'tool_calls',
  properties: {
    id: p.uuid().primary(),
    taskId: p.uuid().nullable(),
    tenantId: p.text(),
    /** `server__tool` for MCP tools, the command for skill tools. */
    tool: p.text(),
    /** Who chose the call: `model`, `command` (/run), `approval` (the continuation), `skill`. */
    origin: p.text(),
    /** The canonical hash the approval is bound to. */
    argsHash: p.text(),
    /** Arguments with secrets redacted. */
    args: p.json<Record<string, unknown>>(),
    status: p.enum(['succeeded', 'failed', 'approval_requested', 'denied'] as const),
    approvalId: p.text().nullable(),
    error: p.text().nullable(),
    durationMs: p.integer(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'tool_calls_task_index', properties: ['taskId'] }],
});

export const McpServerRecord = defineEntity({
  name: 'McpServerRecord',
  tableName: 'mcp_servers',
  properties: {
    name: p.text().primary(),
    transport: p.text(),
    status: p.text(),
    tools: p.integer(),
    lastError: p.text().nullable(),
    /** The process that reported it (host:pid). */
    reportedBy: p.text(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});

export const ConversationSummary = defineEntity({
  name: 'ConversationSummary',
  tableName: 'conversation_summaries',
  properties: {
    conversationId: p.text().primary(),
    /** The summary covers the thread's messages up to and including this sequence number. */
    throughSeq: p.bigint('number'),
    summary: p.text(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
