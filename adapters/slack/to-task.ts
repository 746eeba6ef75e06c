import { createHash } from 'node:crypto';
import {
  type InboundMessage,
  isOncePerPersonAction,
  type ParsedCommand,
  parseCommandText,
  type ReplyAddress,
  TASK_VERSION,
  type Task,
  type TaskFile,
} from '../../src/core/index.ts';
import { mentionsBot, plainTextOf } from './inbound-text.ts';
import type { BlockAction, MessageEvent, SlackFile, SlashCommand } from './payloads.ts';
import { type SlackReference, type SlackTeam, teamReference } from './team.ts';

/**
 * Slack payload → Task (pure). Mentions in channels, DMs, follow-ups in threads the bot answered, files,
 * slash commands, button clicks and modal submissions. A message's identity is its channel and `ts`: the
 * `app_mention` and the `message` event Slack sends for one message (and every retry or replay of either)
 * map to the same source event, so the ledger runs it once.
 */
export interface MappingContext {
  taskId: string;
  messageId: string;
  now: Date;
  team: SlackTeam;
  /** The bot's own user id (from the event's authorizations), whose mention is removed from the text. */
  botUserId: string | undefined;
  /** Command names the installed skills declare: a first word among them is a command. */
  commands: ReadonlySet<string>;
}

export type MessageClass = 'mention' | 'dm' | 'thread-reply' | 'ignored';

const HANDLED_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

/** What a message event is to the bot; `thread-reply` runs only in a thread the bot already answered. */
export function classifyMessage(event: MessageEvent, botUserId: string | undefined): MessageClass {
  if (!event.user || event.bot_id || event.user === botUserId) return 'ignored';
  if (!HANDLED_SUBTYPES.has(event.subtype)) return 'ignored';
  const direct = event.channel_type === 'im' || event.channel.startsWith('D');
  if (event.type === 'app_mention') return direct ? 'ignored' : 'mention';
  if (direct) return 'dm';
  if (mentionsBot(event.text ?? '', botUserId)) return 'mention';
  if (event.thread_ts && event.thread_ts !== event.ts) return 'thread-reply';
  return 'ignored';
}

export function messageToTask(
  event: MessageEvent,
  context: MappingContext,
): { task: Task; message: InboundMessage } {
  const direct = event.channel_type === 'im' || event.channel.startsWith('D');
  const inThread = event.thread_ts !== undefined && event.thread_ts !== event.ts;
  // A DM is one conversation until someone opens a thread in it (as the assistant pane does).
  const thread = direct && !inThread ? event.channel : (event.thread_ts ?? event.ts);
  const typed = plainTextOf(event.text ?? '', context.botUserId);
  const files = filesOf(event.files ?? []);
  const command = typedCommand(typed, files.length, context.commands);
  const reference: SlackReference = {
    ...teamReference(context.team),
    userId: event.user ?? '',
    ...(direct && !inThread ? {} : { threadTs: event.thread_ts ?? event.ts }),
    ...(direct && inThread ? { assistantThread: true } : {}),
  };
  const task: Task = {
    ...base(context, event.user ?? 'unknown', undefined, event.channel, thread, reference),
    kind: command ? 'command' : direct ? 'dm' : 'mention',
    text: command ? command.text : typed,
    ...(command ? { command: command.command, args: command.args } : {}),
    ...(files.length > 0 ? { files } : {}),
    sourceEventId: `msg.${event.channel}.${event.ts}`,
  };
  const described = files.length > 0 ? `(attached ${files.map((file) => file.name).join(', ')})` : '';
  return { task, message: { id: context.messageId, text: typed || described } };
}

// "@chatops status" and "@chatops /status" are the status command; a bare mention asks for help.
function typedCommand(typed: string, fileCount: number, commands: ReadonlySet<string>): ParsedCommand | null {
  if (typed === '' && fileCount === 0) return parseCommandText('/help');
  if (typed.startsWith('/')) return parseCommandText(typed);
  const firstWord = /^([a-z][a-z0-9-]{0,31})(?=\s|$)/i.exec(typed)?.[1]?.toLowerCase();
  return firstWord && commands.has(firstWord)
    ? parseCommandText(`/${firstWord}${typed.slice(firstWord.length)}`)
    : null;
}

/** A slash command (already parsed: `/chatops status` is the `status` command). */
export function commandToTask(payload: SlashCommand, parsed: ParsedCommand, context: MappingContext): Task {
  const direct = payload.channel_id.startsWith('D');
  const reference: SlackReference = {
    ...teamReference(context.team),
    userId: payload.user_id,
    ...(payload.response_url ? { responseUrl: payload.response_url } : {}),
  };
  // A command has no message of its own: its answer starts a new thread (a DM stays one conversation).
  const thread = direct ? payload.channel_id : `cmd.${digest(payload.trigger_id)}`;
  return {
    ...base(context, payload.user_id, payload.user_name, payload.channel_id, thread, reference),
    kind: 'command',
    command: parsed.command,
    args: parsed.args,
    text: parsed.text,
    sourceEventId: `cmd.${payload.trigger_id}`,
  };
}

export interface Click {
  /** The button id (the action id without Slack's uniqueness suffix). */
  actionId: string;
  value?: string;
  label: string;
  /** The clicked message as we stored it. */
  message: { id: string; channel: string; thread: string; skill: string | null };
}

export function actionToTask(payload: BlockAction, click: Click, context: MappingContext): Task {
  const user = payload.user;
  const messageTs = payload.container.message_ts ?? payload.message?.ts;
  const threadTs = payload.container.thread_ts ?? payload.message?.thread_ts ?? messageTs;
  const reference: SlackReference = {
    ...teamReference(context.team),
    userId: user.id,
    ...(threadTs && !click.message.channel.startsWith('D') ? { threadTs } : {}),
    ...(payload.response_url ? { responseUrl: payload.response_url } : {}),
  };
  const once = isOncePerPersonAction(click.actionId);
  return {
    ...base(
      context,
      user.id,
      user.name ?? user.username,
      click.message.channel,
      click.message.thread,
      reference,
    ),
    kind: 'action',
    text: `clicked "${click.label}"`,
    action: {
      id: click.actionId,
      messageId: click.message.id,
      ...(click.value === undefined ? {} : { value: click.value }),
      ...(click.message.skill ? { skill: click.message.skill } : {}),
    },
    sourceEventId: once
      ? `click.${digest(click.message.id, click.actionId, click.value ?? '', user.id)}`
      : `click.${payload.trigger_id ?? digest(JSON.stringify(payload.actions))}`,
  };
}

/** A submitted command form (the modal a bare `/deploy-cluster` opens). */
export function formToTask(
  form: {
    viewId: string;
    command: string;
    args: Record<string, string>;
    channel: string;
    thread?: string;
    threadTs?: string;
  },
  user: { id: string; name?: string | undefined },
  context: MappingContext,
): Task {
  const reference: SlackReference = {
    ...teamReference(context.team),
    userId: user.id,
    ...(form.threadTs ? { threadTs: form.threadTs } : {}),
  };
  // A form opened from a message answers in its thread; one opened by a slash command starts its own.
  const thread = form.thread ?? (form.channel.startsWith('D') ? form.channel : `cmd.${digest(form.viewId)}`);
  return {
    ...base(context, user.id, user.name, form.channel, thread, reference),
    kind: 'command',
    command: form.command,
    args: form.args,
    text: '',
    sourceEventId: `view.${form.viewId}`,
  };
}

function base(
  context: MappingContext,
  userId: string,
  userName: string | undefined,
  channel: string,
  thread: string,
  reference: SlackReference,
): Omit<Task, 'kind' | 'text' | 'sourceEventId'> {
  const replyTo: ReplyAddress = {
    platform: 'slack',
    tenantId: context.team.tenantId,
    channel,
    thread,
    ref: { ...reference },
  };
  return {
    v: TASK_VERSION,
    id: context.taskId,
    tenantId: context.team.tenantId,
    platform: 'slack',
    user: { id: userId, ...(userName ? { name: userName.slice(0, 255) } : {}) },
    channel,
    thread,
    replyTo,
    receivedAt: context.now.toISOString(),
  };
}

/** Files people attached (their private URLs are downloaded with the bot token). */
export function filesOf(files: readonly SlackFile[]): TaskFile[] {
  return files.slice(0, 20).map((file) => {
    const url = file.url_private_download ?? file.url_private;
    return {
      name: (file.name || file.title || file.id || 'file').slice(0, 512),
      ...(url && URL.canParse(url) ? { url } : {}),
      ...(file.mimetype ? { mimeType: file.mimetype.slice(0, 255) } : {}),
      ...(file.size === undefined ? {} : { sizeBytes: file.size }),
    };
  });
}

export function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}
