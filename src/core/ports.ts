import type { Reply } from './reply.ts';
import type { Platform, ReplyAddress, Task, TaskStatus } from './task.ts';

/**
 * Ports: the narrow interfaces through which adapters, skills and the worker reach the outside world.
 * Concrete implementations are wired in src/main.ts; tests pass fakes.
 */

export interface Clock {
  now(): Date;
}

export type LogFields = Record<string, unknown>;

/** Structured logger; events are noun-verb names such as `task-received`. */
export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface TaskQueue {
  /** Adds the task with a job id derived from it; adding the same task twice is a no-op. */
  enqueue(task: Task): Promise<void>;
  /** Removes the task's job unless a worker already holds it (which then skips it); best effort. */
  withdraw(task: Task): Promise<void>;
  depth(): Promise<QueueDepth>;
  /** Where the job of a task is (the stale-task sweeper asks before it re-adds one). */
  jobState(taskId: string): Promise<JobState>;
}

/**
 * A task's job: still to run (waiting, delayed, running), failed for good (its reason, as the queue keeps
 * it: a re-add with the same id is ignored while it is kept), or not in the queue at all.
 */
export type JobState = { state: 'pending' } | { state: 'failed'; reason: string } | { state: 'missing' };

/** The bot's own record of a message it posted, handed to the sender with the Reply. */
export interface OutboundMessage {
  /** Our message id (also what buttons in the rendered message refer to). */
  id: string;
  taskId: string;
  skill: string | null;
  createdAt: Date;
  /**
   * Set for posts that must land exactly once (scheduled digests): the sender carries the marker in the
   * post (Slack message metadata, a footer in Teams) and makes one attempt, with no automatic retries.
   */
  marker?: DeliveryMarker;
}

/** A deterministic mark of one delivery, findable in the channel afterwards. */
export interface DeliveryMarker {
  /** What kind of delivery, e.g. `chatops_digest` (Slack's metadata event_type). */
  type: string;
  /** Unique per delivery, e.g. the digest id and period. */
  key: string;
}

/** What a look for a marked post found: the post, nothing, or that the platform cannot be read back. */
export type MarkedLookup =
  | { found: true; platformMessageId: string }
  | { found: false }
  | { found: 'unsupported'; reason: string };

/**
 * How a failed send ended, in `ChatOpsError.details.sendOutcome`: `not-sent` when the platform surely did
 * not take the post (a refusal, a connection that never opened), `unknown` when it may have (a timeout or a
 * connection lost after the request went out). Only an `unknown` send needs a look before posting again.
 */
export type SendOutcome = 'not-sent' | 'unknown';

export interface SentMessage {
  /** The platform's id for the posted message (Slack ts, Teams activity id), used to update it. */
  platformMessageId: string | null;
}

/** Sends Replies to one platform. Receive and send are separate modules; the worker only ever sends. */
export interface Sender {
  readonly platform: Platform;
  send(address: ReplyAddress, reply: Reply, message: OutboundMessage): Promise<SentMessage>;
  /**
   * Replaces a message for everyone. A platform whose update lands somewhere new (Slack replaces an
   * assistant thread's status line with a posted answer; a long answer may need more messages) returns
   * the new platform id; otherwise nothing.
   */
  update(
    address: ReplyAddress,
    platformMessageId: string,
    reply: Reply,
    message: OutboundMessage,
  ): Promise<SentMessage | undefined>;
  /**
   * Sends a direct message to one person (approval requests to approvers, expiry notices to requesters).
   * Optional: a platform without direct messages leaves it out and people see it in their channel.
   */
  notifyUser?(target: { tenantId: string; userId: string }, reply: Reply): Promise<void>;
  /**
   * Looks in the channel for a post carrying `marker`, posted at or after `since`: how a send whose
   * outcome was unknown is settled before anything is posted again. Absent: the platform cannot be read.
   */
  findMarked?(address: ReplyAddress, marker: DeliveryMarker, since: Date): Promise<MarkedLookup>;
}

/** A message as the API and the web chat show it. */
export interface MessageView {
  id: string;
  tenantId: string;
  platform: Platform;
  channel: string;
  thread: string;
  author: { kind: 'user' | 'bot'; id: string; name: string };
  text: string;
  reply: Reply | null;
  actions: { id: string; label: string; value?: string; style: string }[];
  skill: string | null;
  taskId: string | null;
  createdAt: string;
  updatedAt: string;
}

export type LiveEvent =
  | { type: 'message.created' | 'message.updated'; message: MessageView }
  | { type: 'task.updated'; taskId: string; tenantId: string; channel: string; status: TaskStatus };

/** Fan-out of live updates from workers to every gateway (web chat, consoles). */
export interface LiveEvents {
  publish(event: LiveEvent): Promise<void>;
  subscribe(listener: (event: LiveEvent) => void): () => void;
}

export interface AcceptedTask {
  task: Task;
  /** True when this source event was seen before: nothing new was recorded or run. */
  duplicate: boolean;
}

/** The user's own message, stored with the task so threads show both sides. */
export interface InboundMessage {
  id: string;
  text: string;
}

/**
 * Intake is what every receiver calls after verifying and mapping a request: record the task in the
 * dedupe ledger (unique per platform event), store the user's message, enqueue, return. Nothing slow.
 */
export interface Intake {
  accept(task: Task, message?: InboundMessage): Promise<AcceptedTask>;
}
