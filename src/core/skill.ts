import { z } from 'zod';
import type { ApprovalsPort, ApprovedAction } from './approvals.ts';
import { CommandArgumentSchema } from './command-arguments.ts';
import type { DeploymentsPort } from './deployments.ts';
import {
  type DigestKind,
  type DigestKindDefinition,
  DigestKindSpecSchema,
  type DigestsPort,
} from './digests.ts';
import type { JiraPort } from './jira.ts';
import type { KnowledgePort } from './knowledge.ts';
import type { LanguageModel } from './language-model.ts';
import type { Logger } from './ports.ts';
import type { Reply, ReplyInput } from './reply.ts';
import type { Task } from './task.ts';
import type { ToolsPort } from './tools.ts';
import type { WorkflowDefinition } from './workflow-definition.ts';
import type { WorkflowsPort } from './workflows.ts';

/**
 * A skill is data plus one function. The manifest (id, commands, keywords) is what routing, `/help` and
 * permissions are generated from; `handle` does the work through a narrow context. Skills never import the
 * ORM, BullMQ or a platform SDK: everything they may touch arrives in `ctx`.
 */
const SkillIdSchema = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes');

export const CommandSpecSchema = z.object({
  /** Without the slash: `deploy-cluster`. */
  name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case letters, digits and dashes'),
  description: z.string().min(1).max(200),
  /** Shown in usage errors and /help, e.g. `/deploy-cluster env=<dev|prod> size=<n>`. */
  usage: z.string().min(1).max(300),
  examples: z.array(z.string()).default([]),
  /** Declared `key=value` arguments: checked before the task is queued, and the source of forms. */
  arguments: z.array(CommandArgumentSchema).optional(),
  /**
   * Words a typed command may start with (`/deploy-cluster lock prod`), each with its own arguments; the
   * command's own arguments apply when the first word is none of them. Only typed slash commands have
   * subcommands: free text is never read as one.
   */
  subcommands: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
        usage: z.string().min(1).max(300),
        description: z.string().min(1).max(200),
        arguments: z.array(CommandArgumentSchema).default([]),
      }),
    )
    .optional(),
});
export type CommandSpec = z.infer<typeof CommandSpecSchema>;

/** The arguments that apply to a typed command: its subcommand's when the first word names one. */
export function argumentsFor(spec: CommandSpec, text: string): CommandSpec['arguments'] {
  const first = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const subcommand = spec.subcommands?.find((candidate) => candidate.name === first);
  return subcommand ? subcommand.arguments : spec.arguments;
}

export const SkillManifestSchema = z.object({
  id: SkillIdSchema,
  description: z.string().min(1).max(500),
  commands: z.array(CommandSpecSchema).default([]),
  /** Words that make the offline router pick this skill for free text. */
  keywords: z.array(z.string().min(2)).default([]),
  /** Example requests: routing tests, and the offline router's similarity corpus. */
  examples: z.array(z.string()).default([]),
  /** Roles a caller needs to use the skill; empty means everyone in the tenant. */
  permissions: z.array(z.string()).default([]),
  /** True when the skill changes something outside the bot (needs an approval to act). */
  sideEffects: z.boolean().default(false),
  /** Digest kinds the skill offers to `/digest add <kind>` (see src/core/digests.ts). */
  digests: z.array(DigestKindSpecSchema).default([]),
});
export type SkillManifest = z.infer<typeof SkillManifestSchema>;

/** What the worker reports about itself; `status` and `help` read it. */
export interface SystemInfo {
  readonly version: string;
  readonly mode: 'dev' | 'gateway' | 'worker' | 'scheduler';
  readonly database: 'postgresql' | 'pglite';
  readonly startedAt: Date;
  /** The configured model, or null when the bot runs without one. */
  readonly languageModel: string | null;
  queueDepth(): Promise<{ waiting: number; active: number; delayed: number; failed: number }>;
}

/** The person behind the task, with their roles resolved lazily (most skills never ask). */
export interface Caller {
  readonly id: string;
  readonly name: string;
  roles(): Promise<string[]>;
}

export interface PostedMessage {
  readonly id: string;
}

export interface SkillContext {
  readonly task: Task;
  readonly caller: Caller;
  readonly log: Logger;
  readonly system: SystemInfo;
  /** Manifests of every installed skill (for help text and suggestions). */
  readonly catalog: readonly SkillManifest[];
  /** Posts a reply in the task's thread; a string is sent as markdown. */
  reply(reply: ReplyInput | Reply | string): Promise<PostedMessage>;
  /** Shows what the skill is doing now; the next reply replaces it. */
  progress(step: string, percent?: number): Promise<void>;
  /** Asks the right people to approve a side effect; the task then waits (`awaiting_approval`). */
  readonly approvals: ApprovalsPort;
  /** Set when this run resumes an approved action: execute exactly `approved.action`, nothing else. */
  readonly approved?: ApprovedAction;
  /** The language model, or null when none is configured (skills must work without one). */
  readonly llm: LanguageModel | null;
  /** The MCP tools this caller may use here, with allowlists and approvals applied; absent when none. */
  readonly tools?: ToolsPort;
  /** The knowledge base as this place may read it; absent where the runtime has none (unit tests). */
  readonly knowledge?: KnowledgePort;
  /** Jira analytics for this channel; absent where Jira is not configured (JIRA_HOST unset). */
  readonly jira?: JiraPort;
  /** Scheduled digests (the digest skill's engine); absent where no scheduler store is wired. */
  readonly digests?: DigestsPort;
  /** Durable workflows (the skill's own definitions), bound to this task; absent where none are wired. */
  readonly workflows?: WorkflowsPort;
  /** Deployment executors, environment locks and the cluster inventory; absent where none are wired. */
  readonly deployments?: DeploymentsPort;
}

// biome-ignore lint/suspicious/noExplicitAny: a skill's workflows each have their own input type
type AnyWorkflow = WorkflowDefinition<any>;

export interface Skill extends SkillManifest {
  /** The digest kinds with their builders (the manifest lists their specs). */
  digests: DigestKind[];
  handle(ctx: SkillContext): Promise<void>;
  /** Durable workflows the skill defines (run by src/workflows, started through `ctx.workflows`). */
  workflows?: readonly AnyWorkflow[];
}

export type SkillDefinition = Omit<z.input<typeof SkillManifestSchema>, 'digests'> & {
  digests?: DigestKindDefinition[];
  handle(ctx: SkillContext): Promise<void>;
  workflows?: readonly AnyWorkflow[];
};

/** Identity helper for typing, plus manifest validation so a bad skill fails at start-up, not at first use. */
export function defineSkill(definition: SkillDefinition): Skill {
  const manifest = SkillManifestSchema.parse(definition);
  const builders = definition.digests ?? [];
  const digests = manifest.digests.map((spec, index) => {
    const build = builders[index]?.build;
    if (!build)
      throw new Error(`Digest kind "${spec.kind}" of skill "${manifest.id}" has no build function.`);
    return { ...spec, build };
  });
  return {
    ...manifest,
    digests,
    handle: definition.handle,
    ...(definition.workflows ? { workflows: definition.workflows } : {}),
  };
}

/** The manifest part of a skill, safe to serialise. */
export function manifestOf(skill: Skill): SkillManifest {
  const { handle: _handle, workflows: _workflows, digests, ...manifest } = skill;
  return { ...manifest, digests: digests.map(({ build: _build, ...spec }) => spec) };
}
