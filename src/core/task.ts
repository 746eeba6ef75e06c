import { z } from 'zod';
import { TASK_LIMITS as LIMITS } from './task-limits.ts';

/**
 * A Task is one request to the bot: a message, a mention, a slash command, a button click or a scheduled
 * run. Every platform is translated into this shape once, at the edge; nothing past the queue sees a
 * Slack or Teams type. Tasks are plain JSON (no class instances) because they travel through Redis.
 */
export const TASK_VERSION = 1;

export const PlatformSchema = z.enum(['slack', 'teams', 'api', 'mcp', 'scheduler']);
export type Platform = z.infer<typeof PlatformSchema>;

export const TaskKindSchema = z.enum(['mention', 'dm', 'command', 'action', 'schedule', 'api']);
export type TaskKind = z.infer<typeof TaskKindSchema>;

export const TaskStatusSchema = z.enum(['queued', 'running', 'awaiting_approval', 'succeeded', 'failed']);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

const Identifier = z.string().trim().min(1).max(LIMITS.identifierCharacters);

export const UserRefSchema = z.object({
  /** The platform's own user id (Slack `U…`, AAD object id, or the API caller's user name). */
  id: Identifier,
  name: z.string().max(LIMITS.userNameCharacters).optional(),
  /** The person's IANA time zone, when the platform tells it (web chat, Teams). */
  timeZone: z.string().max(64).optional(),
});
export type UserRef = z.infer<typeof UserRefSchema>;

/** Where replies go. `ref` holds what a platform needs beyond channel + thread (e.g. a Teams serviceUrl). */
export const ReplyAddressSchema = z.object({
  platform: PlatformSchema,
  tenantId: Identifier,
  channel: Identifier,
  thread: Identifier,
  ref: z.record(z.string(), z.unknown()).optional(),
});
export type ReplyAddress = z.infer<typeof ReplyAddressSchema>;

export const TaskFileSchema = z.object({
  name: z.string().min(1).max(LIMITS.fileNameCharacters),
  url: z.string().url().optional(),
  mimeType: z.string().max(LIMITS.mimeTypeCharacters).optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
});
export type TaskFile = z.infer<typeof TaskFileSchema>;

/** A click on a button the bot rendered: which message carried it and which skill rendered it. */
export const TaskActionSchema = z.object({
  id: Identifier,
  value: z.string().max(LIMITS.actionValueCharacters).optional(),
  messageId: Identifier,
  skill: Identifier.optional(),
  /** What the person typed with the click (a form, a Slack modal, a card input), e.g. `{ reason }`. */
  inputs: z
    .record(z.string().regex(/^[A-Za-z][\w.-]{0,63}$/), z.string().max(LIMITS.actionInputCharacters))
    .refine((inputs) => Object.keys(inputs).length <= LIMITS.actionInputCount, {
      message: `at most ${LIMITS.actionInputCount} inputs`,
    })
    .optional(),
});
export type TaskAction = z.infer<typeof TaskActionSchema>;

/**
 * Set when an API key sent the task for `user` by its `act-as` or `decide-as` scope: the person did not
 * authenticate themselves, so decisions check the scope (and the audit log says "key K on behalf of U").
 */
export const OnBehalfOfSchema = z.object({
  apiKey: Identifier,
  scope: z.enum(['act-as', 'decide-as']),
});
export type OnBehalfOf = z.infer<typeof OnBehalfOfSchema>;
/** The schedule a `kind: schedule` task runs for, and which of its fire times. */
export const TaskScheduleSchema = z.object({
  id: Identifier,
  name: Identifier,
  /** The slot this run is for (ISO); equal to `receivedAt`. */
  fireTime: z.iso.datetime(),
  /** Fired late, by a scheduler that came back after this fire time was missed. */
  catchUp: z.boolean().default(false),
  /** Asked for now (`/digest run`), outside the schedule's slots. */
  manual: z.boolean().default(false),
});
export type TaskSchedule = z.infer<typeof TaskScheduleSchema>;

export const TaskSchema = z.object({
  v: z.literal(TASK_VERSION),
  id: Identifier,
  tenantId: Identifier,
  platform: PlatformSchema,
  kind: TaskKindSchema,
  user: UserRefSchema,
  onBehalfOf: OnBehalfOfSchema.optional(),
  channel: Identifier,
  /** The thread root's id; a message that starts a thread is its own root. */
  thread: Identifier,
  text: z.string().max(LIMITS.messageCharacters),
  /** Slash command name without the slash, e.g. `deploy-cluster`. */
  command: z.string().min(1).max(LIMITS.commandCharacters).optional(),
  /** `key=value` arguments of a command; positional words stay in `text`. */
  args: z
    .record(z.string().max(LIMITS.argumentNameCharacters), z.string().max(LIMITS.argumentValueCharacters))
    .refine((args) => Object.keys(args).length <= LIMITS.argumentCount, {
      message: `at most ${LIMITS.argumentCount} arguments`,
    })
    .optional(),
  action: TaskActionSchema.optional(),
  files: z.array(TaskFileSchema).max(LIMITS.fileCount).optional(),
  schedule: TaskScheduleSchema.optional(),
  replyTo: ReplyAddressSchema,
  /** The platform's id for the inbound event (Slack event_id, Teams activity id, Idempotency-Key). */
  sourceEventId: Identifier,
  receivedAt: z.iso.datetime(),
});
export type Task = z.infer<typeof TaskSchema>;

/**
 * The namespace a task's user id belongs to, for roles and approvals. MCP clients over HTTP authenticate with
 * the REST API's keys, so whoever calls over MCP is the same principal as on the REST API: the user of an
 * `mcp` task is an `api` user (their roles apply, and their own approval request is theirs on both).
 */
export function identityPlatform(platform: Platform): Platform {
  return platform === 'mcp' ? 'api' : platform;
}

/** Parses a task from the queue or a test; throws a ZodError naming each field at fault. */
export function parseTask(input: unknown): Task {
  return TaskSchema.parse(input);
}

/** A task that names its command: a slash command, or a scheduled run of one. Routed by the command table. */
export function isCommandTask(task: Task): task is Task & { command: string } {
  return (task.kind === 'command' || task.kind === 'schedule') && Boolean(task.command);
}
