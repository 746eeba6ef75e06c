import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackClients } from '../../adapters/slack/clients.ts';
import { ChannelPacing } from '../../adapters/slack/pacing.ts';
import { SlackSender } from '../../adapters/slack/sender.ts';
import type { TeamsContact, TeamsContacts } from '../../adapters/teams/ports.ts';
import { TeamsSender } from '../../adapters/teams/sender.ts';
import type { TeamsSettings } from '../../adapters/teams/settings.ts';
import { type DeliveryMarker, markdownReply, type ReplyAddress, type Sender } from '../../src/core/index.ts';
import { sendOutcomeOf } from '../../src/digests/digest-delivery.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { REPLY_FIXTURES } from '../fixtures/replies.ts';
import { BOT_TOKEN, TEAM } from '../fixtures/slack/payloads.ts';
import { APP_ID, CHANNEL_ID, TENANT_ID } from '../fixtures/teams/activities.ts';
import { contractNock, validateJsonSchema } from '../support/contract/index.ts';
import { MemoryPacer } from '../support/memory-slack-ports.ts';
import { registerNewerSlackMethods } from '../support/slack-methods.ts';
import { grantBotTokens } from '../support/teams-identity.ts';

// The calls digests add, held to the vendors' specs: Slack's chat.postMessage with message metadata (one
// attempt, no client retries) and conversations.history with include_all_metadata (how a post whose answer
// was lost is found); the Bot Connector's CreateConversation for a post at the top of a Teams channel that
// never spoke to the bot. The Connector has no operation that reads a conversation's messages.
const API = 'https://slack.com/api';
const CHANNEL = 'C0DIGEST001';
const MARKER: DeliveryMarker = { type: 'chatops_digest', key: 'dg-k2p9xq/2026-12-08T08:00:00.000Z' };
const outbound = {
  id: '01900000-0000-7000-8000-0000000000dd',
  taskId: 't-digest',
  skill: 'digest',
  createdAt: new Date(),
  marker: MARKER,
};
const slackAddress: ReplyAddress = { platform: 'slack', tenantId: TEAM, channel: CHANNEL, thread: CHANNEL };

// biome-ignore lint/suspicious/noExplicitAny: tests read form arguments field by field
type Args = Record<string, any>;

describe('Slack calls of digests (contract)', () => {
  let sender: SlackSender;
  let calls: { method: string; args: Args }[];

  beforeEach(() => {
    registerNewerSlackMethods();
    calls = [];
    const clients = new SlackClients({
      apiUrl: `${API}/`,
      botToken: BOT_TOKEN,
      installations: undefined,
      log: silentLogger,
      retries: 2,
    });
    sender = new SlackSender({
      clients,
      pacing: new ChannelPacing(new MemoryPacer(), 0, async () => {}),
      log: silentLogger,
    });
  });
  afterEach(() => {
    nock.cleanAll();
  });

  function slack(method: string, status: number, body: object | ((args: Args) => object), times = 1) {
    const scope = contractNock('slack-web', API);
    scope.on('request', (request: Request, _interceptor: unknown, raw: string) => {
      if (!request.url.endsWith(`/${method}`)) return;
      calls.push({ method, args: Object.fromEntries(new URLSearchParams(raw)) });
    });
    scope
      .post(`/${method}`)
      .times(times)
      .reply(status, () => (typeof body === 'function' ? body(calls.at(-1)?.args ?? {}) : body));
  }

  it('posts a digest with its marker as message metadata, at the top of the channel', async () => {
    slack('chat.postMessage', 200, (args) => ({
      ok: true,
      channel: args.channel,
      ts: '1796716800.000100',
      message: { type: 'message', text: String(args.text), ts: '1796716800.000100' },
    }));
    const sent = await sender.send(slackAddress, markdownReply('Approvals digest: 2 waiting'), outbound);
    expect(sent).toEqual({ platformMessageId: '1796716800.000100' });
    expect(calls[0]?.args.thread_ts).toBeUndefined();
    expect(JSON.parse(calls[0]?.args.metadata)).toEqual({
      event_type: 'chatops_digest',
      event_payload: { key: MARKER.key, part: 0 },
    });
  });

  it('makes one attempt only: a 500 is not retried by the client, and its outcome is unknown', async () => {
    slack('chat.postMessage', 500, { ok: false, error: 'internal_error' }, 3);
    const failed = await sender.send(slackAddress, markdownReply('digest'), outbound).catch((error) => error);
    expect(calls.filter((call) => call.method === 'chat.postMessage')).toHaveLength(1);
    expect(sendOutcomeOf(failed)).toBe('unknown');
    nock.cleanAll();
    // Slack refusing the post (it answered) means it is surely not in the channel.
    slack('chat.postMessage', 200, { ok: false, error: 'channel_not_found' });
    const refused = await sender
      .send(slackAddress, markdownReply('digest'), outbound)
      .catch((error) => error);
    expect(refused).toMatchObject({ code: 'NOT_FOUND' });
    expect(sendOutcomeOf(refused)).toBe('not-sent');
  });

  it('finds a marked post in conversations.history, reading metadata since the send started', async () => {
    const since = new Date('2026-12-08T08:00:00Z');
    slack('conversations.history', 200, {
      ok: true,
      messages: [
        {
          type: 'message',
          user: 'U0BOTUSER01',
          bot_id: 'B0CHATOPS01',
          text: 'Approvals digest: 2 waiting',
          ts: '1796716800.000100',
          metadata: { event_type: 'chatops_digest', event_payload: { key: MARKER.key, part: 0 } },
        },
        { type: 'message', user: 'U0ALICE0001', text: 'morning all', ts: '1796716790.000200' },
      ],
      has_more: false,
      pin_count: 0,
      channel_actions_ts: null,
      channel_actions_count: 0,
      response_metadata: { next_cursor: '' },
    });
    expect(await sender.findMarked(slackAddress, MARKER, since)).toEqual({
      found: true,
      platformMessageId: '1796716800.000100',
    });
    expect(calls[0]?.args).toEqual({
      channel: CHANNEL,
      oldest: '1796716800.000000',
      limit: '200',
      include_all_metadata: 'true',
    });
    nock.cleanAll();
    slack('conversations.history', 200, {
      ok: true,
      messages: [{ type: 'message', user: 'U0ALICE0001', text: 'nothing here', ts: '1796716790.000200' }],
      has_more: false,
      pin_count: 0,
      channel_actions_ts: null,
      channel_actions_count: 0,
    });
    expect(await sender.findMarked(slackAddress, MARKER, since)).toEqual({ found: false });
  });

  it('says when the channel cannot be read back, so the post is held rather than sent twice', async () => {
    slack('conversations.history', 200, { ok: false, error: 'channel_not_found' });
    expect(await sender.findMarked(slackAddress, MARKER, new Date())).toMatchObject({ found: 'unsupported' });
  });
});

const TEAMS_SETTINGS: TeamsSettings = {
  credentials: { appId: APP_ID, appPassword: 'fake-client-secret-value', tenantId: undefined },
  allowedTenants: undefined,
  cloud: 'Public',
  serviceHosts: ['smba.trafficmanager.net', '*.botframework.com'],
  defaultServiceUrl: 'https://smba.trafficmanager.net/teams/',
  loginEndpoint: undefined,
  openIdMetadataUrl: undefined,
};

class RegionContacts implements TeamsContacts {
  async remember(_contact: TeamsContact) {}
  async find() {
    return null;
  }
  async serviceUrlOf(tenantId: string) {
    return tenantId === TENANT_ID ? 'https://smba.trafficmanager.net/emea/' : null;
  }
}

describe('Teams calls of digests (contract)', () => {
  const bodies: { path: string; body: Args }[] = [];
  const teamsAddress: ReplyAddress = {
    platform: 'teams',
    tenantId: TENANT_ID,
    channel: CHANNEL_ID,
    thread: CHANNEL_ID,
  };

  beforeEach(() => {
    grantBotTokens();
    bodies.length = 0;
  });
  afterEach(() => {
    nock.cleanAll();
  });

  function connector(base: string) {
    const scope = contractNock('botframework-connector', base);
    scope.on('request', (request: Request, _interceptor: unknown, body: string) => {
      bodies.push({
        path: decodeURIComponent(new URL(request.url).pathname),
        body: body ? JSON.parse(body) : null,
      });
    });
    return scope;
  }

  it('starts a thread at the top of a channel that never spoke to the bot, in its tenant’s region', async () => {
    connector('https://smba.trafficmanager.net/emea')
      .post('/v3/conversations')
      .reply(200, { id: `${CHANNEL_ID};messageid=1796716800123`, activityId: '1796716800123' });
    const sender = new TeamsSender({
      settings: TEAMS_SETTINGS,
      log: silentLogger,
      contacts: new RegionContacts(),
    });
    const sent = await sender.send(teamsAddress, REPLY_FIXTURES.fieldsAndTable as never, outbound);
    expect(sent).toEqual({ platformMessageId: '1796716800123' });
    const [created] = bodies;
    expect(created?.body).toMatchObject({
      isGroup: true,
      bot: { id: `28:${APP_ID}` },
      tenantId: TENANT_ID,
      channelData: { channel: { id: CHANNEL_ID }, tenant: { id: TENANT_ID } },
      activity: { type: 'message' },
    });
    expect(validateJsonSchema('adaptive-card-1.5', created?.body.activity.attachments[0].content)).toEqual(
      [],
    );
  });

  it('posts the rest of a long digest into the thread it started', async () => {
    const scope = connector('https://smba.trafficmanager.net/teams');
    scope
      .post('/v3/conversations')
      .reply(200, { id: `${CHANNEL_ID};messageid=1796716800200`, activityId: '1796716800200' });
    scope
      .post(`/v3/conversations/${CHANNEL_ID};messageid=1796716800200/activities`)
      .times(20)
      .reply(200, { id: '1796716800201' });
    const sender = new TeamsSender({ settings: TEAMS_SETTINGS, log: silentLogger });
    const sent = await sender.send(teamsAddress, REPLY_FIXTURES.large as never, outbound);
    expect(sent.platformMessageId?.split(',')[0]).toBe('1796716800200');
    expect(bodies.length).toBeGreaterThan(1);
    expect(
      bodies
        .slice(1)
        .every((entry) => entry.path.endsWith(`${CHANNEL_ID};messageid=1796716800200/activities`)),
    ).toBe(true);
  });

  it('makes one attempt: a gateway error leaves the outcome unknown, a refusal means not sent', async () => {
    const sender = new TeamsSender({ settings: TEAMS_SETTINGS, log: silentLogger });
    connector('https://smba.trafficmanager.net/teams')
      .post('/v3/conversations')
      .times(3)
      .reply(502, {
        error: { code: 'BadGateway', message: 'upstream timed out' },
      });
    const unknown = await sender
      .send(teamsAddress, markdownReply('digest'), outbound)
      .catch((error) => error);
    expect(bodies).toHaveLength(1);
    expect(sendOutcomeOf(unknown)).toBe('unknown');
    nock.cleanAll();
    grantBotTokens();
    connector('https://smba.trafficmanager.net/teams')
      .post('/v3/conversations')
      .reply(403, {
        error: {
          code: 'BotNotInConversationRoster',
          message: 'The bot is not part of the conversation roster.',
        },
      });
    const refused = await sender
      .send(teamsAddress, markdownReply('digest'), outbound)
      .catch((error) => error);
    expect(refused).toMatchObject({ code: 'FORBIDDEN' });
    expect(sendOutcomeOf(refused)).toBe('not-sent');
    // The Connector cannot read a conversation back: the sender offers no lookup, and digests hold instead.
    expect((sender as Sender).findMarked).toBeUndefined();
  });
});
