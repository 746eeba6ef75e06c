import { describe, expect, it } from 'vitest';
import { plainTextOf } from '../../adapters/slack/inbound-text.ts';
import { MessageEventSchema, SlashCommandSchema } from '../../adapters/slack/payloads.ts';
import { referenceOf, teamOf } from '../../adapters/slack/team.ts';
import {
  classifyMessage,
  commandToTask,
  type MappingContext,
  messageToTask,
} from '../../adapters/slack/to-task.ts';
import { parseCommandText, TaskSchema } from '../../src/core/index.ts';
import {
  appMention,
  BOT_USER,
  CHANNEL,
  channelMessage,
  DM,
  directMessage,
  fileShare,
  slashCommand,
  TEAM,
} from '../fixtures/slack/payloads.ts';

const context = (overrides: Partial<MappingContext> = {}): MappingContext => ({
  taskId: '01900000-0000-7000-8000-000000000001',
  messageId: '01900000-0000-7000-8000-000000000002',
  now: new Date('2026-12-02T10:00:00Z'),
  team: { tenantId: TEAM, teamId: TEAM, enterpriseId: undefined, isEnterpriseInstall: false },
  botUserId: BOT_USER,
  commands: new Set(['status', 'help', 'jira']),
  ...overrides,
});

const eventOf = (envelope: { event: unknown }) => MessageEventSchema.parse(envelope.event);

describe('Slack payload → Task (pure)', () => {
  it('maps a channel mention to a mention in the message’s thread, the bot’s mention removed', () => {
    const envelope = appMention({ text: 'what is blocking <#C0OPS00001|ops>?' });
    const { task, message } = messageToTask(eventOf(envelope), context());
    expect(TaskSchema.parse(task)).toEqual(task);
    expect(task).toMatchObject({
      platform: 'slack',
      tenantId: TEAM,
      kind: 'mention',
      channel: CHANNEL,
      thread: envelope.event.ts,
      text: 'what is blocking #ops?',
      sourceEventId: `msg.${CHANNEL}.${envelope.event.ts}`,
      replyTo: { platform: 'slack', channel: CHANNEL, ref: { teamId: TEAM, threadTs: envelope.event.ts } },
    });
    expect(message.text).toBe('what is blocking #ops?');
  });

  it('reads typed commands, and a bare mention as /help', () => {
    expect(messageToTask(eventOf(appMention({ text: 'jira report=bugs' })), context()).task).toMatchObject({
      kind: 'command',
      command: 'jira',
      args: { report: 'bugs' },
    });
    expect(messageToTask(eventOf(appMention({ text: '' })), context()).task).toMatchObject({
      command: 'help',
    });
  });

  it('classifies messages: DMs, mentions, thread replies, and what the bot ignores', () => {
    const bot = BOT_USER;
    expect(classifyMessage(eventOf(directMessage({ text: 'hi' })), bot)).toBe('dm');
    expect(classifyMessage(eventOf(channelMessage({ text: `<@${bot}> hi` })), bot)).toBe('mention');
    expect(classifyMessage(eventOf(channelMessage({ text: 'more', threadTs: '1.000001' })), bot)).toBe(
      'thread-reply',
    );
    expect(classifyMessage(eventOf(channelMessage({ text: 'chatter' })), bot)).toBe('ignored');
    expect(classifyMessage(eventOf(channelMessage({ text: 'x', botId: 'B1' })), bot)).toBe('ignored');
    expect(classifyMessage(eventOf(channelMessage({ text: 'x', user: bot })), bot)).toBe('ignored');
    expect(
      classifyMessage({ ...eventOf(channelMessage({ text: 'x' })), subtype: 'message_changed' }, bot),
    ).toBe('ignored');
    expect(
      classifyMessage(eventOf({ event: { ...appMention({ text: 'x' }).event, channel: DM } }), bot),
    ).toBe('ignored');
  });

  it('keeps a DM one conversation, and threads in a DM as assistant threads', () => {
    const top = messageToTask(eventOf(directMessage({ text: 'hi' })), context()).task;
    expect(top).toMatchObject({ kind: 'dm', thread: DM });
    expect(referenceOf(top.replyTo).threadTs).toBeUndefined();
    const threaded = messageToTask(
      eventOf(directMessage({ text: 'hi', threadTs: '1764000000.000001' })),
      context(),
    ).task;
    expect(threaded.replyTo.ref).toMatchObject({ threadTs: '1764000000.000001', assistantThread: true });
  });

  it('carries attached files', () => {
    const { task } = messageToTask(eventOf(fileShare({ text: 'rfp analyse' })), context());
    expect(task.files).toEqual([
      {
        name: 'rfp.pdf',
        url: 'https://files.slack.com/files-pri/T0TESTTEAM1-F0REPORT001/download/rfp.pdf',
        mimeType: 'application/pdf',
        sizeBytes: 48213,
      },
    ]);
  });

  it('maps a slash command with its response URL, in a thread of its own', () => {
    const payload = SlashCommandSchema.parse(slashCommand('/chatops', 'status'));
    const parsed = parseCommandText(`${payload.command} ${payload.text}`);
    const task = commandToTask(payload, parsed ?? { command: '', args: {}, text: '' }, context());
    expect(task).toMatchObject({
      kind: 'command',
      command: 'status',
      sourceEventId: `cmd.${payload.trigger_id}`,
    });
    expect(task.thread).toMatch(/^cmd\./);
    expect(task.replyTo.ref).toMatchObject({ responseUrl: payload.response_url });
    expect(payload.is_enterprise_install).toBe(false);
  });

  it('makes an org-wide Enterprise Grid install one tenant', () => {
    expect(teamOf('T1', 'E1', true)).toMatchObject({ tenantId: 'E1', isEnterpriseInstall: true });
    expect(teamOf('T1', 'E1', false)).toMatchObject({ tenantId: 'T1', enterpriseId: 'E1' });
    expect(teamOf(undefined, undefined, false)).toBeNull();
  });

  it('reads Slack markup back as plain words', () => {
    expect(
      plainTextOf(
        `<@${BOT_USER}> ping <@U0BOB000001> in <#C1|ops>, see <https://x.example|docs> &amp; <!here>`,
        BOT_USER,
      ),
    ).toBe('ping @U0BOB000001 in #ops, see docs (https://x.example) & @here');
  });
});
