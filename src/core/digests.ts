import { z } from 'zod';
import type { ApprovalSummary } from './approvals.ts';
import type { DeploymentsDigestSource, JiraDigestSource } from './digest-sources.ts';
import type { Logger } from './ports.ts';
import type { ApprovalBlock, ReplyBlock } from './reply.ts';
import type { Platform, Task } from './task.ts';

/**
 * Scheduled digests. A digest kind is a skill entry point: a skill declares `digests: [{ kind, description,
 * requires, build }]` in its manifest, and `/digest add <kind> …` schedules it. `build` computes the numbers
 * in code from the sources it `requires` (ports bound to the digest's tenant and place), and says whether
 * anything happened (`quiet`), so a digest with nothing new is skipped or one line, as its schedule says.
 *
 * A kind whose sources are not wired in this installation (Jira not configured, no provisioning engine) is
 * never offered. To add one: give its engine a source here (a member of `DigestSources`), wire it in
 * src/wiring/digests.ts, and declare the kind in the skill that owns the data.
 */
export const DigestOptionSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case letters, digits and dashes'),
  description: z.string().min(1).max(200),
  choices: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/)).min(1),
  /**
   * Values besides the choices, for an option that names something (a Jira board id): a regular expression
   * the whole value must match, and what to call such a value in help ("board id").
   */
  pattern: z.string().min(1).optional(),
  patternLabel: z.string().min(1).max(40).optional(),
  default: z.string().min(1),
  /** Choices only operators (CLI, REST API) may pick, e.g. showing questions asked in other channels. */
  operatorChoices: z.array(z.string()).default([]),
});
export type DigestOption = z.infer<typeof DigestOptionSchema>;

export const DigestKindSpecSchema = z.object({
  kind: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/, 'lower-case letters, digits and dashes'),
  /** One line for `/digest` help and listings: what the digest tells. */
  description: z.string().min(1).max(200),
  /** The `DigestSources` members it reads; a kind whose sources are missing is not offered. */
  requires: z.array(z.string().min(1)).default([]),
  options: z.array(DigestOptionSchema).default([]),
});
export type DigestKindSpec = z.infer<typeof DigestKindSpecSchema>;

export type DigestKindDefinition = z.input<typeof DigestKindSpecSchema> & {
  build(ctx: DigestContext): Promise<DigestContent>;
};

export interface DigestKind extends DigestKindSpec {
  build(ctx: DigestContext): Promise<DigestContent>;
}

/** What one digest covers: after `start`, up to and including `end` (its fire time), in its zone. */
export interface DigestPeriod {
  start: Date;
  end: Date;
  timeZone: string;
}

export interface DigestContext {
  readonly tenantId: string;
  readonly platform: Platform;
  readonly channel: string;
  /** Who scheduled it (`platform:user` is in the audit log). */
  readonly createdBy: string;
  readonly period: DigestPeriod;
  /** The kind's options, each set (the schedule's choice or the default). */
  readonly options: Readonly<Record<string, string>>;
  readonly sources: DigestSources;
  readonly log: Logger;
}

/** A digest's body: the numbers (computed in code), the blocks people read, and whether anything happened. */
export interface DigestContent {
  /** One line: "3 approvals are waiting; the oldest for 2 days." */
  headline: string;
  /** Nothing happened in the period: skipped or one line, as the schedule says. */
  quiet: boolean;
  blocks: ReplyBlock[];
  /** The figures behind the headline, stored with the run (`chatops digest list --json`). */
  figures: Record<string, number>;
}

/** The data digests read, each bound to one tenant and place; absent where its engine is not installed. */
export interface DigestSources {
  approvals?: ApprovalsDigestSource;
  knowledge?: KnowledgeDigestSource;
  usage?: UsageDigestSource;
  /** Only where Jira is configured (JIRA_HOST, JIRA_EMAIL, JIRA_API_TOKEN). */
  jira?: JiraDigestSource;
  deployments?: DeploymentsDigestSource;
}

export interface PendingApprovalCard extends ApprovalSummary {
  /** The approval block as its own card shows it: renderers add Approve / Reject while it is pending. */
  card: ApprovalBlock;
}

export interface ApprovalsDigestSource {
  /** Pending, unexpired approvals of the tenant on the digest's platform, oldest first. */
  pending(filter: { channel?: string }): Promise<PendingApprovalCard[]>;
}

export interface KnowledgeDocumentChange {
  collection: string;
  title: string;
  uri: string;
  change: 'added' | 'updated';
  version: number;
  at: string;
}

export interface KnowledgeQuestion {
  question: string;
  at: string;
  /** 👎 votes (for downvoted answers). */
  votes: number;
}

export interface KnowledgeActivity {
  /** Documents added or re-ingested with new content, in collections this place may read. */
  documents: KnowledgeDocumentChange[];
  /** Questions answered "I don't know" (shown with their text when asked here, or when allowed). */
  unanswered: KnowledgeQuestion[];
  unansweredElsewhere: number;
  /** Answers that got a 👎 in the period. */
  downvoted: KnowledgeQuestion[];
  downvotedElsewhere: number;
}

export interface KnowledgeDigestSource {
  /** `questionsFrom: 'all'` shows question texts from every place (operators only). */
  activity(period: DigestPeriod, options: { questionsFrom: 'here' | 'all' }): Promise<KnowledgeActivity>;
}

export interface UsageSummary {
  tasks: number;
  failed: number;
  bySkill: { skill: string; tasks: number; failed: number }[];
  failures: { code: string; count: number }[];
  model: {
    calls: number;
    inputTokens: number;
    outputTokens: number;
    cacheReadTokens: number;
    cacheWriteTokens: number;
    costUsd: number;
  };
}

export interface UsageDigestSource {
  /** Tasks of the tenant received in the period, and the model usage of the period. */
  summary(period: { start: Date; end: Date }): Promise<UsageSummary>;
}

/** What a person asks for: a kind, when, where, and the options. */
export interface DigestDraft {
  kind: string;
  /** A phrase ("every monday 9:00") or a cron expression. */
  when: string;
  /** Where it posts; defaults to where the request was made. */
  place?: { platform: Platform; channel: string };
  /** IANA zone; defaults to the person's zone (when the platform tells it), then the channel's digests'. */
  timeZone?: string;
  /** The kind's options and `quiet=skip|line` (what to do when nothing happened). */
  options: Record<string, string>;
}

export interface DigestRunView {
  periodEnd: string;
  status: 'claimed' | 'sending' | 'posted' | 'skipped' | 'unknown';
  at: string;
  catchUp: boolean;
}

export interface DigestView {
  id: string;
  kind: string;
  cron: string;
  /** What was understood, e.g. "weekdays at 17:30". */
  when: string;
  timeZone: string;
  platform: Platform;
  channel: string;
  options: Record<string, string>;
  enabled: boolean;
  createdBy: string;
  /** The next three fire times (ISO), none while paused. */
  nextRuns: string[];
  lastRun: DigestRunView | null;
}

export interface DigestPreview {
  /** The saved digest, or null for a preview of a draft. */
  digest: DigestView | null;
  cron: string;
  when: string;
  timeZone: string;
  place: { platform: Platform; channel: string };
  options: Record<string, string>;
  nextRuns: string[];
  /** The digest as it would read now (the period up to now). */
  sample: DigestContent;
}

export type DigestDelivery = {
  outcome: 'posted' | 'already-posted' | 'skipped' | 'held' | 'not-due';
  detail: string;
};

/**
 * The digest skill's port (`ctx.digests`), bound to the task's tenant, place and caller. Management acts
 * as the caller: a digest is changed by its creator, by people in its channel, or by an `admin`.
 */
export interface DigestsPort {
  /** The kinds this installation can build (their sources are wired). */
  kinds(): DigestKindSpec[];
  preview(draft: DigestDraft): Promise<DigestPreview>;
  add(draft: DigestDraft): Promise<DigestPreview>;
  /** Digests posting here, and the caller's own elsewhere. */
  list(): Promise<DigestView[]>;
  remove(id: string): Promise<DigestView>;
  setPaused(id: string, paused: boolean): Promise<DigestView>;
  /** Posts the digest once, now (queued: it posts in its own channel). */
  runNow(id: string): Promise<{ digest: DigestView; taskId: string }>;
  /** Runs a scheduled (or run-now) digest task: claims its period once, builds it, posts it exactly once. */
  deliver(task: Task): Promise<DigestDelivery>;
}

/** The skill id and command of digests (the scheduler's digest runs are `/digest` tasks). */
export const DIGEST_COMMAND = 'digest';
/** `quiet=skip|line`: what a period with nothing new posts. */
export const DIGEST_QUIET_OPTION = 'quiet';
