/**
 * Every size limit of a Task, in one place. The Task schema (task.ts) is built from these numbers, the
 * worker checks each task it takes against that schema, and intake (src/intake) checks each task against
 * the same schema before it records or enqueues anything, so a request the worker would refuse is refused
 * where it arrives, with an answer that names the limit (see task-check.ts). The REST API's body schema
 * uses them too.
 */
export const TASK_LIMITS = {
  /** What a person typed, in characters (Slack's own limit for a message is 40,000 too). */
  messageCharacters: 40_000,
  /** Ids: task, tenant, channel, thread, user, source event, action, message. */
  identifierCharacters: 255,
  userNameCharacters: 255,
  /** A command's name, without the slash. */
  commandCharacters: 64,
  /** `key=value` arguments of one command. */
  argumentCount: 100,
  argumentNameCharacters: 64,
  argumentValueCharacters: 40_000,
  /** A button's value (Slack caps it at 2,000 too). */
  actionValueCharacters: 2_000,
  /** What a person types with a click (a rejection reason): how many inputs, and characters each. */
  actionInputCount: 10,
  actionInputCharacters: 2_000,
  /** Files attached to one message. */
  fileCount: 20,
  fileNameCharacters: 512,
  mimeTypeCharacters: 255,
} as const;

/**
 * The largest Slack or Teams request the receivers read. A message at the limit (40,000 characters, up to 4
 * bytes each in UTF-8) arrives twice over in one event (as text and as rich-text blocks, or as text and an
 * HTML attachment), so a smaller cap would refuse a message with a bare 413 that nobody sees instead of
 * answering it with the limit. API_MAX_BODY_BYTES applies when it is larger.
 */
export const PLATFORM_EVENT_MAX_BYTES = 1_048_576;
