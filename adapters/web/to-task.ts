import {
  type OnBehalfOf,
  parseCommandText,
  TASK_VERSION,
  type Task,
  type UserRef,
  type WebClick,
  type WebMessage,
} from '../../src/core/index.ts';

/**
 * Who a request acts as (decided by the REST API, src/http/api-identity.ts): the user, and the key when it
 * acts on their behalf.
 */
export interface ApiSender {
  user: UserRef;
  onBehalfOf?: OnBehalfOf | undefined;
}

export interface ApiIds {
  taskId: string;
  messageId: string;
  now: Date;
}

/**
 * Maps a REST API message to a Task (pure). A message without a thread starts one: the message is its own
 * thread root. Text starting with `/name` is a command, like a Slack slash command. The sender is who the
 * request acts as, decided from its key (src/http/api-identity.ts), not read from the body here.
 */
export function apiMessageToTask(
  body: WebMessage,
  sender: ApiSender,
  tenantId: string,
  ids: ApiIds,
  sourceEventId?: string,
): Task {
  const thread = body.threadId ?? ids.messageId;
  const command = parseCommandText(body.text);
  return {
    v: TASK_VERSION,
    id: ids.taskId,
    tenantId,
    platform: 'api',
    kind: command ? 'command' : 'api',
    user: { ...sender.user, ...(body.timeZone ? { timeZone: body.timeZone } : {}) },
    ...(sender.onBehalfOf ? { onBehalfOf: sender.onBehalfOf } : {}),
    channel: body.channel,
    thread,
    text: command ? command.text : body.text,
    ...(command ? { command: command.command, args: command.args } : {}),
    ...(body.files && body.files.length > 0 ? { files: body.files } : {}),
    replyTo: { platform: 'api', tenantId, channel: body.channel, thread },
    sourceEventId: sourceEventId ?? ids.messageId,
    receivedAt: ids.now.toISOString(),
  };
}

export interface ClickedMessage {
  id: string;
  channel: string;
  thread: string;
  skill: string | null;
}

/** Maps a button click to a Task (pure); the click is answered in the clicked message's thread. */
export function apiActionToTask(
  body: WebClick,
  sender: ApiSender,
  message: ClickedMessage,
  button: { label: string; value?: string },
  tenantId: string,
  ids: ApiIds,
  sourceEventId?: string,
): Task {
  const value = body.value ?? button.value;
  return {
    v: TASK_VERSION,
    id: ids.taskId,
    tenantId,
    platform: 'api',
    kind: 'action',
    user: sender.user,
    ...(sender.onBehalfOf ? { onBehalfOf: sender.onBehalfOf } : {}),
    channel: message.channel,
    thread: message.thread,
    text: `clicked "${button.label}"`,
    action: {
      id: body.actionId,
      messageId: message.id,
      ...(value === undefined ? {} : { value }),
      ...(message.skill ? { skill: message.skill } : {}),
      ...(body.inputs && Object.keys(body.inputs).length > 0 ? { inputs: body.inputs } : {}),
    },
    replyTo: { platform: 'api', tenantId, channel: message.channel, thread: message.thread },
    sourceEventId: sourceEventId ?? ids.taskId,
    receivedAt: ids.now.toISOString(),
  };
}
