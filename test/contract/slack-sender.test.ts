import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppHome } from '../../adapters/slack/app-home.ts';
import { SlackChannelMembers } from '../../adapters/slack/channel-members.ts';
import { SlackClients } from '../../adapters/slack/clients.ts';
import { ChannelPacing } from '../../adapters/slack/pacing.ts';
import { SlackSender } from '../../adapters/slack/sender.ts';
import { SlackUserNames } from '../../adapters/slack/user-names.ts';
import {
  isChatOpsError,
  markdownReply,
  REPLY_VERSION,
  type ReplyAddress,
  ReplySchema,
} from '../../src/core/index.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { REPLY_FIXTURES } from '../fixtures/replies.ts';
import { BOT_TOKEN, CHANNEL, TEAM } from '../fixtures/slack/payloads.ts';
import { contractNock } from '../support/contract/index.ts';
import { MemoryPacer } from '../support/memory-slack-ports.ts';
import { registerNewerSlackMethods } from '../support/slack-methods.ts';

// Every Web API call the Slack adapter makes, through nock held to slack_web_openapi_v2.json (arguments
// strict, responses checked) and, for newer methods, to their documented arguments and Slack's samples.
const API = 'https://slack.com/api';
const THREAD = '1764000000.000100';
const address: ReplyAddress = {
  platform: 'slack',
  tenantId: TEAM,
  channel: CHANNEL,
  thread: THREAD,
  ref: { teamId: TEAM, threadTs: THREAD, userId: 'U0ALICE0001' },
};
const message = (id = '01900000-0000-7000-8000-0000000000aa') => ({
  id,
  taskId: 't1',
  skill: 'status',
  createdAt: new Date(),
});

// biome-ignore lint/suspicious/noExplicitAny: tests read form arguments field by field
type Args = Record<string, any>;

describe('Slack Web API calls (contract)', () => {
  let calls: { method: string; args: Args; authorization: string | null }[];
  let pacer: MemoryPacer;
  let clients: SlackClients;
  let sender: SlackSender;

  beforeEach(() => {
    registerNewerSlackMethods();
    calls = [];
    pacer = new MemoryPacer();
    clients = new SlackClients({
      apiUrl: `${API}/`,
      botToken: BOT_TOKEN,
      installations: undefined,
      log: silentLogger,
      retries: 0,
    });
    sender = new SlackSender({
      clients,
      pacing: new ChannelPacing(pacer, 0, async () => {}),
      log: silentLogger,
    });
  });
  afterEach(() => {
    nock.cleanAll();
  });

  function slack(
    method: string,
    body: object | ((args: Args) => object),
    times = 1,
    status = 200,
    headers?: Record<string, string>,
  ) {
    const scope = contractNock('slack-web', API);
    scope.on('request', (request: Request, _interceptor: unknown, raw: string) => {
      if (!request.url.endsWith(`/${method}`)) return;
      calls.push({
        method,
        args: raw.startsWith('{') ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw)),
        authorization: request.headers.get('authorization'),
      });
    });
    scope
      .post(`/${method}`)
      .times(times)
      .reply(
        status,
        () =>
          typeof body === 'function'
            ? body(calls.filter((call) => call.method === method).at(-1)?.args ?? {})
            : body,
        headers,
      );
    return scope;
  }
  const posted = (args: Args) => ({
    ok: true,
    channel: args.channel,
    ts: `1764000001.00000${calls.length}`,
    message: { type: 'message', text: String(args.text), ts: '1764000001.000001' },
  });

  it('posts every reply fixture in the thread, as valid arguments, with the bot token', async () => {
    const fixtures = Object.entries(REPLY_FIXTURES).filter(
      ([name]) => name !== 'media' && name !== 'progress',
    );
    slack('chat.postMessage', posted, 30);
    for (const [, reply] of fixtures) {
      const sent = await sender.send(address, reply, message());
      expect(sent.platformMessageId).toMatch(/^1764000001\.\d+(,1764000001\.\d+)*$/);
    }
    expect(
      calls.every((call) => call.args.thread_ts === THREAD && call.authorization === `Bearer ${BOT_TOKEN}`),
    ).toBe(true);
  });

  it('updates a message in place, posts or removes parts when its size changes', async () => {
    slack(
      'chat.update',
      (args) => ({
        ok: true,
        channel: args.channel,
        ts: args.ts,
        text: String(args.text),
        message: { text: String(args.text) },
      }),
      3,
    );
    slack('chat.postMessage', posted, 3);
    slack('chat.delete', (args) => ({ ok: true, channel: args.channel, ts: args.ts }), 2);
    await sender.update(address, '1764000001.000001', markdownReply('done'), message());
    const long = ReplySchema.parse({
      v: REPLY_VERSION,
      text: 'long',
      blocks: Array.from({ length: 60 }, (_v, index) => ({ type: 'markdown', text: `part ${index}` })),
    });
    const grown = await sender.update(address, '1764000001.000001', long, message());
    expect(grown?.platformMessageId?.split(',')).toHaveLength(2);
    const shrunk = await sender.update(
      address,
      '1764000001.000001,1764000001.000002,1764000001.000003',
      markdownReply('short'),
      message(),
    );
    expect(shrunk?.platformMessageId).toBe('1764000001.000001');
    expect(calls.map((call) => call.method)).toEqual([
      'chat.update',
      'chat.update',
      'chat.postMessage',
      'chat.update',
      'chat.delete',
      'chat.delete',
    ]);
  });

  it('sends ephemeral replies to one person, and direct messages through conversations.open', async () => {
    slack('chat.postEphemeral', { ok: true, message_ts: '1764000002.000001' });
    slack('conversations.open', { ok: true, channel: { id: 'D0ALICE0001' } });
    slack('chat.postMessage', posted);
    const ephemeral = {
      ...markdownReply('only you'),
      visibility: 'ephemeral' as const,
      ephemeralUser: 'U0ALICE0001',
    };
    expect(await sender.send(address, ephemeral, message())).toEqual({ platformMessageId: null });
    await sender.notifyUser(
      { tenantId: TEAM, userId: 'U0BOB000001' },
      REPLY_FIXTURES.approvalPending as never,
    );
    expect(calls[0]?.args).toMatchObject({ channel: CHANNEL, user: 'U0ALICE0001', thread_ts: THREAD });
    expect(calls[1]?.args).toMatchObject({ users: 'U0BOB000001' });
    expect(calls[2]?.args.channel).toBe('D0ALICE0001');
    expect(String(calls[2]?.args.blocks)).toContain('"block_id":"chatops.direct.1"');
  });

  it('uploads generated files through the external upload flow', async () => {
    slack('chat.postMessage', posted);
    slack('files.getUploadURLExternal', {
      ok: true,
      upload_url: 'https://files.slack.com/upload/v1/abc',
      file_id: 'F0123ABCDEF',
    });
    const upload = nock('https://files.slack.com').post('/upload/v1/abc').reply(200, 'OK - 3');
    slack('files.completeUploadExternal', {
      ok: true,
      files: [{ id: 'F0123ABCDEF', title: 'generated.bin' }],
    });
    await sender.send(address, REPLY_FIXTURES.media as never, message());
    expect(upload.isDone()).toBe(true);
    const complete = calls.find((call) => call.method === 'files.completeUploadExternal');
    expect(complete?.args).toMatchObject({ channel_id: CHANNEL, thread_ts: THREAD });
    expect(JSON.parse(String(complete?.args.files))).toEqual([{ id: 'F0123ABCDEF', title: 'generated.bin' }]);
    expect(calls.find((call) => call.method === 'files.getUploadURLExternal')?.args).toEqual({
      filename: 'generated.bin',
      length: '3',
    });
  });

  it('in an assistant thread, shows progress as the status line and streams a long answer', async () => {
    const assistant = { ...address, ref: { ...address.ref, assistantThread: true } };
    slack('assistant.threads.setStatus', { ok: true }, 2);
    slack('chat.startStream', (args) => ({ ok: true, channel: args.channel, ts: '1764000003.000001' }));
    slack('chat.appendStream', (args) => ({ ok: true, channel: args.channel, ts: args.ts }), 5);
    slack('chat.stopStream', (args) => ({ ok: true, channel: args.channel, ts: args.ts }));
    const progress = ReplySchema.parse({
      v: REPLY_VERSION,
      text: 'x',
      blocks: [{ type: 'progress', step: 'Searching', percent: 20 }],
    });
    const status = await sender.send(assistant, progress, message());
    expect(status.platformMessageId).toBe(`status:${THREAD}`);
    await sender.update(assistant, `status:${THREAD}`, progress, message());
    const long = ReplySchema.parse({
      v: REPLY_VERSION,
      text: 'answer',
      blocks: [
        { type: 'markdown', text: `${'A long answer <!channel>. '.repeat(300)}` },
        { type: 'context', text: 'Answered by Claude' },
      ],
      feedback: true,
    });
    const moved = await sender.update(assistant, `status:${THREAD}`, long, message());
    expect(moved?.platformMessageId).toBe('1764000003.000001');
    const methods = calls.map((call) => call.method);
    expect(methods.slice(0, 3)).toEqual([
      'assistant.threads.setStatus',
      'assistant.threads.setStatus',
      'chat.startStream',
    ]);
    expect(methods.at(-1)).toBe('chat.stopStream');
    expect(methods.slice(3, -1).every((method) => method === 'chat.appendStream')).toBe(true);
    expect(methods.length).toBeGreaterThan(4);
    expect(calls[0]?.args).toEqual({ channel_id: CHANNEL, thread_ts: THREAD, status: 'Searching (20%)' });
    const streamed = calls
      .slice(2, -1)
      .map((call) => call.args.markdown_text)
      .join('');
    expect(streamed).not.toContain('<!channel>');
    expect(streamed).toContain('A long answer &lt;!channel&gt;.');
    expect(String(calls.at(-1)?.args.blocks)).toContain('feedback.up');
  });

  it('maps 429 to RATE_LIMITED with Slack’s Retry-After, and closes that channel until then', async () => {
    slack('chat.postMessage', { ok: false, error: 'ratelimited' }, 1, 429, { 'retry-after': '7' });
    const failure = await sender
      .send(address, markdownReply('hi'), message())
      .catch((error: unknown) => error);
    expect(isChatOpsError(failure) && failure.code).toBe('RATE_LIMITED');
    expect(isChatOpsError(failure) && failure.details.retryAfterMs).toBe(7000);
    const waiting = await sender
      .send(address, markdownReply('next'), message())
      .catch((error: unknown) => error);
    expect(isChatOpsError(waiting) && waiting.details.retryAfterMs).toBe(7000);
    expect(await pacer.reserve(`slack.${TEAM}.C0OTHER0001`, 1000, 3000)).toEqual({
      waitMs: 0,
      reserved: true,
    });
  });

  it('says what to do when the bot is not in the channel', async () => {
    slack('chat.postMessage', { ok: false, error: 'not_in_channel' });
    const failure = await sender
      .send({ ...address, ref: { teamId: TEAM } }, markdownReply('hi'), message())
      .catch((e: unknown) => e);
    expect(isChatOpsError(failure) && failure.code).toBe('FORBIDDEN');
    expect(isChatOpsError(failure) && failure.remedy).toMatch(/invite/i);
  });

  it('lists channel members over every page, and caches them briefly', async () => {
    let page = 0;
    slack(
      'conversations.members',
      () => {
        page += 1;
        return page === 1
          ? {
              ok: true,
              members: ['U0ALICE0001', 'U0BOB000001'],
              response_metadata: { next_cursor: 'dXNlcjpVMEc5V0ZYTlo=' },
            }
          : { ok: true, members: ['U0CAROL0001'], response_metadata: { next_cursor: '' } };
      },
      2,
    );
    const members = new SlackChannelMembers(clients, silentLogger);
    expect(await members.members(TEAM, 'slack', CHANNEL)).toEqual([
      'U0ALICE0001',
      'U0BOB000001',
      'U0CAROL0001',
    ]);
    expect(await members.members(TEAM, 'slack', CHANNEL)).toHaveLength(3);
    expect(calls.map((call) => call.args.cursor ?? null)).toEqual([null, 'dXNlcjpVMEc5V0ZYTlo=']);
    expect(await members.members(TEAM, 'teams', CHANNEL)).toBeNull();
  });

  it('looks people up once (users.info) and publishes the App Home (views.publish)', async () => {
    slack('users.info', {
      ok: true,
      user: {
        id: 'U0ALICE0001',
        name: 'alice',
        real_name: 'Alice Example',
        profile: { display_name: 'alice.e' },
      },
    });
    slack('views.publish', { ok: true, view: { id: 'V0123ABCDEF' } });
    const remembered: string[] = [];
    const names = new SlackUserNames(
      clients,
      { remember: async (person) => void remembered.push(person.name) },
      silentLogger,
    );
    expect(
      await Promise.all([names.resolve(TEAM, 'U0ALICE0001'), names.resolve(TEAM, 'U0ALICE0001')]),
    ).toEqual(['alice.e', 'alice.e']);
    expect(names.cached(TEAM, 'U0ALICE0001')).toBe('alice.e');
    expect(remembered).toEqual(['alice.e']);
    const home = new AppHome(
      {
        commands: ['help', 'approvals'],
        tasks: { recentFor: async () => [] },
        approvals: {
          pendingFor: async () => [
            {
              approvalId: 'a1',
              title: 'Deploy <!channel>',
              requestedBy: 'U0BOB000001',
              channel: CHANNEL,
              thread: THREAD,
              createdAt: '2026-12-02T10:00:00Z',
              expiresAt: '2026-12-02T11:00:00Z',
              approvalsGiven: 0,
              approvalsRequired: 1,
            },
          ],
        },
        schedules: {
          list: async () => [],
          upsert: async () => {
            throw new Error('unused');
          },
          remove: async () => false,
        },
      },
      clients,
      silentLogger,
    );
    await home.publish(TEAM, 'U0ALICE0001');
    const view = JSON.parse(String(calls.find((call) => call.method === 'views.publish')?.args.view));
    expect(JSON.stringify(view)).toContain('Deploy &lt;!channel&gt;');
    expect(JSON.stringify(view)).toContain('<@U0BOB000001>');
    expect(JSON.stringify(view)).toContain('No schedules yet');
  });
});
