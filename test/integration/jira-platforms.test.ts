import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { skills as installedSkills } from '../../skills/index.ts';
import {
  BOT_TOKEN,
  CHANNEL,
  encode,
  SIGNING_SECRET,
  signedHeaders,
  slashCommand,
} from '../fixtures/slack/payloads.ts';
import { APP_ID, CHANNEL_ID, channelMention } from '../fixtures/teams/activities.ts';
import { validateJsonSchema } from '../support/contract/index.ts';
import { type FakeConnector, fakeConnector } from '../support/fake-connector.ts';
import type { FakeJira } from '../support/fake-jira/server.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { fakeJiraWith, jiraEnv } from '../support/jira.ts';
import { eventually } from '../support/services.ts';
import { grantBotTokens, publishKeys, signingKey, signToken } from '../support/teams-identity.ts';

// `/jira` on every platform, through the real gateway, queue and worker against a fake Jira on 127.0.0.1:
// Slack gets the report and its chart uploaded into the channel, Teams a card with the chart inline, the
// REST API (what the web chat uses) a reply with the chart as a PNG file block.
describe('/jira on Slack, Teams and the web', () => {
  let harness: Harness;
  let jira: FakeJira;
  let slack: FakeSlack;
  let connector: FakeConnector;
  const key = signingKey();

  beforeAll(async () => {
    jira = await fakeJiraWith({ issues: 220 });
    slack = await startFakeSlack();
    harness = await startHarness({
      skills: installedSkills,
      env: {
        ...jiraEnv(jira),
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: slack.url,
        SLACK_CHANNEL_POST_INTERVAL_MS: '20',
        TEAMS_APP_ID: APP_ID,
        TEAMS_APP_PASSWORD: 'fake-client-secret-value',
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await slack?.close();
    await jira?.close();
  });
  beforeEach(() => {
    publishKeys(key);
    grantBotTokens();
    connector = fakeConnector();
  });
  afterEach(() => {
    nock.cleanAll();
  });

  it('Slack: answers /jira sprint in the channel and uploads the burndown chart', async () => {
    const { body, contentType } = encode(slashCommand('/jira', 'sprint'));
    const answer = await harness.request('POST', '/slack/events', body, signedHeaders(body, contentType));
    expect(answer.status).toBe(200);
    const [complete] = await eventually(
      async () =>
        slack.callsOf('files.completeUploadExternal').length > 0
          ? slack.callsOf('files.completeUploadExternal')
          : null,
      30_000,
      'the chart upload',
    );
    const [asked] = slack.callsOf('files.getUploadURLExternal');
    expect(asked?.args.filename).toMatch(/^burndown-\d+\.png$/);
    expect(Number(asked?.args.length)).toBeGreaterThan(2000);
    expect(complete?.args.channel_id).toBe(CHANNEL);
    // The answer replaces the "Reading Jira…" progress message in place.
    const posted = await eventually(async () => {
      const calls = slack.calls.filter(
        (call) => call.method.startsWith('chat.') && String(call.args.text).includes('committed points done'),
      );
      return calls.length > 0 ? calls : null;
    });
    expect(posted[0]?.method).toBe('chat.update');
    expect(String(posted[0]?.args.text)).toMatch(
      /^OPS Sprint 7 on OPS board: [\d.]+ of [\d.]+ committed points done/,
    );
    expect(String(posted[0]?.args.blocks)).toContain('Started: In Progress, In Review');
  });

  it('Teams: answers "jira velocity" with a card that shows the chart inline', async () => {
    const activity = channelMention({ text: 'jira velocity sprints=4' });
    const accepted = await harness.request('POST', '/api/messages', activity, {
      authorization: `Bearer ${signToken(key)}`,
    });
    expect(accepted.status).toBe(200);
    const [post] = await eventually(async () => {
      const answers = connector.calls.filter((call) =>
        JSON.stringify(call.body).includes('points per sprint'),
      );
      return answers.length > 0 ? answers : null;
    }, 30_000);
    // The answer replaces the "Reading Jira…" card in place, in the same reply chain.
    expect(post?.method).toBe('PUT');
    expect(post?.conversationId).toBe(`${CHANNEL_ID};messageid=${activity.id}`);
    const card = post?.body.attachments[0]?.content;
    expect(validateJsonSchema('adaptive-card-1.5', card)).toEqual([]);
    expect(JSON.stringify(card)).toMatch(
      /"type":"Image","url":"data:image\/png;base64,[A-Za-z0-9+/=]{1000,}"/,
    );
  });

  it('web and REST: /jira and free text reach the same report, with the chart as a PNG file block', async () => {
    const ask = async (text: string) => {
      const posted = await harness.request('POST', '/api/v1/messages', {
        channel: 'team',
        user: 'alice',
        text,
      });
      expect(posted.status).toBe(202);
      return eventually(async () => {
        const { body } = await harness.request('GET', `/api/v1/tasks/${posted.body.taskId}`);
        return ['succeeded', 'failed'].includes(body.status) ? body : undefined;
      }, 30_000);
    };
    const command = await ask('/jira sprint');
    const words = await ask("how's the sprint going?");
    for (const task of [command, words]) {
      expect(task).toMatchObject({ status: 'succeeded', skill: 'jira' });
      const blocks = task.replies[0].reply.blocks as {
        type: string;
        mimeType?: string;
        contentBase64?: string;
      }[];
      expect(blocks.find((block) => block.type === 'file')).toMatchObject({ mimeType: 'image/png' });
    }
    expect(words.replies[0].text).toBe(command.replies[0].text);
  });
});
