import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appMention,
  BOT_TOKEN,
  CHANNEL,
  encode,
  SIGNING_SECRET,
  signedHeaders,
} from '../fixtures/slack/payloads.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

const APP_TOKEN = 'xapp-1-A0CHATOPS01-1234567890-FakeAppLevelToken';

// Socket Mode: the gateway connects out to Slack (apps.connections.open, then a WebSocket on 127.0.0.1) and
// acknowledges each envelope only once its task is recorded; and multi-workspace OAuth installs, stored in
// PostgreSQL, whose tokens answer their workspace's events.
describe('Slack over Socket Mode', () => {
  let harness: Harness;
  let slack: FakeSlack;

  beforeAll(async () => {
    slack = await startFakeSlack();
    harness = await startHarness({
      mode: 'gateway',
      env: { SLACK_APP_TOKEN: APP_TOKEN, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.url },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await slack?.close();
  });

  it('receives an event over the socket, acknowledges it after recording it, and answers in the thread', async () => {
    await eventually(async () => slack.socket.connected(), 15_000, 'the Socket Mode connection');
    expect(slack.callsOf('apps.connections.open')[0]?.authorization).toBe(`Bearer ${APP_TOKEN}`);
    const event = appMention({ text: 'status' });
    slack.socket.send({
      envelope_id: 'env-1',
      type: 'events_api',
      payload: event,
      accepts_response_payload: false,
      retry_attempt: 0,
      retry_reason: '',
    });
    const [ack] = await eventually(
      async () => (slack.socket.acks.length > 0 ? slack.socket.acks : null),
      15_000,
      'the ack',
    );
    expect(ack.envelope_id).toBe('env-1');
    const rows = await harness.runtime.database.sql<{ id: string }>(
      'select id from tasks where source_event_id = $1',
      [`msg.${CHANNEL}.${event.event.ts}`],
    );
    expect(rows).toHaveLength(1);
    const [post] = await eventually(async () =>
      slack.callsOf('chat.postMessage').length === 1 ? slack.callsOf('chat.postMessage') : null,
    );
    expect(post?.args).toMatchObject({ channel: CHANNEL, thread_ts: event.event.ts });
    // /slack/events is not served in Socket Mode.
    expect((await harness.request('POST', '/slack/events', '{}')).status).toBe(404);
  });
});

describe('Slack OAuth installs', () => {
  let harness: Harness;
  let slack: FakeSlack;

  beforeAll(async () => {
    slack = await startFakeSlack();
    harness = await startHarness({
      mode: 'gateway',
      env: {
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_CLIENT_ID: '1234567890.1234567890',
        SLACK_CLIENT_SECRET: '0123456789abcdef0123456789abcdef',
        SLACK_STATE_SECRET: 'a-long-random-state-secret',
        SLACK_API_URL: slack.url,
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await slack?.close();
  });

  it('installs into a workspace, stores it, answers it with its own token, and forgets it when uninstalled', async () => {
    const start = await fetch(`${harness.baseUrl}/slack/install`, { redirect: 'manual' });
    expect(start.status).toBe(200);
    const page = await start.text();
    const authorize = new URL(/<a href="([^"]+)"/.exec(page)?.[1]?.replace(/&amp;/g, '&') ?? '');
    expect(authorize.origin).toBe(new URL(slack.url).origin);
    expect(authorize.pathname).toBe('/oauth/v2/authorize');
    expect(authorize.searchParams.get('scope')).toContain('app_mentions:read');
    const state = authorize.searchParams.get('state') ?? '';
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

    // A callback without the browser's state cookie (a forged or replayed link) installs nothing.
    const forged = await fetch(
      `${harness.baseUrl}/slack/oauth_redirect?code=abc&state=${encodeURIComponent(state)}`,
    );
    expect(forged.status).toBe(400);
    const done = await fetch(
      `${harness.baseUrl}/slack/oauth_redirect?code=abc&state=${encodeURIComponent(state)}`,
      {
        headers: { cookie },
      },
    );
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('installed in Other Co');
    expect(slack.callsOf('oauth.v2.access')[0]?.args).toMatchObject({
      code: 'abc',
      client_id: '1234567890.1234567890',
    });
    const rows = await harness.runtime.database.sql<{ tenant_id: string; bot_user_id: string }>(
      'select tenant_id, bot_user_id from slack_installations',
    );
    expect(rows).toEqual([{ tenant_id: 'T0OTHERTEAM', bot_user_id: 'U0BOTUSER02' }]);

    const event = appMention({ text: 'status' });
    const other = {
      ...event,
      team_id: 'T0OTHERTEAM',
      authorizations: [
        {
          enterprise_id: null,
          team_id: 'T0OTHERTEAM',
          user_id: 'U0BOTUSER02',
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      event: { ...event.event, text: '<@U0BOTUSER02> status', team: 'T0OTHERTEAM' },
    };
    const deliver = async (payload: Record<string, unknown>) => {
      const { body, contentType } = encode(payload);
      return harness.request('POST', '/slack/events', body, signedHeaders(body, contentType));
    };
    expect((await deliver(other)).status).toBe(200);
    const [post] = await eventually(async () =>
      slack.callsOf('chat.postMessage').length === 1 ? slack.callsOf('chat.postMessage') : null,
    );
    expect(post?.authorization).toBe('Bearer xoxb-2222222222-3333333333-InstalledTokenValue');

    await deliver({
      ...other,
      event_id: 'Ev0UNINSTALL',
      event: { type: 'app_uninstalled', event_ts: '1.2' },
    });
    await eventually(async () => {
      const left = await harness.runtime.database.sql('select 1 from slack_installations');
      return left.length === 0;
    });
  });
});
