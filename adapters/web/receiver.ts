import {
  APPROVAL_APPROVE_ACTION,
  APPROVAL_REJECT_ACTION,
  ChatOpsError,
  type Intake,
  type LiveEvents,
  type MessageView,
  redactSecrets,
  type Task,
  uuidv7,
  type WebClick,
  type WebClickAnswer,
  type WebInbound,
  type WebMessage,
  type WebMessageAnswer,
  type WebRequest,
} from '../../src/core/index.ts';
import type { WebMessageLookup } from './ports.ts';
import { apiActionToTask, apiMessageToTask } from './to-task.ts';

export interface WebReceiverOptions {
  intake: Intake;
  messages: WebMessageLookup;
  live: LiveEvents;
}

const DECISIONS: ReadonlySet<string> = new Set([APPROVAL_APPROVE_ACTION, APPROVAL_REJECT_ACTION]);

/**
 * The web adapter's receiver: a message typed in the web chat (or posted by any REST client) and a click on
 * one of its buttons, once the REST API (src/http/routes) has authenticated the request, applied its rate
 * limit and read its body. Each becomes a Task, recorded and queued through the intake (deduplicated on the
 * request), and the person's own message is shown to live viewers. Nothing slow here.
 */
export class WebReceiver implements WebInbound {
  readonly #options: WebReceiverOptions;

  constructor(options: WebReceiverOptions) {
    this.#options = options;
  }

  async message(request: WebRequest<WebMessage>): Promise<{ answer: WebMessageAnswer; announce(): void }> {
    const { body, tenantId } = request;
    const identity = request.identify('chat');
    const ids = { taskId: uuidv7(), messageId: uuidv7(), now: new Date() };
    const task = apiMessageToTask(body, identity, tenantId, ids, request.sourceEventId);
    await identity.beforeAccept(task);
    const accepted = await this.#options.intake.accept(task, { id: ids.messageId, text: body.text });
    if (accepted.duplicate) {
      return {
        answer: { taskId: accepted.task.id, threadId: accepted.task.thread, duplicate: true },
        announce: () => {},
      };
    }
    return {
      answer: { taskId: task.id, threadId: task.thread, messageId: ids.messageId, duplicate: false },
      announce: () =>
        void this.#options.live.publish({
          type: 'message.created',
          message: userMessage(task, ids.messageId, redactSecrets(body.text)),
        }),
    };
  }

  /**
   * A click, checked against the buttons the message really carries. An approval's Approve / Reject is a
   * decision: it needs the decider's own identity (the REST API refuses a key that is not that person).
   */
  async click(request: WebRequest<WebClick>): Promise<WebClickAnswer> {
    const { body, tenantId } = request;
    const message = await this.#options.messages.byId(body.messageId);
    if (!message || message.tenantId !== tenantId || message.platform !== 'api') {
      throw new ChatOpsError('NOT_FOUND', `No message ${body.messageId} here.`, {
        remedy: 'Use a message id from GET /api/v1/threads/{threadId}/messages.',
      });
    }
    const button = message.actions.find((action) => action.id === body.actionId);
    if (!button) {
      throw new ChatOpsError('UNKNOWN_ACTION', `Message ${message.id} has no button "${body.actionId}".`, {
        remedy: `Use one of its actions: ${message.actions.map((action) => action.id).join(', ') || 'none'}.`,
        details: { fields: [{ field: 'actionId', message: 'not a button of this message' }] },
      });
    }
    const identity = request.identify(DECISIONS.has(button.id) ? 'decide' : 'chat');
    const ids = { taskId: uuidv7(), messageId: message.id, now: new Date() };
    const task = apiActionToTask(body, identity, message, button, tenantId, ids, request.sourceEventId);
    await identity.beforeAccept(task);
    const accepted = await this.#options.intake.accept(task);
    return { taskId: accepted.task.id, duplicate: accepted.duplicate };
  }
}

/** The person's message as live viewers see it (the ledger stored it with the task). */
function userMessage(task: Task, messageId: string, text: string): MessageView {
  const now = task.receivedAt;
  return {
    id: messageId,
    tenantId: task.tenantId,
    platform: task.platform,
    channel: task.channel,
    thread: task.thread,
    author: { kind: 'user', id: task.user.id, name: task.user.name ?? task.user.id },
    text,
    reply: null,
    actions: [],
    skill: null,
    taskId: task.id,
    createdAt: now,
    updatedAt: now,
  };
}
