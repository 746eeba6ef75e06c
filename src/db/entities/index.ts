import { jiraEntities } from '../../integrations/jira/entities.ts';
import { ConversationSummary, LlmUsage, McpServerRecord, ToolCallRecord } from './agent.ts';
import { ApprovalDecisionRecord, ApprovalRecord } from './approvals.ts';
import { Conversation, Message } from './conversation.ts';
import {
  FeedbackRecord,
  KnowledgeAnswerRecord,
  KnowledgeChunkRecord,
  KnowledgeCollectionRecord,
  KnowledgeDocumentRecord,
  KnowledgeEmbeddingRecord,
} from './knowledge.ts';
import {
  KnowledgeCollectionStatsRecord,
  KnowledgePostingRecord,
  KnowledgeTermStatsRecord,
} from './knowledge-statistics.ts';
import { ClusterRecordEntity, EnvironmentLockRecord } from './provisioning.ts';
import { DigestRunRecord, ScheduleRecord } from './schedule.ts';
import { SlackInstallationRecord } from './slack.ts';
import { AuditEntry, TaskRecord } from './task-record.ts';
import { TeamsContactRecord } from './teams.ts';
import { ApiKey, Tenant, User, UserRole } from './tenancy.ts';
import {
  WorkflowEffectRecord,
  WorkflowRunRecord,
  WorkflowSignalRecord,
  WorkflowStepRecord,
} from './workflows.ts';

export {
  ApiKey,
  ApprovalDecisionRecord,
  ApprovalRecord,
  AuditEntry,
  ClusterRecordEntity,
  Conversation,
  ConversationSummary,
  DigestRunRecord,
  EnvironmentLockRecord,
  LlmUsage,
  McpServerRecord,
  Message,
  ScheduleRecord,
  SlackInstallationRecord,
  TaskRecord,
  TeamsContactRecord,
  Tenant,
  ToolCallRecord,
  User,
  UserRole,
  WorkflowEffectRecord,
  WorkflowRunRecord,
  WorkflowSignalRecord,
  WorkflowStepRecord,
};

/** Every entity, for the ORM's discovery (explicit, no folder scanning). */
export const entities = [
  Tenant,
  User,
  UserRole,
  ApiKey,
  Conversation,
  Message,
  TaskRecord,
  AuditEntry,
  ...[LlmUsage, ToolCallRecord, McpServerRecord, ConversationSummary],
  TeamsContactRecord,
  ...[ApprovalRecord, ApprovalDecisionRecord],
  ScheduleRecord,
  DigestRunRecord,
  SlackInstallationRecord,
  ...[KnowledgeCollectionRecord, KnowledgeDocumentRecord, KnowledgeChunkRecord, KnowledgeEmbeddingRecord],
  ...[KnowledgeAnswerRecord, FeedbackRecord],
  ...[WorkflowRunRecord, WorkflowStepRecord, WorkflowEffectRecord, WorkflowSignalRecord],
  ...[EnvironmentLockRecord, ClusterRecordEntity],
  // Engines own their tables; the Jira snapshot's are defined beside its engine.
  ...jiraEntities,
  ...[KnowledgePostingRecord, KnowledgeTermStatsRecord, KnowledgeCollectionStatsRecord],
];
