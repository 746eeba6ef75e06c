import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skills as installedSkills } from '../../skills/index.ts';
import { SHAPES, secretsOf } from '../fixtures/secret-shapes.ts';
import { appMention, BOT_TOKEN, encode, SIGNING_SECRET, signedHeaders } from '../fixtures/slack/payloads.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

// Issue 14, finding 10: every common secret shape, sent through the REST API and through Slack, is redacted
// before anything is stored: tasks.payload and messages.text in PostgreSQL hold none of the secrets.
describe('secrets never reach the database', () => {
  let harness: Harness;
  let slack: FakeSlack;

  beforeAll(async () => {
    slack = await startFakeSlack();
    harness = await startHarness({
      skills: installedSkills,
      env: {
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: slack.url,
        SLACK_CHANNEL_POST_INTERVAL_MS: '20',
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await slack?.close();
  });

  async function stored(): Promise<string> {
    const tasks = await harness.runtime.database.sql<{ payload: string }>('select payload::text from tasks');
    const messages = await harness.runtime.database.sql<{ text: string }>('select text from messages');
    return [...tasks.map((row) => row.payload), ...messages.map((row) => row.text)].join('\n');
  }

  async function settled(platform: string, count: number): Promise<void> {
    await eventually(
      async () => {
        const [row] = await harness.runtime.database.sql<{ open: string; total: string }>(
          `select count(*) filter (where status in ('queued', 'running'))::text as open, count(*)::text as total
             from tasks where platform = $1`,
          [platform],
        );
        return Number(row?.total) === count && Number(row?.open) === 0;
      },
      30_000,
      `${count} ${platform} tasks to end`,
    );
  }

  it('stores no secret from the REST API or Slack, in tasks or in messages', async () => {
    for (const [shape, typed] of SHAPES) {
      const answer = await harness.request('POST', '/api/v1/messages', {
        channel: 'general',
        user: 'alice',
        text: `note for later, ${shape}: ${typed}`,
      });
      expect(answer.status, shape).toBe(202);
      const event = appMention({ text: `note for later, ${shape}: ${typed}` });
      const { body, contentType } = encode(event);
      const delivered = await harness.request(
        'POST',
        '/slack/events',
        body,
        signedHeaders(body, contentType),
      );
      expect(delivered.status, shape).toBe(200);
    }
    await settled('api', SHAPES.length);
    await settled('slack', SHAPES.length);

    const everything = await stored();
    expect(everything).toContain('[REDACTED]');
    const leaked = SHAPES.flatMap(([shape, typed, redacted]) =>
      secretsOf(typed, redacted)
        .filter((secret) => everything.includes(secret))
        .map((secret) => `${shape}: ${secret}`),
    );
    expect(leaked).toEqual([]);
    // What was asked is kept, minus the secrets.
    expect(everything).toContain('note for later, pw: label: pw: [REDACTED]');
  });
});
