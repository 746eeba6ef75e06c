import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, channelMention, SERVICE_URL, TENANT_ID } from '../fixtures/teams/activities.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { publishKeys, signingKey, signToken } from '../support/teams-identity.ts';

const TEAMS_ENV = {
  TEAMS_APP_ID: APP_ID,
  TEAMS_APP_PASSWORD: 'fake-client-secret-value',
};

// Inbound JWT validation at POST /api/messages: each bad token is refused with 401 and nothing is recorded
// or queued; a good one is recorded and queued once.
describe('Teams receiver: Bot Framework token checks', () => {
  let harness: Harness;
  const key = signingKey();
  const stranger = signingKey();

  beforeAll(async () => {
    harness = await startHarness({ worker: false, env: TEAMS_ENV });
  });
  afterAll(async () => {
    await harness?.close();
  });
  afterEach(() => {
    nock.cleanAll();
  });

  async function post(activity: Record<string, unknown>, token: string | null) {
    return harness.request(
      'POST',
      '/api/messages',
      activity,
      token === null ? {} : { authorization: `Bearer ${token}` },
    );
  }

  async function recorded(): Promise<number> {
    const [row] = await harness.runtime.database.sql<{ count: string }>(
      `select count(*) as count from tasks where platform = 'teams'`,
    );
    return Number(row?.count ?? 0);
  }

  async function queued(): Promise<number> {
    const counts = await harness.runtime.queue.queue.getJobCounts('waiting', 'delayed', 'prioritized');
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  const refusals: [string, () => string | null, Record<string, unknown>?][] = [
    ['no Authorization header', () => null],
    ['a wrong audience', () => signToken(key, { aud: '11111111-2222-4333-8444-555555555555' })],
    ['a wrong issuer', () => signToken(key, { iss: 'https://api.botframework.example' })],
    [
      'an Entra issuer (agentic tokens skip the serviceUrl check)',
      () => signToken(key, { iss: `https://login.microsoftonline.com/${TENANT_ID}/v2.0` }),
    ],
    ['an expiry beyond the 5-minute clock skew', () => signToken(key, { expiresIn: -360, issuedAgo: 3960 })],
    ['a key the Bot Framework does not publish', () => signToken(stranger)],
    [
      'a serviceurl claim that does not match the activity',
      () => signToken(key, { serviceurl: 'https://smba.trafficmanager.net/amer/' }),
    ],
    ['a garbled token', () => `${signToken(key).slice(0, -8)}AAAAAAAA`],
  ];

  it.each(refusals)('refuses %s with 401 and records and queues nothing', async (_name, token) => {
    publishKeys(key);
    const before = { recorded: await recorded(), queued: await queued() };
    const activity = channelMention({ text: 'status' });
    const answer = await post(activity, token());
    expect(answer.status).toBe(401);
    expect(await recorded()).toBe(before.recorded);
    expect(await queued()).toBe(before.queued);
    // Control: the very same activity with a good token goes through, so the token was the reason.
    expect((await post(activity, signToken(key))).status).toBe(200);
    expect(await recorded()).toBe(before.recorded + 1);
  });

  it('refuses an activity whose serviceUrl is outside TEAMS_SERVICE_HOSTS even with a matching signed claim', async () => {
    publishKeys(key);
    const evil = 'https://collector.evil.example/';
    const answer = await post(
      channelMention({ text: 'status', serviceUrl: evil }),
      signToken(key, { serviceurl: evil }),
    );
    expect(answer.status).toBe(403);
  });

  it('accepts a good token (and one expired within the clock skew): recorded once, queued once', async () => {
    publishKeys(key);
    const before = { recorded: await recorded(), queued: await queued() };
    const activity = channelMention({ text: 'status' });
    expect((await post(activity, signToken(key))).status).toBe(200);
    expect(
      (await post(channelMention({ text: 'help' }), signToken(key, { expiresIn: -120, issuedAgo: 3720 })))
        .status,
    ).toBe(200);
    // The same activity delivered again (Teams retries) is recorded and run once.
    expect((await post(activity, signToken(key))).status).toBe(200);
    expect(await recorded()).toBe(before.recorded + 2);
    expect(await queued()).toBe(before.queued + 2);
    const [task] = await harness.runtime.database.sql<{
      payload: { replyTo: { ref: { serviceUrl: string } } };
    }>(`select payload from tasks where platform = 'teams' order by received_at limit 1`);
    expect(task?.payload.replyTo.ref.serviceUrl).toBe(SERVICE_URL);
  });
});
