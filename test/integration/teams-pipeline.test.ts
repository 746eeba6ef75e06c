import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { skills as installedSkills } from '../../skills/index.ts';
import { APPROVAL_EXECUTE_ACTION } from '../../src/core/index.ts';
import { deploySkill, ran } from '../fixtures/skills/manifests.ts';
import { seen, teamsFixtureSkills } from '../fixtures/skills/teams-fixtures.ts';
import {
  ALICE,
  APP_ID,
  BOB,
  botAdded,
  CHANNEL_ID,
  cardAction,
  channelMention,
  fileAttachment,
  PERSONAL_ID,
  personalMessage,
  TENANT_ID,
} from '../fixtures/teams/activities.ts';
import { validateJsonSchema } from '../support/contract/index.ts';
import { type FakeConnector, fakeConnector } from '../support/fake-connector.ts';
import { type DatabaseKind, type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';
import { grantBotTokens, publishKeys, signingKey, signToken } from '../support/teams-identity.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary card JSON
type Json = any;

function allOf(card: Json, type: string): Json[] {
  const found: Json[] = [];
  const walk = (value: Json) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      if (value.type === type) found.push(value);
      Object.values(value).forEach(walk);
    }
  };
  walk(card);
  return found;
}

// A Teams activity → Task → queue → worker → Bot Connector calls, in-process on real PostgreSQL (and PGlite)
// and Redis; the Connector is nock held to the Connector spec, and every card is checked against AC 1.5.
describe.each<DatabaseKind>(['postgresql', 'pglite'])('Teams pipeline on %s', (database) => {
  let harness: Harness;
  let connector: FakeConnector;
  const key = signingKey();

  beforeAll(async () => {
    harness = await startHarness({
      database,
      skills: [...installedSkills, ...teamsFixtureSkills, deploySkill],
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

  function cardOf(call: { body: { attachments: { content: unknown }[] } }) {
    const card = call.body.attachments[0]?.content;
    expect(validateJsonSchema('adaptive-card-1.5', card)).toEqual([]);
    return card as { body: unknown[] };
  }

  it('answers a channel @mention in the same reply chain, signed with the bot token', async () => {
    const activity = channelMention({ text: 'status' });
    expect((await deliver(activity)).status).toBe(200);
    const [post] = await eventually(async () => (connector.posts().length === 1 ? connector.posts() : null));
    expect(post?.conversationId).toBe(`${CHANNEL_ID};messageid=${activity.id}`);
    expect(post?.authorization).toBe('Bearer fake-bot-token');
    expect(post?.body).toMatchObject({ type: 'message', summary: expect.stringContaining('chatops') });
    expect(JSON.stringify(cardOf(post as never))).toContain('status.refresh');
  });

  it('runs the same activity once when Teams delivers it twice', async () => {
    const activity = personalMessage({ text: 'status' });
    expect((await deliver(activity)).status).toBe(200);
    expect((await deliver(activity)).status).toBe(200);
    await eventually(async () => connector.posts().length === 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(connector.posts()).toHaveLength(1);
    expect(connector.posts()[0]?.conversationId).toBe(PERSONAL_ID);
  });

  it('shows progress in one message, updated in place, then replaced by the answer', async () => {
    const activity = channelMention({ text: 'slow-report' });
    await deliver(activity);
    await eventually(async () => connector.calls.length === 3, 15_000, 'post, update, update');
    const [first, second, third] = connector.calls;
    expect(first?.method).toBe('POST');
    expect(JSON.stringify(cardOf(first as never))).toContain('Fetching issues');
    expect([second?.method, third?.method]).toEqual(['PUT', 'PUT']);
    expect(second?.activityId).toBeTruthy();
    expect(third?.activityId).toBe(second?.activityId);
    expect(third?.conversationId).toBe(`${CHANNEL_ID};messageid=${activity.id}`);
    const final = JSON.stringify(cardOf(third as never));
    expect(final).toContain('Report');
    expect(final).toContain('feedback.up');
  });

  it('streams progress in a 1:1 chat as Teams status updates, then ends the stream with the answer', async () => {
    await deliver(personalMessage({ text: 'slow-report' }));
    await eventually(async () => connector.calls.length === 3, 15_000, 'two stream updates and the final');
    const [start, next, final] = connector.calls;
    expect([start?.method, next?.method, final?.method]).toEqual(['POST', 'POST', 'POST']);
    expect(connector.calls.every((call) => call.conversationId === PERSONAL_ID)).toBe(true);
    expect(start?.body).toMatchObject({
      type: 'typing',
      text: 'Fetching issues… (30%)',
      channelData: { streamType: 'informative', streamSequence: 1 },
      entities: [{ type: 'streaminfo', streamType: 'informative', streamSequence: 1 }],
    });
    const streamId = String(next?.body.channelData.streamId);
    expect(streamId).toMatch(/^\d+$/);
    expect(next?.body).toMatchObject({
      type: 'typing',
      id: streamId,
      channelData: { streamId, streamType: 'informative', streamSequence: 2 },
    });
    expect(final?.body).toMatchObject({
      type: 'message',
      id: streamId,
      channelData: { streamId, streamType: 'final' },
      entities: [{ type: 'streaminfo', streamId, streamType: 'final' }],
    });
    expect(final?.body.channelData.streamSequence).toBeUndefined();
    expect(JSON.stringify(cardOf(final as never))).toContain('Report');
  });

  it('maps a button click to an action task in the card thread, answering the invoke at once', async () => {
    const activity = channelMention({ text: 'status' });
    await deliver(activity);
    const [post] = await eventually(async () => (connector.posts().length === 1 ? connector.posts() : null));
    const card = cardOf(post as never);
    const refresh = JSON.stringify(card).match(/"data":\{"chatops":\{"messageId":"([^"]+)"\}\}/);
    const messageId = refresh?.[1] ?? '';
    const click = cardAction({
      verb: 'status.refresh',
      data: { chatops: { messageId } },
      cardActivityId: String(post?.body.id ?? '1'),
      root: String(activity.id),
    });
    const answer = await deliver(click);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
    });
    await eventually(async () => connector.posts().length === 2, 15_000, 'the refreshed status');
    expect(connector.posts()[1]?.conversationId).toBe(`${CHANNEL_ID};messageid=${activity.id}`);
    // A click naming a button the message does not have is refused, and nothing runs.
    const forged = await deliver(
      cardAction({
        verb: 'status.delete',
        data: { chatops: { messageId } },
        cardActivityId: '1',
        root: String(activity.id),
      }),
    );
    expect(forged.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
  });

  it('decides an approval from its card: a double click counts once, the card updates for everyone, the change runs once', async () => {
    await harness.runtime.directory.grantRole(
      { tenantId: TENANT_ID, platform: 'teams', externalId: ALICE.aadObjectId },
      'approver',
      'test',
    );
    const activity = channelMention({ text: 'change rotate the database password', from: BOB });
    await deliver(activity);
    const thread = `${CHANNEL_ID};messageid=${activity.id}`;
    const post = await eventually(async () =>
      connector
        .posts()
        .find(
          (call) => call.conversationId === thread && JSON.stringify(call.body).includes('approval.approve'),
        ),
    );
    const card = JSON.stringify(cardOf(post as never));
    expect(card).toContain('Change: rotate the database password');
    const messageId = card.match(/"messageId":"([^"]+)"/)?.[1] ?? '';
    const value = card.match(/"value":"([0-9a-f-]{36})"/)?.[1] ?? '';
    const approve = (id: string) =>
      deliver(
        cardAction({
          id,
          verb: 'approval.approve',
          data: { chatops: { messageId, value } },
          cardActivityId: String(post?.body.id),
          root: String(activity.id),
        }),
      );
    const first = await approve('f:approve-1');
    const second = await approve('f:approve-2');
    expect(first.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(validateJsonSchema('adaptive-card-1.5', first.body.value)).toEqual([]);
    expect(JSON.stringify(first.body.value)).toContain(`Approve from ${ALICE.name} received`);
    expect(JSON.stringify(first.body.value)).not.toContain('Action.Execute');
    // The repeat is not counted: either the adapter recognises the person's repeated click, or the card
    // was already decided and no longer has the button.
    expect(JSON.stringify(second.body)).toMatch(
      /already received|has no button .*approval\.approve.* \(any more\)/,
    );
    const executed = () =>
      seen.filter(
        (entry) => entry.task.action?.id === APPROVAL_EXECUTE_ACTION && entry.task.action.value === value,
      );
    await eventually(async () => executed().length === 1, 15_000, 'the approved change');
    const updated = await eventually(async () =>
      connector.calls.find(
        (call) => call.method === 'PUT' && JSON.stringify(call.body).includes(`Approved by ${ALICE.name}`),
      ),
    );
    expect(updated?.conversationId).toBe(thread);
    expect(JSON.stringify(cardOf(updated as never))).not.toContain('Action.Execute');
    await eventually(async () =>
      connector
        .posts()
        .some((call) =>
          JSON.stringify(call.body).includes(
            'Changed: rotate the database password (approved by Alice Example)',
          ),
        ),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(executed()).toHaveLength(1);
    expect(executed()[0]?.task).toMatchObject({ user: { id: BOB.aadObjectId }, thread: String(activity.id) });
    const decisions = await harness.runtime.database.sql<{ user_id: string }>(
      'select user_id from approval_decisions where approval_id = $1',
      [value],
    );
    expect(decisions).toEqual([{ user_id: ALICE.aadObjectId }]);
  });

  it('answers a command with malformed arguments with its usage in a 1:1 chat, and queues nothing', async () => {
    await deliver(personalMessage({ text: 'help' }));
    await eventually(async () => connector.posts().length === 1);
    const before = await harness.runtime.database.sql<{ count: string }>(
      `select count(*) as count from tasks`,
    );
    const answer = await deliver(channelMention({ text: 'deploy-service env=moon service=payments' }));
    expect(answer.status).toBe(200);
    await eventually(async () => connector.posts().length === 2, 15_000, 'the usage reply');
    const usage = connector.posts()[1];
    expect(usage?.conversationId).toBe(PERSONAL_ID);
    expect(JSON.stringify(usage?.body)).toContain('must be one of dev, staging, prod');
    const after = await harness.runtime.database.sql<{ count: string }>(
      `select count(*) as count from tasks`,
    );
    expect(after[0]?.count).toBe(before[0]?.count);
  });

  it('answers a bare command with a form card from its declared arguments; a submit runs it, or shows each problem', async () => {
    const activity = channelMention({ text: 'deploy-service' });
    await deliver(activity);
    const thread = `${CHANNEL_ID};messageid=${activity.id}`;
    const post = await eventually(async () =>
      connector.posts().find((call) => JSON.stringify(call.body).includes('Input.ChoiceSet')),
    );
    expect(post?.conversationId).toBe(thread);
    const form = cardOf(post as never) as Json;
    const inputs = allOf(form, 'Input.Text').concat(allOf(form, 'Input.ChoiceSet'));
    expect(inputs.map((input: Json) => [input.id, input.type, input.isRequired])).toEqual([
      ['arg.service', 'Input.Text', true],
      ['arg.size', 'Input.Text', false],
      ['arg.env', 'Input.ChoiceSet', true],
    ]);
    expect(allOf(form, 'Input.ChoiceSet')[0].choices.map((choice: Json) => choice.value)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    expect(allOf(form, 'Input.Text')[0].regex).toBe('^(?:[a-z][a-z0-9-]{1,40})$');
    const [submit] = allOf(form, 'Action.Execute');
    expect(submit.verb).toBe('chatops.form-submit');
    const messageId = submit.data.chatops.messageId;
    const before = ran.length;
    const send = (id: string, fields: Record<string, string>) =>
      deliver(
        cardAction({
          id,
          verb: 'chatops.form-submit',
          data: { chatops: { messageId, value: 'deploy-service' }, ...fields },
          cardActivityId: String(post?.body.id),
          root: String(activity.id),
        }),
      );
    const refused = await send('f:form-1', { 'arg.service': 'Payments!', 'arg.size': '0' });
    expect(refused.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(validateJsonSchema('adaptive-card-1.5', refused.body.value)).toEqual([]);
    const shown = refused.body.value as Json;
    const problems = allOf(shown, 'TextRun')
      .map((run: Json) => run.text)
      .filter((text: string) => text.startsWith('⚠️'));
    expect(problems).toEqual([
      '⚠️ service must match [a-z][a-z0-9-]{1,40}',
      '⚠️ env is required',
      '⚠️ size must match [1-9][0-9]?',
    ]);
    expect(allOf(shown, 'Input.Text')[0].value).toBe('Payments!');
    expect(allOf(shown, 'Action.Execute')).toHaveLength(1);
    const accepted = await send('f:form-2', { 'arg.service': ' payments ', 'arg.env': 'staging' });
    expect(validateJsonSchema('adaptive-card-1.5', accepted.body.value)).toEqual([]);
    expect(JSON.stringify(accepted.body.value)).toContain(
      'Running /deploy-service service=payments env=staging (sent by Alice Example)',
    );
    expect(allOf(accepted.body.value, 'Action.Execute')).toEqual([]);
    const run = await eventually(async () =>
      ran.slice(before).find((entry) => entry.skill === 'deploy-service'),
    );
    expect(run.task).toMatchObject({
      kind: 'command',
      command: 'deploy-service',
      args: { service: 'payments', env: 'staging' },
      thread: String(activity.id),
    });
    // A submit naming no stored message is refused, and nothing runs.
    const forged = await deliver(
      cardAction({
        verb: 'chatops.form-submit',
        data: { chatops: { messageId: 'not-a-message', value: 'deploy-service' } },
        cardActivityId: '1',
        root: String(activity.id),
      }),
    );
    expect(forged.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
    expect(ran.slice(before)).toHaveLength(1);
  });

  it('forwards attached files to the skill', async () => {
    await deliver(personalMessage({ text: 'inspect', attachments: fileAttachment('budget.xlsx') }));
    await eventually(async () => JSON.stringify(connector.posts()).includes('Files: budget.xlsx'));
    const task = seen.filter((entry) => entry.skill === 'inspect').at(-1)?.task;
    expect(task?.files).toEqual([
      expect.objectContaining({
        name: 'budget.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      }),
    ]);
  });

  it('welcomes the team when the bot is added', async () => {
    await deliver(botAdded());
    const [post] = await eventually(async () => (connector.posts().length === 1 ? connector.posts() : null));
    expect(post?.conversationId).toMatch(new RegExp(`^${CHANNEL_ID.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(JSON.stringify(cardOf(post as never))).toContain('Here is everything I can do');
  });

  it('honours a 429 from Teams: the reply is sent again after Retry-After, once', async () => {
    connector.throttle(1, 1);
    await deliver(channelMention({ text: 'status' }));
    await eventually(async () => connector.posts().length === 2, 20_000, 'the retried reply');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [throttled, sent] = connector.posts();
    expect(connector.posts()).toHaveLength(2);
    expect(sent?.conversationId).toBe(throttled?.conversationId);
    const [task] = await harness.runtime.database.sql<{ status: string; attempts: number }>(
      `select status, attempts from tasks where platform = 'teams' order by received_at desc limit 1`,
    );
    expect(task).toMatchObject({ status: 'succeeded', attempts: 2 });
  });
});
