import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appMention,
  BOT_TOKEN,
  CHANNEL,
  encode,
  SIGNING_SECRET,
  signedHeaders,
} from '../fixtures/slack/payloads.ts';
import { ChatopsProcesses } from '../support/chatops-processes.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import {
  clearRedisPrefix,
  createMigratedDatabase,
  eventually,
  REDIS_URL,
  type TestDatabase,
  uniqueName,
} from '../support/services.ts';

// Real `chatops gateway` and `chatops worker` processes on PostgreSQL and Redis, and a fake Slack Web API on
// 127.0.0.1 (SLACK_API_URL) that holds every call to Slack's spec: a signed app_mention over HTTP comes back
// as exactly one chat.postMessage, in the mention's thread, with the bot token.
describe('Slack end to end: gateway and worker processes, a fake Slack Web API', () => {
  const processes = new ChatopsProcesses();
  const output = processes.output;
  let database: TestDatabase;
  let slack: FakeSlack;
  let gatewayUrl: string;
  const prefix = uniqueName('slack');

  beforeAll(async () => {
    database = await createMigratedDatabase();
    slack = await startFakeSlack();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: slack.url,
    };
    gatewayUrl = await processes.startGatewayAndWorker(env);
  });

  afterAll(async () => {
    await processes.stopAll();
    await slack?.close();
    await clearRedisPrefix(prefix);
    await database?.drop();
  });

  it('says at start-up that Slack is enabled, and how', async () => {
    // The line may still be in the pipe when /health already answers: read the output until it arrives.
    await expect
      .poll(() => output[0], { timeout: 5_000 })
      .toMatch(/"event":"platforms-enabled".*"slack":"HTTP POST \/slack\/events, single workspace/);
  });

  it('answers a signed app_mention with one chat.postMessage in the thread', async () => {
    const event = appMention({ text: 'status' });
    const { body, contentType } = encode(event);
    const post = (headers: Record<string, string>) =>
      fetch(`${gatewayUrl}/slack/events`, { method: 'POST', headers, body });
    expect(
      (await post(signedHeaders(body, contentType, { secret: 'ffffffffffffffffffffffffffffffff' }))).status,
    ).toBe(401);
    const accepted = await post(signedHeaders(body, contentType));
    expect(accepted.status, output.join('\n')).toBe(200);
    // Slack retries an event it is unsure about: the same event again changes nothing.
    expect((await post({ ...signedHeaders(body, contentType), 'x-slack-retry-num': '1' })).status).toBe(200);
    const [reply] = await eventually(
      async () => (slack.callsOf('chat.postMessage').length > 0 ? slack.callsOf('chat.postMessage') : null),
      30_000,
      'the reply at the fake Slack Web API',
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(slack.callsOf('chat.postMessage'), output.join('\n')).toHaveLength(1);
    expect(reply?.args).toMatchObject({ channel: CHANNEL, thread_ts: event.event.ts });
    expect(reply?.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(String(reply?.args.blocks)).toContain('status.refresh');
  });
});
