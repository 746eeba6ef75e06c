import { describe, expect, it } from 'vitest';
import { SlackClients } from '../../adapters/slack/clients.ts';
import { silentLogger } from '../../src/observability/logger.ts';

// Shared Slack files (url_private) need the bot token; the token must never go to any other host.
describe('Slack file credentials', () => {
  const clients = new SlackClients({
    apiUrl: 'https://slack.com/api/',
    botToken: 'xoxb-1234567890-0987654321-FakeTestTokenValue',
    installations: undefined,
    log: silentLogger,
  });

  it('gives the bot token for files on Slack’s file hosts only', async () => {
    const bearer = { authorization: 'Bearer xoxb-1234567890-0987654321-FakeTestTokenValue' };
    expect(
      await clients.fileHeaders('T0TESTTEAM1', new URL('https://files.slack.com/files-pri/T0-F0/a.pdf')),
    ).toEqual(bearer);
    expect(
      await clients.fileHeaders('T0TESTTEAM1', new URL('https://files.slack-gov.com/files-pri/x')),
    ).toEqual(bearer);
    for (const url of [
      'http://files.slack.com/files-pri/T0-F0/a.pdf',
      'https://files.slack.com.evil.example/a.pdf',
      'https://evil.example/files.slack.com/a.pdf',
      'https://slack.com/api/files.info',
    ]) {
      expect(await clients.fileHeaders('T0TESTTEAM1', new URL(url)), url).toBeUndefined();
    }
  });
});
