import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { skills as installedSkills } from '../../skills/index.ts';
import {
  ALICE,
  appMention,
  BOT_TOKEN,
  encode,
  SIGNING_SECRET,
  signedHeaders,
  slashCommand,
} from '../fixtures/slack/payloads.ts';
import {
  APP_ID,
  channelMention,
  PERSONAL_ID,
  personalMessage,
  ALICE as TEAMS_ALICE,
} from '../fixtures/teams/activities.ts';
import { type FakeConnector, fakeConnector } from '../support/fake-connector.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';
import { grantBotTokens, publishKeys, signingKey, signToken } from '../support/teams-identity.ts';

// Issue 14, finding 8: a request the worker would refuse is refused where it arrives, and the person is told
// the limit; it is never accepted and then left `queued` without a reply. Through the real receivers, on
// PostgreSQL and Redis, with a worker running.
const OVERSIZED = 'ü'.repeat(50_000); // 100,000 bytes in UTF-8: more than API_MAX_BODY_BYTES on its own
const MANY_ARGUMENTS = Array.from({ length: 101 }, (_, index) => `a${index}=1`).join(' ');

async function tasksOf(harness: Harness, platform: string): Promise<{ status: string; text: string }[]> {
  return harness.runtime.database.sql<{ status: string; text: string }>(
    "select status, payload->>'text' as text from tasks where platform = $1",
    [platform],
  );
}

describe('limits at the Slack receiver', () => {
  let harness: Harness;
  let slack: FakeSlack;

  beforeAll(async () => {
    slack = await startFakeSlack();
    harness = await startHarness({
      skills: installedSkills,
      env: { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.url },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await slack?.close();
  });
  beforeEach(() => {
    slack.calls.length = 0;
  });

  async function deliver(payload: Record<string, unknown>) {
    const { body, contentType } = encode(payload);
    return harness.request('POST', '/slack/events', body, signedHeaders(body, contentType));
  }

  it('answers an @mention of 50,000 characters with the limit, privately, and queues nothing', async () => {
    const event = appMention({ text: OVERSIZED });
    expect(Buffer.byteLength(JSON.stringify(event))).toBeGreaterThan(65_536);
    expect((await deliver(event)).status).toBe(200);
    const [answer] = await eventually(async () => {
      const found = slack.callsOf('chat.postEphemeral');
      return found.length > 0 ? found : null;
    });
    expect(answer?.args).toMatchObject({
      channel: event.event.channel,
      user: ALICE,
      thread_ts: event.event.ts,
    });
    expect(String(answer?.args.text)).toContain('Your message has 50,0');
    expect(String(answer?.args.text)).toContain('the limit is 40,000');
    expect(String(answer?.args.text)).toContain('Send it in shorter parts');
    expect(await tasksOf(harness, 'slack')).toEqual([]);
    // The worker never gets it, so nothing else is posted.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(slack.callsOf('chat.postMessage')).toEqual([]);
  });

  it('answers a slash command with too many arguments at once, naming the limit', async () => {
    const { body, contentType } = encode(slashCommand('/run', `everything__echo ${MANY_ARGUMENTS}`));
    const answer = await harness.request('POST', '/slack/events', body, signedHeaders(body, contentType));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    expect(answer.body.text).toContain('The command has 101 arguments; the limit is 100.');
    expect(await tasksOf(harness, 'slack')).toEqual([]);
  });

  it('still takes a message at the limit', async () => {
    const event = appMention({ text: `status ${'a'.repeat(39_000)}` });
    expect((await deliver(event)).status).toBe(200);
    await eventually(async () =>
      (await tasksOf(harness, 'slack')).some((task) => task.status === 'succeeded'),
    );
  });
});

describe('limits at the Teams receiver', () => {
  let harness: Harness;
  let connector: FakeConnector;
  const key = signingKey();

  beforeAll(async () => {
    harness = await startHarness({
      skills: installedSkills,
      env: { TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: 'fake-client-secret-value' },
    });
  });
  afterAll(async () => {
    await harness?.close();
  });
  beforeEach(() => {
    publishKeys(key);
    grantBotTokens();
    connector = fakeConnector();
  });
  afterEach(() => {
    nock.cleanAll();
  });

  async function deliver(activity: Record<string, unknown>) {
    return harness.request('POST', '/api/messages', activity, { authorization: `Bearer ${signToken(key)}` });
  }

  const texts = () => connector.posts().map((post) => JSON.stringify(post.body));

  it('answers a 1:1 message of 50,000 characters with the limit, in the chat, and queues nothing', async () => {
    expect((await deliver(personalMessage({ text: OVERSIZED }))).status).toBe(200);
    const [post] = await eventually(async () => (connector.posts().length > 0 ? connector.posts() : null));
    expect(post?.conversationId).toBe(PERSONAL_ID);
    expect(texts()[0]).toContain('Your message has 50,000 characters; the limit is 40,000.');
    expect(await tasksOf(harness, 'teams')).toEqual([]);
  });

  it('answers an oversized channel mention too, privately when it can', async () => {
    const activity = channelMention({ text: OVERSIZED, from: TEAMS_ALICE });
    expect((await deliver(activity)).status).toBe(200);
    await eventually(async () => texts().some((text) => text.includes('the limit is 40,000')));
    expect(await tasksOf(harness, 'teams')).toEqual([]);
  });
});

describe('limits at the REST API', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ skills: installedSkills });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('answers 400 naming the limit, for the body schema and for the task schema alike', async () => {
    const long = await harness.request('POST', '/api/v1/messages', {
      channel: 'general',
      user: 'alice',
      text: 'x'.repeat(40_001),
    });
    expect(long.status).toBe(400);
    expect(long.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(long.body.error)).toContain('40000');
    const many = await harness.request('POST', '/api/v1/messages', {
      channel: 'general',
      user: 'alice',
      text: `/run everything__echo ${MANY_ARGUMENTS}`,
    });
    expect(many.status).toBe(400);
    expect(many.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(many.body.error.message).toContain('The command has 101 arguments; the limit is 100.');
    expect(await tasksOf(harness, 'api')).toEqual([]);
  });
});
