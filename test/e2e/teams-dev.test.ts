import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAL_ID, personalMessage } from '../fixtures/teams/activities.ts';
import { type DevProcess, startDevProcess } from '../support/dev-process.ts';
import { type FakeBotFramework, startFakeBotFramework } from '../support/fake-bot-framework.ts';
import { eventually } from '../support/services.ts';
import { signingKey } from '../support/teams-identity.ts';

// `chatops dev` without a Teams app id behaves like the Bot Framework Emulator expects: it accepts
// unauthenticated activities, says so loudly at start-up, and answers without a bot token.
describe('chatops dev: Teams without an app registration', () => {
  let dev: DevProcess;
  let emulator: FakeBotFramework;

  beforeAll(async () => {
    emulator = await startFakeBotFramework(signingKey());
    dev = await startDevProcess();
  });
  afterAll(async () => {
    await dev?.stop();
    await emulator?.close();
  });

  it('warns at start-up, accepts an unauthenticated activity and answers it', async () => {
    expect(dev.output()).toMatch(/"event":"teams-unauthenticated".*ACCEPTS UNAUTHENTICATED ACTIVITIES/);
    const activity = {
      ...personalMessage({ text: 'help', serviceUrl: emulator.serviceUrl }),
      channelId: 'emulator',
    };
    const answer = await fetch(`${dev.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    expect(answer.status).toBe(200);
    const [reply] = await eventually(
      async () => (emulator.received.length > 0 ? emulator.received : null),
      30_000,
      'the answer at the emulator',
    );
    expect(reply).toMatchObject({ method: 'POST', conversationId: PERSONAL_ID, authorization: null });
    expect(JSON.stringify(reply?.body)).toContain('Here is everything I can do');
  });
});
