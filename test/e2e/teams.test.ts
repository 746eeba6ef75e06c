import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, CHANNEL_ID, channelMention } from '../fixtures/teams/activities.ts';
import { ChatopsProcesses } from '../support/chatops-processes.ts';
import { validateJsonSchema, validateSpecRequest } from '../support/contract/index.ts';
import {
  FAKE_BOT_TOKEN,
  type FakeBotFramework,
  startFakeBotFramework,
} from '../support/fake-bot-framework.ts';
import {
  clearRedisPrefix,
  createMigratedDatabase,
  eventually,
  REDIS_URL,
  type TestDatabase,
  uniqueName,
} from '../support/services.ts';
import { signingKey, signToken } from '../support/teams-identity.ts';

// Real `chatops gateway` and `chatops worker` processes on PostgreSQL and Redis, with the Microsoft side on
// 127.0.0.1: a Teams activity POSTed to /api/messages, signed like the Bot Connector signs it, comes back
// as exactly one reply in the right conversation and reply chain, signed with the bot's own token.
describe('Teams end to end: gateway and worker processes, a fake Bot Connector', () => {
  const key = signingKey();
  const processes = new ChatopsProcesses();
  const output = processes.output;
  let database: TestDatabase;
  let microsoft: FakeBotFramework;
  let gatewayUrl: string;
  const prefix = uniqueName('teams');

  beforeAll(async () => {
    database = await createMigratedDatabase();
    microsoft = await startFakeBotFramework(key);
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      TEAMS_APP_ID: APP_ID,
      TEAMS_APP_PASSWORD: 'fake-client-secret-value',
      TEAMS_LOGIN_ENDPOINT: microsoft.origin,
      TEAMS_OPENID_METADATA_URL: microsoft.openIdMetadataUrl,
      TEAMS_SERVICE_HOSTS: new URL(microsoft.origin).host,
    };
    gatewayUrl = await processes.startGatewayAndWorker(env);
  });

  afterAll(async () => {
    await processes.stopAll();
    await microsoft?.close();
    await clearRedisPrefix(prefix);
    await database?.drop();
  });

  it('delivers one reply, in the right conversation and reply chain, checked against the Connector spec', async () => {
    const root = '1763970000001';
    const activity = channelMention({ text: 'status', id: root, serviceUrl: microsoft.serviceUrl });
    const token = signToken(key, { serviceurl: microsoft.serviceUrl });
    const post = (body: unknown, authorization: string) =>
      fetch(`${gatewayUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify(body),
      });

    expect((await post(activity, 'Bearer not-a-token')).status).toBe(401);
    const accepted = await post(activity, `Bearer ${token}`);
    expect(accepted.status, output.join('\n')).toBe(200);
    // Teams retries deliveries it is unsure about: the same activity again changes nothing.
    expect((await post(activity, `Bearer ${token}`)).status).toBe(200);

    const [reply] = await eventually(
      async () => (microsoft.received.length > 0 ? microsoft.received : null),
      30_000,
      'the reply at the fake Bot Connector',
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(microsoft.received, output.join('\n')).toHaveLength(1);
    expect(reply).toMatchObject({
      method: 'POST',
      conversationId: `${CHANNEL_ID};messageid=${root}`,
      activityId: null,
      authorization: `Bearer ${FAKE_BOT_TOKEN}`,
    });
    expect(reply?.contentType).toMatch(/^application\/json/);
    expect(
      await validateSpecRequest('botframework-connector', {
        method: 'POST',
        path: reply?.path ?? '',
        body: reply?.body,
      }),
    ).toEqual([]);
    const card = reply?.body.attachments[0].content;
    expect(validateJsonSchema('adaptive-card-1.5', card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('status.refresh');
    expect(microsoft.tokensIssued).toBe(1);
  });
});
