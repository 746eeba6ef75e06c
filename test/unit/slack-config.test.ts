import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { isChatOpsError } from '../../src/core/index.ts';

const SECRET = '8f742231b10e8888abcd99aaaaaa85a5';
const TOKEN = 'xoxb-1234567890-0987654321-FakeTestTokenValue';
const OAUTH = {
  SLACK_CLIENT_ID: '1234567890.1234567890',
  SLACK_CLIENT_SECRET: '0123456789abcdef0123456789abcdef',
  SLACK_STATE_SECRET: 'a-long-random-state-secret',
};

function refusal(env: Record<string, string>, mode: 'dev' | 'gateway' | 'worker' = 'gateway'): string {
  try {
    loadConfig(env, mode);
  } catch (error) {
    if (isChatOpsError(error) && error.code === 'CONFIG_INVALID') return error.explanation;
    throw error;
  }
  return '';
}

describe('Slack configuration', () => {
  it('is off without settings, on with a signing secret and a bot token (or Socket Mode, or OAuth)', () => {
    expect(loadConfig({}, 'gateway').slack).toMatchObject({
      enabled: false,
      apiUrl: 'https://slack.com/api/',
    });
    expect(loadConfig({}, 'dev').slack.enabled).toBe(false);
    expect(
      loadConfig({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: TOKEN }, 'gateway').slack,
    ).toMatchObject({
      enabled: true,
      install: 'single',
      appToken: undefined,
      channelPostIntervalMs: 1000,
    });
    const socket = loadConfig({ SLACK_APP_TOKEN: 'xapp-1-A0123-4567-abcdef', SLACK_BOT_TOKEN: TOKEN }, 'dev');
    expect(socket.slack).toMatchObject({ enabled: true, appToken: 'xapp-1-A0123-4567-abcdef' });
    const oauth = loadConfig({ ...OAUTH, SLACK_SIGNING_SECRET: SECRET }, 'gateway');
    expect(oauth.slack).toMatchObject({
      enabled: true,
      install: 'oauth',
      oauth: { clientId: OAUTH.SLACK_CLIENT_ID },
    });
    // Workers only send: a token is enough.
    expect(loadConfig({ SLACK_BOT_TOKEN: TOKEN }, 'worker').slack.enabled).toBe(true);
    expect(loadConfig({ SLACK_API_URL: 'http://127.0.0.1:9/api' }, 'gateway').slack.apiUrl).toBe(
      'http://127.0.0.1:9/api/',
    );
  });

  it('refuses half a setup, saying what to set', () => {
    expect(refusal({ SLACK_BOT_TOKEN: TOKEN })).toMatch(/no way to receive.*SLACK_SIGNING_SECRET/s);
    expect(refusal({ SLACK_SIGNING_SECRET: SECRET })).toMatch(/no token to answer with/);
    expect(refusal({ SLACK_CLIENT_ID: OAUTH.SLACK_CLIENT_ID })).toMatch(/go together/);
    expect(refusal({ ...OAUTH, SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET })).toMatch(/not both/);
    expect(refusal({ ...OAUTH, SLACK_APP_TOKEN: 'xapp-1-A0123-4567-abcdef' })).toMatch(
      /OAuth installs need SLACK_SIGNING_SECRET/,
    );
    expect(refusal({ SLACK_BOT_TOKEN: 'xoxp-user-token-not-a-bot', SLACK_SIGNING_SECRET: SECRET })).toMatch(
      /SLACK_BOT_TOKEN \(value hidden\): a token starting with xoxb-/,
    );
  });
});
