import { describe, expect, it } from 'vitest';
import { InboundActivitySchema } from '../../adapters/teams/activity.ts';
import { checkClick } from '../../adapters/teams/card-click.ts';
import {
  actionToTask,
  classifyActivity,
  messageToTask,
  tenantOf,
  welcomeToTask,
} from '../../adapters/teams/to-task.ts';
import { type MessageView, parseTask } from '../../src/core/index.ts';
import { REPLY_FIXTURES } from '../fixtures/replies.ts';
import {
  ALICE,
  BOT_ID,
  botAdded,
  CHANNEL_ID,
  cardAction,
  channelMention,
  fileAttachment,
  GROUP_CHAT_ID,
  groupChatMention,
  PERSONAL_ID,
  personalMessage,
  SERVICE_URL,
  TENANT_ID,
} from '../fixtures/teams/activities.ts';
import { validateSpecSchema } from '../support/contract/index.ts';

const context = {
  taskId: '01900000-0000-7000-8000-000000000001',
  messageId: '01900000-0000-7000-8000-000000000002',
  now: new Date('2026-11-23T10:00:00.000Z'),
  tenantId: TENANT_ID,
  commands: new Set(['help', 'status', 'deploy-cluster']),
};

function map(raw: Record<string, unknown>) {
  const activity = InboundActivitySchema.parse(raw);
  return messageToTask(activity, context);
}

describe('Teams activity → Task (pure)', () => {
  it('uses fixtures that the Bot Connector spec accepts as Activities', async () => {
    for (const fixture of [
      channelMention({ text: 'hi' }),
      personalMessage({ text: 'hi', attachments: fileAttachment('report.pdf') }),
      groupChatMention({ text: 'hi' }),
      botAdded(),
      cardAction({ verb: 'status.refresh', data: {}, cardActivityId: '1763900000999' }),
    ]) {
      expect(await validateSpecSchema('botframework-connector', 'Activity', fixture)).toEqual([]);
    }
  });

  it('maps a channel @mention: mention stripped, thread = the post itself, reply address of the chain', () => {
    const raw = channelMention({ text: 'what is the  status of <at>Bob Example</at>?', id: '1763900000100' });
    const { task, message } = map(raw);
    expect(parseTask(task)).toEqual(task);
    expect(task).toMatchObject({
      platform: 'teams',
      kind: 'mention',
      tenantId: TENANT_ID,
      user: { id: ALICE.aadObjectId, name: ALICE.name },
      channel: CHANNEL_ID,
      thread: '1763900000100',
      text: 'what is the status of @Bob Example?',
      replyTo: {
        platform: 'teams',
        tenantId: TENANT_ID,
        channel: CHANNEL_ID,
        thread: '1763900000100',
        ref: {
          serviceUrl: SERVICE_URL,
          conversationId: `${CHANNEL_ID};messageid=1763900000100`,
          conversationType: 'channel',
          botId: BOT_ID,
          tenantId: TENANT_ID,
        },
      },
    });
    expect(message.text).toBe(task.text);
  });

  it('keeps a reply inside a channel thread in that thread', () => {
    const { task } = map(channelMention({ text: 'and now?', root: '1763900000100', id: '1763900000150' }));
    expect(task.thread).toBe('1763900000100');
    expect(task.replyTo.ref?.conversationId).toBe(`${CHANNEL_ID};messageid=1763900000100`);
  });

  it('maps 1:1 chats to dm and group chats to mention, each chat one thread', () => {
    const personal = map(personalMessage({ text: 'hello' })).task;
    expect(personal).toMatchObject({ kind: 'dm', channel: PERSONAL_ID, thread: PERSONAL_ID, text: 'hello' });
    const group = map(groupChatMention({ text: 'hello all' })).task;
    expect(group).toMatchObject({ kind: 'mention', channel: GROUP_CHAT_ID, thread: GROUP_CHAT_ID });
    expect(group.replyTo.ref?.conversationId).toBe(GROUP_CHAT_ID);
  });

  it("carries the person's time zone when Teams sends it (digests run in it), and ignores a malformed one", async () => {
    const raw = { ...personalMessage({ text: 'hello' }), localTimezone: 'Europe/Berlin' };
    expect(await validateSpecSchema('botframework-connector', 'Activity', raw)).toEqual([]);
    expect(map(raw).task.user.timeZone).toBe('Europe/Berlin');
    expect(map({ ...raw, localTimezone: '<script>' }).task.user.timeZone).toBeUndefined();
    expect(map(personalMessage({ text: 'hello' })).task.user.timeZone).toBeUndefined();
  });

  it('turns commands typed as text, with or without a slash, into the same command as a slash command', () => {
    for (const text of [
      'deploy-cluster env=dev size="3 nodes" now',
      '/deploy-cluster env=dev size="3 nodes" now',
    ]) {
      const { task } = map(channelMention({ text }));
      expect(task).toMatchObject({
        kind: 'command',
        command: 'deploy-cluster',
        args: { env: 'dev', size: '3 nodes' },
        text: 'now',
      });
    }
    expect(map(personalMessage({ text: 'Status' })).task).toMatchObject({
      kind: 'command',
      command: 'status',
    });
    expect(map(personalMessage({ text: '/chatops help' })).task).toMatchObject({ command: 'help' });
    // A bare mention asks for help.
    expect(map(channelMention({ text: '' })).task).toMatchObject({
      kind: 'command',
      command: 'help',
      text: '',
    });
    // A first word that is no command stays free text for the supervisor.
    expect(map(personalMessage({ text: 'deploy it please' })).task.kind).toBe('dm');
  });

  it('forwards attached files and skips the message body copy', () => {
    const { task, message } = map(personalMessage({ text: '', attachments: fileAttachment('report.pdf') }));
    expect(task.files).toEqual([
      {
        name: 'report.pdf',
        url: 'https://contoso-my.sharepoint.com/_layouts/15/download.aspx?UniqueId=0001&Translate=false&tempauth=fake',
        mimeType: 'application/pdf',
      },
    ]);
    expect(message.text).toBe('(attached report.pdf)');
  });

  it('undoes Teams HTML: entities, tags and line breaks become plain text, never markup', () => {
    const { task } = map(personalMessage({ text: '<p>a &lt;b&gt; &amp; c</p><p>next&nbsp;line</p>' }));
    expect(task.text).toBe('a <b> & c\nnext line');
  });

  it('qualifies the dedupe key with the conversation: the same message id in two chats is two events', () => {
    const inChannel = map(channelMention({ text: 'x', id: '1763900000200' })).task;
    const inChat = map(personalMessage({ text: 'x', id: '1763900000200' })).task;
    expect(inChannel.sourceEventId).not.toBe(inChat.sourceEventId);
    expect(map(channelMention({ text: 'y', id: '1763900000200' })).task.sourceEventId).toBe(
      inChannel.sourceEventId,
    );
  });

  it('classifies activities and reads the tenant', () => {
    const added = InboundActivitySchema.parse(botAdded());
    expect(classifyActivity(added)).toBe('welcome');
    expect(
      classifyActivity(InboundActivitySchema.parse({ ...botAdded(), membersAdded: [{ id: ALICE.id }] })),
    ).toBe('ignored');
    expect(
      classifyActivity(InboundActivitySchema.parse({ ...personalMessage({ text: 'x' }), type: 'typing' })),
    ).toBe('ignored');
    expect(tenantOf(added)).toBe(TENANT_ID);
    expect(welcomeToTask(added, context)).toMatchObject({
      kind: 'command',
      command: 'help',
      channel: CHANNEL_ID,
    });
  });

  it('maps a click to an action task; a decision counts once per person however often they click', () => {
    const message = {
      id: '01900000-0000-7000-8000-0000000000aa',
      channel: CHANNEL_ID,
      thread: '1763900000300',
      skill: 'deploy',
    };
    const click = (id: string, from = ALICE) =>
      actionToTask(
        InboundActivitySchema.parse(
          cardAction({
            verb: 'approval.approve',
            data: {},
            cardActivityId: '1763900000301',
            root: '1763900000300',
            id,
            from,
          }),
        ),
        { actionId: 'approval.approve', value: 'appr-1', label: 'Approve', message },
        context,
      );
    const first = click('f:1');
    expect(first).toMatchObject({
      kind: 'action',
      action: { id: 'approval.approve', value: 'appr-1', messageId: message.id, skill: 'deploy' },
      thread: '1763900000300',
      text: 'clicked "Approve"',
    });
    expect(click('f:2').sourceEventId).toBe(first.sourceEventId);
    expect(
      click('f:3', { ...ALICE, aadObjectId: '6b1c0e2a-0000-4000-8000-000000000b0b' }).sourceEventId,
    ).not.toBe(first.sourceEventId);
    const refresh = (id: string) =>
      actionToTask(
        InboundActivitySchema.parse(
          cardAction({ verb: 'status.refresh', data: {}, cardActivityId: '1763900000301', id }),
        ),
        { actionId: 'status.refresh', label: 'Refresh', message },
        context,
      ).sourceEventId;
    expect(refresh('f:4')).not.toBe(refresh('f:5'));
  });

  it('carries the reason typed into the approval card with a Reject click (and only with Reject)', async () => {
    const stored = {
      id: '01900000-0000-7000-8000-0000000000aa',
      tenantId: TENANT_ID,
      platform: 'teams',
      channel: CHANNEL_ID,
      thread: '1763900000300',
      reply: REPLY_FIXTURES.approvalPending,
      skill: 'approvals',
    } as unknown as MessageView;
    const clicked = async (verb: string) => {
      const activity = InboundActivitySchema.parse(
        cardAction({
          verb,
          data: { chatops: { messageId: stored.id, value: 'appr-0001' }, reason: '  not during the freeze ' },
          cardActivityId: '1763900000301',
          root: '1763900000300',
        }),
      );
      const check = await checkClick(activity, TENANT_ID, async () => stored);
      if (!check.ok) throw new Error(check.message);
      return actionToTask(activity, check.click, context).action;
    };
    expect(await clicked('approval.reject')).toEqual({
      id: 'approval.reject',
      value: 'appr-0001',
      messageId: stored.id,
      skill: 'approvals',
      inputs: { reason: 'not during the freeze' },
    });
    expect((await clicked('approval.approve'))?.inputs).toBeUndefined();
  });
});
