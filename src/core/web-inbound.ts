import type { OnBehalfOf, Task, TaskFile, UserRef } from './task.ts';

/**
 * The port between the REST API's HTTP shell (src/http/routes: authentication, rate limit, body, answer) and
 * the web adapter's receiver (adapters/web/receiver.ts: map, record and queue, show live). The web chat is a
 * REST client like any other, so both reach the bot through it.
 */

/** A message as the web chat and REST clients post it (POST /api/v1/messages, checked by the REST API). */
export interface WebMessage {
  channel: string;
  text: string;
  /** The thread it answers; none starts a thread. */
  threadId?: string | undefined;
  files?: TaskFile[] | undefined;
  /** The sender's IANA time zone (the web chat sends the browser's): digests they schedule run in it. */
  timeZone?: string | undefined;
}

/** A button click (POST /api/v1/actions, checked by the REST API). */
export interface WebClick {
  messageId: string;
  actionId: string;
  value?: string | undefined;
  /** What the person typed with the click, e.g. a rejection's reason. */
  inputs?: Record<string, string> | undefined;
}

/** What a request does: `chat` (post, click) or `decide` (an approval's Approve / Reject). */
export type WebPurpose = 'chat' | 'decide';

/** Who a request acts as, as whoever authenticated it decided (the REST API: from its key). */
export interface WebIdentity {
  user: UserRef;
  /** Set when a key acts for someone else. */
  onBehalfOf?: OnBehalfOf | undefined;
  /** Runs before the task is accepted (a key acting for someone is audited); if it throws, nothing is accepted. */
  beforeAccept(task: Task): Promise<void>;
}

export interface WebRequest<Body> {
  body: Body;
  tenantId: string;
  /** The request's own event id (from its Idempotency-Key), or undefined for a fresh one. */
  sourceEventId: string | undefined;
  /** Called once the receiver knows what the request does (a click on Approve is a decision). */
  identify(purpose: WebPurpose): WebIdentity;
}

export interface WebMessageAnswer {
  taskId: string;
  threadId: string;
  /** The person's message (absent for a duplicate, whose message was stored the first time). */
  messageId?: string;
  duplicate: boolean;
}

export interface WebClickAnswer {
  taskId: string;
  duplicate: boolean;
}

export interface WebInbound {
  /** A message; `announce` shows it to live viewers once the request was answered. */
  message(request: WebRequest<WebMessage>): Promise<{ answer: WebMessageAnswer; announce(): void }>;
  click(request: WebRequest<WebClick>): Promise<WebClickAnswer>;
}
