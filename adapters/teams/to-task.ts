import {
  type InboundMessage,
  isOncePerPersonAction,
  parseCommandText,
  TASK_VERSION,
  type Task,
  type TaskFile,
} from '../../src/core/index.ts';
import type { InboundActivity } from './activity.ts';
import { conversationOf, digest, replyAddressOf } from './conversation.ts';
import { plainTextOf } from './inbound-text.ts';

/**
 * Teams Activity → Task (pure). Mentions in channels, 1:1 and group chats, replies in a channel's reply
 * chain, commands typed as text (with or without `/`, as the bot's command menu inserts them), files, the
 * bot being added (a welcome), and `Action.Execute` clicks.
 */
export interface MappingContext {
  taskId: string;
  messageId: string;
  now: Date;
  tenantId: string;
  /** Command names the installed skills declare: a first word among them is a command. */
  commands: ReadonlySet<string>;
}

export type ActivityKind = 'message' | 'welcome' | 'card-action' | 'ignored';

export function classifyActivity(activity: InboundActivity): ActivityKind {
  if (activity.type === 'message') return 'message';
  if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action') return 'card-action';
  if (
    activity.type === 'conversationUpdate' &&
    (activity.membersAdded ?? []).some((member) => member.id === activity.recipient.id)
  )
    return 'welcome';
  return 'ignored';
}

/** The Entra tenant of an activity (Teams sends it in two places; the emulator in neither). */
export function tenantOf(activity: InboundActivity): string | undefined {
  return activity.conversation.tenantId ?? activity.channelData?.tenant?.id;
}

export function messageToTask(
  activity: InboundActivity,
  context: MappingContext,
): { task: Task; message: InboundMessage } {
  const conversation = conversationOf(activity);
  const typed = plainTextOf(activity);
  const firstWord = /^([a-z][a-z0-9-]{0,31})(?=\s|$)/i.exec(typed)?.[1]?.toLowerCase();
  const files = filesOf(activity);
  // A bare @mention (nothing typed, nothing attached) asks what the bot can do.
  const asCommand =
    typed === '' && files.length === 0
      ? '/help'
      : typed.startsWith('/')
        ? typed
        : firstWord && context.commands.has(firstWord)
          ? `/${firstWord}${typed.slice(firstWord.length)}`
          : null;
  const command = asCommand ? parseCommandText(asCommand) : null;
  const task: Task = {
    ...base(activity, context, conversation),
    kind: command ? 'command' : conversation.type === 'personal' ? 'dm' : 'mention',
    text: command ? command.text : typed,
    ...(command ? { command: command.command, args: command.args } : {}),
    ...(files.length > 0 ? { files } : {}),
    sourceEventId: eventIdOf(activity, conversation.channel),
  };
  return { task, message: { id: context.messageId, text: typed || describeFiles(files) } };
}

/** The bot was added to a team, chat or personal scope: it introduces itself with `/help`. */
export function welcomeToTask(activity: InboundActivity, context: MappingContext): Task {
  const conversation = conversationOf(activity);
  return {
    ...base(activity, context, conversation),
    kind: 'command',
    command: 'help',
    text: '',
    args: {},
    sourceEventId: activity.id
      ? eventIdOf(activity, conversation.channel)
      : `welcome-${digest(conversation.channel)}`,
  };
}

export interface Click {
  /** The button id (the `Action.Execute` verb). */
  actionId: string;
  value?: string;
  label: string;
  /** The clicked message as we stored it. */
  message: { id: string; channel: string; thread: string; skill: string | null };
  /** What the person typed into the card with the click (a rejection reason). */
  inputs?: Record<string, string>;
}

export function actionToTask(activity: InboundActivity, click: Click, context: MappingContext): Task {
  const conversation = { ...conversationOf(activity), ...pick(click.message) };
  const user = userOf(activity);
  const once = isOncePerPersonAction(click.actionId);
  return {
    ...base(activity, context, conversation),
    kind: 'action',
    text: `clicked "${click.label}"`,
    action: {
      id: click.actionId,
      messageId: click.message.id,
      ...(click.value === undefined ? {} : { value: click.value }),
      ...(click.message.skill ? { skill: click.message.skill } : {}),
      ...(click.inputs ? { inputs: click.inputs } : {}),
    },
    sourceEventId: once
      ? `click-${digest(click.message.id, click.actionId, click.value ?? '', user.id)}`
      : eventIdOf(activity, conversation.channel),
  };
}

/** A submitted command form: the command with the form's arguments, in the form's conversation. */
export function formToTask(
  activity: InboundActivity,
  click: Click,
  submitted: { command: string; args: Record<string, string> },
  context: MappingContext,
): Task {
  const conversation = { ...conversationOf(activity), ...pick(click.message) };
  const user = userOf(activity);
  return {
    ...base(activity, context, conversation),
    kind: 'command',
    command: submitted.command,
    args: submitted.args,
    text: '',
    // The same values submitted twice from the same card by the same person run once.
    sourceEventId: `form-${digest(click.message.id, JSON.stringify(submitted.args), user.id)}`,
  };
}

function pick(message: Click['message']): { channel: string; thread: string } {
  return { channel: message.channel, thread: message.thread };
}

function base(
  activity: InboundActivity,
  context: MappingContext,
  conversation: ReturnType<typeof conversationOf>,
): Omit<Task, 'kind' | 'text' | 'sourceEventId'> {
  return {
    v: TASK_VERSION,
    id: context.taskId,
    tenantId: context.tenantId,
    platform: 'teams',
    user: userOf(activity),
    channel: conversation.channel,
    thread: conversation.thread,
    replyTo: replyAddressOf(activity, context.tenantId, conversation),
    receivedAt: context.now.toISOString(),
  };
}

/** People are their Entra (AAD) object id, the identity roles are granted to; the emulator has none. */
function userOf(activity: InboundActivity): Task['user'] {
  const id = activity.from.aadObjectId ?? activity.from.id;
  // Teams clients send the person's IANA zone with each message (Activity.localTimezone).
  const zone = typeof activity.localTimezone === 'string' ? activity.localTimezone : '';
  return {
    id,
    ...(activity.from.name ? { name: activity.from.name.slice(0, 255) } : {}),
    ...(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/.test(zone) && zone.length <= 64 ? { timeZone: zone } : {}),
  };
}

// Teams message ids are unique within a conversation, not across them: qualify them with the channel.
function eventIdOf(activity: InboundActivity, channel: string): string {
  const id = activity.id ?? digest(JSON.stringify(activity));
  return `${id.slice(0, 180)}-${digest(channel)}`;
}

const INLINE_TYPES = new Set(['text/html', 'text/plain', 'application/vnd.microsoft.card.adaptive']);

/** Files people attached: Teams' download-info (1:1 chats), SharePoint references (channels), images. */
export function filesOf(activity: InboundActivity): TaskFile[] {
  const files: TaskFile[] = [];
  for (const attachment of activity.attachments ?? []) {
    if (INLINE_TYPES.has(attachment.contentType)) continue;
    const content = (attachment.content ?? {}) as { downloadUrl?: unknown; fileType?: unknown };
    const url =
      attachment.contentType === 'application/vnd.microsoft.teams.file.download.info'
        ? content.downloadUrl
        : attachment.contentUrl;
    const file: TaskFile = {
      name: (attachment.name ?? 'attachment').slice(0, 512),
      ...(typeof url === 'string' && URL.canParse(url) ? { url } : {}),
      ...(mimeTypeOf(attachment.contentType, content.fileType) ?? {}),
    };
    files.push(file);
    if (files.length === 20) break;
  }
  return files;
}

// Teams' download-info names a file type (an extension), not a media type.
const MEDIA_TYPES: Record<string, string> = {
  csv: 'text/csv',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  gif: 'image/gif',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  json: 'application/json',
  pdf: 'application/pdf',
  png: 'image/png',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  txt: 'text/plain',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
};

function mimeTypeOf(contentType: string, fileType: unknown): { mimeType: string } | undefined {
  if (/^[a-z]+\/[\w.+-]+$/.test(contentType) && !contentType.startsWith('application/vnd.microsoft.teams'))
    return { mimeType: contentType };
  const known = typeof fileType === 'string' ? MEDIA_TYPES[fileType.toLowerCase()] : undefined;
  return known ? { mimeType: known } : undefined;
}

function describeFiles(files: TaskFile[]): string {
  return files.length > 0 ? `(attached ${files.map((file) => file.name).join(', ')})` : '';
}
