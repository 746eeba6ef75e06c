import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TeamsContact, TeamsContacts } from '../../adapters/teams/ports.ts';
import { renderMessageActivities } from '../../adapters/teams/render.ts';
import { TeamsSender } from '../../adapters/teams/sender.ts';
import type { TeamsSettings } from '../../adapters/teams/settings.ts';
import { markdownReply, type ReplyAddress } from '../../src/core/index.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { REPLY_FIXTURES } from '../fixtures/replies.ts';
import {
  ALICE,
  APP_ID,
  BOT_ID,
  CHANNEL_ID,
  PERSONAL_ID,
  SERVICE_URL,
  TENANT_ID,
} from '../fixtures/teams/activities.ts';
import { contractNock, validateJsonSchema } from '../support/contract/index.ts';
import { grantBotTokens } from '../support/teams-identity.ts';

const SETTINGS: TeamsSettings = {
  credentials: { appId: APP_ID, appPassword: 'fake-client-secret-value', tenantId: undefined },
  allowedTenants: undefined,
  cloud: 'Public',
  serviceHosts: ['smba.trafficmanager.net', '*.botframework.com'],
  defaultServiceUrl: 'https://smba.trafficmanager.net/teams/',
  loginEndpoint: undefined,
  openIdMetadataUrl: undefined,
};

const BASE = SERVICE_URL.replace(/\/$/, '');
const THREAD = '1763900000500';
const CHANNEL_ADDRESS: ReplyAddress = {
  platform: 'teams',
  tenantId: TENANT_ID,
  channel: CHANNEL_ID,
  thread: THREAD,
  ref: {
    serviceUrl: SERVICE_URL,
    conversationId: `${CHANNEL_ID};messageid=${THREAD}`,
    conversationType: 'channel',
    botId: BOT_ID,
    tenantId: TENANT_ID,
  },
};
const OUTBOUND = {
  id: '01900000-0000-7000-8000-0000000000cc',
  taskId: 't-1',
  skill: 'status',
  createdAt: new Date(),
};

class MemoryContacts implements TeamsContacts {
  readonly rows = new Map<string, TeamsContact>();
  async remember(contact: TeamsContact) {
    const known = this.rows.get(`${contact.tenantId} ${contact.userId}`);
    this.rows.set(`${contact.tenantId} ${contact.userId}`, {
      ...contact,
      personalConversationId: contact.personalConversationId ?? known?.personalConversationId ?? null,
    });
  }
  async find(tenantId: string, userId: string) {
    return this.rows.get(`${tenantId} ${userId}`) ?? null;
  }
}

// Every call the sender makes is held to the Connector spec (paths, bodies) and every card to AC 1.5.
describe('Teams sender against the Bot Connector spec', () => {
  let contacts: MemoryContacts;
  let sender: TeamsSender;
  const bodies: { method: string; path: string; body: unknown; authorization: string | null }[] = [];

  beforeEach(() => {
    grantBotTokens();
    contacts = new MemoryContacts();
    sender = new TeamsSender({ settings: SETTINGS, log: silentLogger, contacts });
    bodies.length = 0;
  });
  afterEach(() => {
    nock.cleanAll();
  });

  function connector(base = BASE) {
    const scope = contractNock('botframework-connector', base);
    scope.on('request', (request: Request, _interceptor: unknown, body: string) => {
      bodies.push({
        method: request.method,
        path: decodeURIComponent(new URL(request.url).pathname),
        body: body ? JSON.parse(body) : null,
        authorization: request.headers.get('authorization'),
      });
    });
    return scope;
  }

  it('posts every reply fixture into the reply chain as a valid Adaptive Card', async () => {
    const fixtures = Object.values(REPLY_FIXTURES).filter((reply) => reply !== REPLY_FIXTURES.large);
    connector()
      .post(`/v3/conversations/${CHANNEL_ID};messageid=${THREAD}/activities`)
      .times(fixtures.length)
      .reply(200, { id: '1763900000501' });
    for (const reply of fixtures) {
      expect(await sender.send(CHANNEL_ADDRESS, reply, OUTBOUND)).toEqual({
        platformMessageId: '1763900000501',
      });
    }
    expect(bodies).toHaveLength(fixtures.length);
    for (const { body, authorization } of bodies) {
      expect(authorization).toBe('Bearer fake-bot-token');
      const card = (body as { attachments: { content: unknown }[] }).attachments[0]?.content;
      expect(validateJsonSchema('adaptive-card-1.5', card)).toEqual([]);
    }
  });

  it('sends a reply too large for one card as several cards, and shrinks it again with PUT and DELETE', async () => {
    const path = `/v3/conversations/${CHANNEL_ID};messageid=${THREAD}/activities`;
    const count = renderMessageActivities(REPLY_FIXTURES.large as never, OUTBOUND.id).length;
    expect(count).toBeGreaterThan(1);
    for (let part = 1; part <= count; part += 1)
      connector()
        .post(path)
        .reply(200, { id: String(1763900000600 + part) });
    const sent = await sender.send(CHANNEL_ADDRESS, REPLY_FIXTURES.large as never, OUTBOUND);
    const ids = String(sent.platformMessageId).split(',');
    expect(ids).toHaveLength(count);
    const rows = bodies.map(
      (entry) =>
        JSON.stringify((entry.body as { attachments: { content: unknown }[] }).attachments[0]?.content).match(
          /OPS-\d+/g,
        )?.length,
    );
    // Every one of the 400 rows arrives, in order, each card under Teams' size limit.
    expect(rows.reduce((sum, count) => (sum ?? 0) + (count ?? 0), 0)).toBe(400);
    for (const { body } of bodies) expect(JSON.stringify(body).length).toBeLessThan(28_000);
    for (const { body } of bodies) {
      expect(
        validateJsonSchema(
          'adaptive-card-1.5',
          (body as { attachments: { content: unknown }[] }).attachments[0]?.content,
        ),
      ).toEqual([]);
    }
    bodies.length = 0;
    connector().put(`${path}/${ids[0]}`).reply(200, { id: ids[0] });
    for (const extra of ids.slice(1)) connector().delete(`${path}/${extra}`).reply(200);
    const shrunk = await sender.update(CHANNEL_ADDRESS, ids.join(','), markdownReply('Done'), OUTBOUND);
    expect(shrunk).toEqual({ platformMessageId: ids[0] });
    expect(bodies.map((entry) => entry.method)).toEqual(['PUT', ...ids.slice(1).map(() => 'DELETE')]);
  });

  it('replaces a message in place with PUT on its activity id', async () => {
    connector()
      .put(`/v3/conversations/${CHANNEL_ID};messageid=${THREAD}/activities/1763900000501`)
      .reply(200, { id: '1763900000501' });
    await sender.update(CHANNEL_ADDRESS, '1763900000501', markdownReply('Done'), OUTBOUND);
    expect(bodies[0]).toMatchObject({ method: 'PUT', body: { type: 'message', id: '1763900000501' } });
  });

  it('opens a 1:1 chat for a direct message once, then reuses it', async () => {
    await contacts.remember({
      tenantId: TENANT_ID,
      userId: ALICE.aadObjectId,
      teamsUserId: ALICE.id,
      serviceUrl: SERVICE_URL,
      botId: BOT_ID,
      personalConversationId: null,
    });
    connector()
      .post('/v3/conversations')
      .reply(200, { id: PERSONAL_ID, activityId: '', serviceUrl: SERVICE_URL });
    connector()
      .post(`/v3/conversations/${PERSONAL_ID}/activities`)
      .times(2)
      .reply(200, { id: '1763900000601' });
    const approval = REPLY_FIXTURES.approvalPending;
    await sender.notifyUser?.({ tenantId: TENANT_ID, userId: ALICE.aadObjectId }, approval as never);
    await sender.notifyUser?.({ tenantId: TENANT_ID, userId: ALICE.aadObjectId }, approval as never);
    expect(bodies.map((call) => `${call.method} ${call.path}`)).toEqual([
      'POST /emea/v3/conversations',
      `POST /emea/v3/conversations/${PERSONAL_ID}/activities`,
      `POST /emea/v3/conversations/${PERSONAL_ID}/activities`,
    ]);
    expect(bodies[0]?.body).toMatchObject({
      isGroup: false,
      bot: { id: BOT_ID },
      members: [{ id: ALICE.id }],
      tenantId: TENANT_ID,
    });
    // Approvers can decide from the 1:1 chat: the buttons carry the approval id.
    const card = JSON.stringify(bodies[1]?.body);
    expect(card).toContain('"verb":"approval.approve"');
    expect(card).toContain('"messageId":"direct","value":"appr-0001"');
  });

  it('cannot write to someone the bot never met, and says how to fix it', async () => {
    await expect(
      sender.notifyUser?.({ tenantId: TENANT_ID, userId: 'nobody' }, markdownReply('hi')),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
      remedy: expect.stringContaining('message the bot once'),
    });
  });

  it('sends an ephemeral reply in a channel to the person privately', async () => {
    await contacts.remember({
      tenantId: TENANT_ID,
      userId: ALICE.aadObjectId,
      teamsUserId: ALICE.id,
      serviceUrl: SERVICE_URL,
      botId: BOT_ID,
      personalConversationId: PERSONAL_ID,
    });
    connector().post(`/v3/conversations/${PERSONAL_ID}/activities`).reply(200, { id: '1763900000701' });
    const reply = {
      ...markdownReply('Only for you'),
      visibility: 'ephemeral' as const,
      ephemeralUser: ALICE.aadObjectId,
    };
    expect(await sender.send(CHANNEL_ADDRESS, reply, OUTBOUND)).toEqual({ platformMessageId: null });
    expect(bodies).toHaveLength(1);
  });

  it('posts where the bot was never spoken to (schedules, MCP requests) through the default service URL', async () => {
    // A post at the top of a channel starts a thread there: the Connector's CreateConversation.
    connector('https://smba.trafficmanager.net/teams')
      .post('/v3/conversations')
      .reply(200, { id: `${CHANNEL_ID};messageid=1`, activityId: '1' });
    const address: ReplyAddress = {
      platform: 'teams',
      tenantId: TENANT_ID,
      channel: CHANNEL_ID,
      thread: CHANNEL_ID,
    };
    expect(await sender.send(address, markdownReply('Daily digest'), OUTBOUND)).toEqual({
      platformMessageId: '1',
    });
  });

  it('never sends its token to a serviceUrl outside the allowed hosts', async () => {
    const address = {
      ...CHANNEL_ADDRESS,
      ref: { ...CHANNEL_ADDRESS.ref, serviceUrl: 'https://collector.evil.example/' },
    };
    await expect(sender.send(address, markdownReply('x'), OUTBOUND)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('asks a single-tenant registration for tokens from its own tenant', async () => {
    nock.cleanAll();
    grantBotTokens(TENANT_ID);
    const single = new TeamsSender({
      settings: {
        ...SETTINGS,
        credentials: { appId: APP_ID, appPassword: 'fake-client-secret-value', tenantId: TENANT_ID },
      },
      log: silentLogger,
    });
    connector()
      .post(`/v3/conversations/${CHANNEL_ID};messageid=${THREAD}/activities`)
      .reply(200, { id: '2' });
    expect(await single.send(CHANNEL_ADDRESS, markdownReply('hi'), OUTBOUND)).toEqual({
      platformMessageId: '2',
    });
  });

  it('falls back to an ordinary message where Teams refuses to stream', async () => {
    const personal: ReplyAddress = {
      ...CHANNEL_ADDRESS,
      channel: PERSONAL_ID,
      thread: PERSONAL_ID,
      ref: { ...CHANNEL_ADDRESS.ref, conversationId: PERSONAL_ID, conversationType: 'personal' },
    };
    connector()
      .post(`/v3/conversations/${PERSONAL_ID}/activities`, (body: { type: string }) => body.type === 'typing')
      .reply(403, { error: { code: 'BadArgument', message: 'Streaming API is not allowed for this bot' } });
    connector()
      .post(
        `/v3/conversations/${PERSONAL_ID}/activities`,
        (body: { type: string }) => body.type === 'message',
      )
      .reply(200, { id: '1763900000801' });
    const progress = REPLY_FIXTURES.progress;
    expect(await sender.send(personal, progress as never, OUTBOUND)).toEqual({
      platformMessageId: '1763900000801',
    });
    expect(bodies.map((call) => (call.body as { type: string }).type)).toEqual(['typing', 'message']);
  });

  it('turns a 429 into a RATE_LIMITED error carrying Retry-After', async () => {
    connector()
      .post(`/v3/conversations/${CHANNEL_ID};messageid=${THREAD}/activities`)
      .reply(429, { error: { code: 'Throttled', message: 'slow down' } }, { 'Retry-After': '3' });
    await expect(sender.send(CHANNEL_ADDRESS, markdownReply('x'), OUTBOUND)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      details: { retryAfterMs: 3000 },
    });
  });
});
