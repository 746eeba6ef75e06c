import { z } from 'zod';
import { ChatOpsError } from '../core/errors.ts';
import { TaskFileSchema } from '../core/task.ts';
import { TASK_LIMITS } from '../core/task-limits.ts';
import { API_USER_NAME } from '../db/api-keys.ts';

/**
 * REST API request bodies. Strict: a misspelt field is an error, not silently ignored. Sizes are the Task's
 * own limits (task-limits.ts), so a body this accepts makes a task the worker accepts.
 */
const ChannelName = z
  .string()
  .trim()
  .transform((value) => value.replace(/^#/, ''))
  .pipe(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/, 'use 1-80 letters, digits, ".", "_" or "-"'));
const UserName = z.string().trim().regex(API_USER_NAME, 'use 1-80 letters, digits, ".", "_", "@" or "-"');
const Identifier = z.string().trim().min(1).max(TASK_LIMITS.identifierCharacters);

/**
 * `user` names the person a request is from. With an API key it is optional: the key acts as itself (or as
 * its person), and naming someone else needs a scope (see api-identity.ts). `chatops dev` has no keys, so
 * there it is required (the `Dev…` schemas).
 */
export const PostMessageBody = z.strictObject({
  channel: ChannelName,
  user: UserName.optional(),
  text: z.string().trim().min(1, 'must not be empty').max(TASK_LIMITS.messageCharacters),
  threadId: Identifier.optional(),
  /** Files shared with the message (name, download URL, type), as chat platforms attach them. */
  files: z.array(TaskFileSchema.strict()).max(TASK_LIMITS.fileCount).optional(),
  /** The sender's IANA time zone (the web chat sends the browser's): digests they schedule run in it. */
  timeZone: z
    .string()
    .trim()
    .regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/, 'an IANA time zone such as Europe/Berlin')
    .max(64)
    .optional(),
});
export type PostMessageBody = z.infer<typeof PostMessageBody>;
export const DevPostMessageBody = PostMessageBody.extend({ user: UserName });

export const PostActionBody = z.strictObject({
  messageId: Identifier,
  actionId: Identifier,
  user: UserName.optional(),
  value: z.string().max(TASK_LIMITS.actionValueCharacters).optional(),
  /** What the person typed with the click, e.g. `{ "reason": "not during the freeze" }` for a rejection. */
  inputs: z
    .record(
      z.string().regex(/^[A-Za-z][\w.-]{0,63}$/, 'an input name such as reason'),
      z.string().trim().max(TASK_LIMITS.actionInputCharacters),
    )
    .refine(
      (inputs) => Object.keys(inputs).length <= TASK_LIMITS.actionInputCount,
      `at most ${TASK_LIMITS.actionInputCount} inputs`,
    )
    .optional(),
});
export type PostActionBody = z.infer<typeof PostActionBody>;
export const DevPostActionBody = PostActionBody.extend({ user: UserName });

/** `?user=` of the approvals listing (the web console); with a key, the key's own identity by default. */
export const ApprovalsListQuery = z.strictObject({ user: UserName.optional() });

/** Validates a body, or throws 400 naming each field at fault. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
  const summary = fields.map((field) => `${field.field}: ${field.message}`).join('; ');
  throw new ChatOpsError('VALIDATION_FAILED', `Invalid request body: ${summary}.`, {
    remedy: 'Fix the fields listed in details and send the request again.',
    details: { fields },
  });
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,200}$/;

/** The optional Idempotency-Key header: a retried request with the same key runs once. */
export function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (value && IDEMPOTENCY_KEY.test(value)) return value;
  throw new ChatOpsError('VALIDATION_FAILED', 'The Idempotency-Key header is malformed.', {
    remedy: 'Use 1-200 letters, digits, ".", "_", ":" or "-" (a UUID works).',
    details: { fields: [{ field: 'Idempotency-Key', message: 'malformed' }] },
  });
}
