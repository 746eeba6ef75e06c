import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { skills as installedSkills } from '../../skills/index.ts';
import { APPROVAL_EXECUTE_ACTION } from '../../src/core/approvals.ts';
import { schedulesPort } from '../../src/scheduler/schedules-port.ts';
import { fixtureSkills } from '../fixtures/skills/manifests.ts';
import { seen, teamsFixtureSkills } from '../fixtures/skills/teams-fixtures.ts';
import {
  ALICE,
  appMention,
  BOB,
  BOT_TOKEN,
  blockAction,
  CHANNEL,
  channelMessage,
  DM,
  directMessage,
  encode,
  fileShare,
  OTHER_CHANNEL,
  SIGNING_SECRET,
  signedHeaders,
  slashCommand,
  TEAM,
  viewSubmission,
} from '../fixtures/slack/payloads.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

// Slack payload → signed POST /slack/events → Task → queue → worker → Web API calls, in-process on real
// PostgreSQL and Redis, against a fake Web API on 127.0.0.1 that holds every call to Slack's spec.
describe('Slack pipeline', () => {
  let harness: Harness;
  let slack: FakeSlack;

  beforeAll(async () => {
    slack = await startFakeSlack();
    harness = await startHarness({
      skills: [...installedSkills, ...teamsFixtureSkills, ...fixtureSkills],
      env: {
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: slack.url,
        SLACK_CHANNEL_POST_INTERVAL_MS: '20',
        TASK_BACKOFF_MS: '200',
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await slack?.close();
  });
  beforeEach(() => {
    slack.calls.length = 0;
    seen.length = 0;
  });

  async function deliver(payload: Record<string, unknown>, extra: Record<string, string> = {}) {
    const { body, contentType } = encode(payload);
    return harness.request('POST', '/slack/events', body, { ...signedHeaders(body, contentType), ...extra });
  }

  const posts = (channel?: string) =>
    slack.callsOf('chat.postMessage').filter((call) => !channel || call.args.channel === channel);

  /** The /deploy-service form Slack was asked to open with this trigger: its fields, in order. */
  async function deployServiceForm(triggerId: string) {
    const [open] = await eventually(async () =>
      slack.callsOf('views.open').length === 1 ? slack.callsOf('views.open') : null,
    );
    expect(open?.args.trigger_id).toBe(triggerId);
    const view = JSON.parse(String(open?.args.view));
    expect(view.blocks.map((block: { block_id?: string }) => block.block_id)).toEqual([
      undefined,
      'arg.service',
      'arg.env',
      'arg.size',
    ]);
    return view as { private_metadata: string };
  }

  async function taskCount(): Promise<number> {
    const rows = await harness.runtime.database.sql<{ count: string }>(
      "select count(*)::text as count from tasks where platform = 'slack'",
    );
    return Number(rows[0]?.count);
  }

  it('answers an @mention in its thread, with the bot token', async () => {
    const event = appMention({ text: 'status' });
    const answer = await deliver(event);
    expect(answer.status).toBe(200);
    const [post] = await eventually(async () => (posts().length === 1 ? posts() : null));
    expect(post?.args).toMatchObject({ channel: CHANNEL, thread_ts: event.event.ts });
    expect(post?.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(String(post?.args.blocks)).toContain('status.refresh');
  });

  it('runs one task and posts one reply for an event delivered twice, retried, and seen as app_mention and message', async () => {
    const mention = appMention({ text: 'status' });
    const sameMessage = channelMessage({
      text: mention.event.text as string,
      ts: mention.event.ts as string,
    });
    const before = await taskCount();
    expect((await deliver(mention)).status).toBe(200);
    expect(
      (await deliver(mention, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status,
    ).toBe(200);
    expect((await deliver({ ...sameMessage, event_id: 'Ev0SECONDEVENT' })).status).toBe(200);
    await eventually(async () => posts().length === 1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(posts()).toHaveLength(1);
    expect(await taskCount()).toBe(before + 1);
  });

  it('refuses forged, stale, future and re-serialised requests with 401, and records nothing', async () => {
    const before = await taskCount();
    const event = appMention({ text: 'status' });
    const { body, contentType } = encode(event);
    const forged = signedHeaders(body, contentType, { secret: 'ffffffffffffffffffffffffffffffff' });
    const stale = signedHeaders(body, contentType, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const future = signedHeaders(body, contentType, { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 });
    const genuine = signedHeaders(body, contentType);
    const reserialised = JSON.stringify(JSON.parse(body), null, 1);
    for (const [text, headers] of [
      [body, forged],
      [body, stale],
      [body, future],
      [reserialised, genuine],
      [body, { 'content-type': contentType }],
    ] as const) {
      const answer = await harness.request('POST', '/slack/events', text, headers);
      expect(answer.status).toBe(401);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await taskCount()).toBe(before);
    expect(slack.calls).toHaveLength(0);
  });

  it('answers the URL verification challenge', async () => {
    const answer = await deliver({ type: 'url_verification', token: 'x', challenge: 'c-123' });
    expect(answer).toMatchObject({ status: 200, body: { challenge: 'c-123' } });
  });

  it('follows up in a thread it answered without a new mention, and stays out of other threads', async () => {
    const mention = appMention({ text: 'status' });
    await deliver(mention);
    await eventually(async () => posts().length === 1);
    const root = mention.event.ts as string;
    await deliver(channelMessage({ text: 'and again please: status', threadTs: root }));
    await eventually(async () => posts().length === 2, 15_000, 'the follow-up answer');
    expect(posts()[1]?.args.thread_ts).toBe(root);
    // A thread the bot never posted in, and a message from another bot, are not for it.
    await deliver(channelMessage({ text: 'status', threadTs: '1700000000.000100' }));
    await deliver(channelMessage({ text: 'status', threadTs: root, botId: 'B0OTHERBOT1' }));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(posts()).toHaveLength(2);
  });

  it('answers a DM in the DM (no thread), and records files attached to a message', async () => {
    await deliver(directMessage({ text: 'status' }));
    const [post] = await eventually(async () => (posts(DM).length === 1 ? posts(DM) : null));
    expect(post?.args.thread_ts).toBeUndefined();
    await deliver(fileShare({ text: 'inspect' }));
    await eventually(async () => posts(DM).length === 2);
    expect(String(posts(DM)[1]?.args.text)).toContain('Files: rfp.pdf');
    const task = seen.find((entry) => entry.skill === 'inspect')?.task;
    expect(task?.files?.[0]).toMatchObject({
      name: 'rfp.pdf',
      mimeType: 'application/pdf',
      sizeBytes: 48213,
    });
  });

  it('answers unknown commands, unknown /chatops subcommands and malformed arguments at once, privately', async () => {
    const before = await taskCount();
    const unknown = await deliver(slashCommand('/nosuch', ''));
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({ response_type: 'ephemeral' });
    expect(unknown.body.text).toContain('`/nosuch` is not installed');
    expect(unknown.body.text).toContain('/deploy-service');
    const sub = await deliver(slashCommand('/chatops', 'frobnicate'));
    expect(sub.body.text).toMatch(/`\/chatops frobnicate` is not a subcommand.*Usage: `\/chatops /);
    const malformed = await deliver(slashCommand('/jira', 'report=nope project=PAY'));
    expect(malformed.body).toMatchObject({ response_type: 'ephemeral' });
    expect(malformed.body.text).toContain(
      '`report` must be one of sprint, velocity, cycle-time, blockers, workload, forecast, config, sync',
    );
    expect(await taskCount()).toBe(before);
  });

  it('runs /chatops status through the umbrella command, answering in the channel', async () => {
    const answer = await deliver(slashCommand('/chatops', 'status'));
    expect(answer.status).toBe(200);
    const [post] = await eventually(async () => (posts().length === 1 ? posts() : null));
    expect(post?.args.channel).toBe(CHANNEL);
    expect(post?.args.thread_ts).toBeUndefined();
    expect(String(post?.args.text)).toContain('chatops');
  });

  it('opens a form for /deploy-service without arguments, checks it, and runs the command it submits', async () => {
    const command = slashCommand('/deploy-service', '');
    expect((await deliver(command)).status).toBe(200);
    const view = await deployServiceForm(command.trigger_id);
    const submit = (values: Record<string, unknown>) =>
      deliver(viewSubmission({ viewId: `V0${Date.now()}`, privateMetadata: view.private_metadata, values }));
    const bad = await submit({ 'arg.service': { value: { type: 'plain_text_input', value: 'Payments!' } } });
    expect(bad.body).toMatchObject({ response_action: 'errors' });
    expect(Object.keys(bad.body.errors)).toEqual(['arg.service', 'arg.env']);
    const good = await submit({
      'arg.service': { value: { type: 'plain_text_input', value: 'payments' } },
      'arg.env': { value: { type: 'static_select', selected_option: { value: 'staging' } } },
    });
    expect(good.status).toBe(200);
    const [post] = await eventually(async () => (posts().length === 1 ? posts() : null));
    expect(String(post?.args.text)).toContain('deploy-service handled');
  });

  it('answers a bare command in a message with its form: the button opens the modal, and the command runs in the thread', async () => {
    const mention = appMention({ text: '/deploy-service' });
    expect((await deliver(mention)).status).toBe(200);
    const [post] = await eventually(async () => (posts().length === 1 ? posts() : null));
    expect(post?.args.thread_ts).toBe(mention.event.ts);
    expect(String(post?.args.text)).toContain('/deploy-service needs service, env');
    const blocks = JSON.parse(String(post?.args.blocks)) as {
      type: string;
      block_id?: string;
      elements?: { action_id: string; value?: string; text: { text: string } }[];
    }[];
    const actions = blocks.find((block) => block.type === 'actions');
    const button = actions?.elements?.[0];
    expect(button).toMatchObject({ action_id: 'chatops.form-submit', value: 'deploy-service' });
    expect(button?.text.text).toBe('Fill in the form');
    const before = await taskCount();
    const click = blockAction({
      actionId: String(button?.action_id),
      blockId: String(actions?.block_id),
      value: 'deploy-service',
      messageTs: '1765000000.000009',
      threadTs: mention.event.ts as string,
    });
    expect((await deliver(click)).status).toBe(200);
    const view = await deployServiceForm(click.trigger_id);
    // Opening the form ran nothing.
    expect(await taskCount()).toBe(before);
    const submitted = await deliver(
      viewSubmission({
        viewId: 'V0FROMMESSAGE1',
        privateMetadata: view.private_metadata,
        values: {
          'arg.service': { value: { type: 'plain_text_input', value: 'payments' } },
          'arg.env': { value: { type: 'static_select', selected_option: { value: 'dev' } } },
        },
      }),
    );
    expect(submitted.status).toBe(200);
    const [answer] = await eventually(async () => (posts().length === 2 ? posts().slice(1) : null));
    expect(String(answer?.args.text)).toContain('deploy-service handled');
    expect(answer?.args.thread_ts).toBe(mention.event.ts);
  });

  it('maps a button click to one action task, however quickly it is clicked twice', async () => {
    const mention = appMention({ text: 'status' });
    await deliver(mention);
    const [post] = await eventually(async () => (posts().length === 1 ? posts() : null));
    const blocks = JSON.parse(String(post?.args.blocks)) as { type: string; block_id?: string }[];
    const actions = blocks.find((block) => block.type === 'actions');
    const click = () =>
      blockAction({
        actionId: 'status.refresh',
        blockId: String(actions?.block_id),
        messageTs: '1765000000.000001',
        threadTs: mention.event.ts as string,
      });
    const before = await taskCount();
    const [first, second] = await Promise.all([deliver(click()), deliver(click())]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await eventually(async () => posts().length === 2, 15_000, 'the refreshed status');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(posts()).toHaveLength(2);
    expect(await taskCount()).toBe(before + 1);
    expect(posts()[1]?.args.thread_ts).toBe(mention.event.ts);
    // A button the message does not have runs nothing.
    await deliver(
      blockAction({ actionId: 'status.delete', blockId: String(actions?.block_id), messageTs: '1.2' }),
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await taskCount()).toBe(before + 1);
  });

  it('decides an approval from its buttons: a double click counts once, the requester cannot approve, the change runs once', async () => {
    await harness.runtime.directory.grantRole(
      { tenantId: TEAM, platform: 'slack', externalId: ALICE },
      'approver',
      'test',
    );
    const request = appMention({ text: 'change rotate keys', user: BOB });
    await deliver(request);
    const post = await eventually(async () =>
      posts().find((call) => String(call.args.blocks).includes('approval.approve')),
    );
    const blocks = JSON.parse(String(post?.args.blocks)) as {
      type: string;
      block_id?: string;
      elements?: { value?: string }[];
    }[];
    expect(post?.args.thread_ts).toBe(request.event.ts);
    const actions = blocks.find((block) => block.type === 'actions');
    const approvalId = String(actions?.elements?.[0]?.value);
    const cardTs = '1.1';
    const approve = (user: string) =>
      deliver(
        blockAction({
          actionId: 'approval.approve',
          blockId: String(actions?.block_id),
          value: approvalId,
          messageTs: cardTs,
          threadTs: String(request.event.ts),
          user,
        }),
      );
    // The requester's own click is refused, privately, and counts for nothing.
    expect((await approve(BOB)).status).toBe(200);
    await eventually(async () =>
      slack
        .callsOf('chat.postEphemeral')
        .some((call) => call.args.user === BOB && String(call.args.text).includes('asked for this yourself')),
    );
    const answers = await Promise.all([approve(ALICE), approve(ALICE)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const executed = () =>
      seen.filter(
        (entry) =>
          entry.task.action?.id === APPROVAL_EXECUTE_ACTION && entry.task.action.value === approvalId,
      );
    await eventually(async () => executed().length === 1, 15_000, 'the approved change');
    await eventually(async () =>
      posts().some((call) => String(call.args.text).includes('Changed: rotate keys')),
    );
    // The card is updated for everyone: decided, no buttons left.
    const updated = await eventually(async () =>
      slack
        .callsOf('chat.update')
        .find(
          (call) =>
            String(call.args.blocks).includes('Approved') &&
            !String(call.args.blocks).includes('approval.approve'),
        ),
    );
    expect(updated?.args.channel).toBe(CHANNEL);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(executed()).toHaveLength(1);
    const decisions = await harness.runtime.database.sql<{ user_id: string }>(
      'select user_id from approval_decisions where approval_id = $1',
      [approvalId],
    );
    expect(decisions).toEqual([{ user_id: ALICE }]);
  });

  it('asks for a reason when Reject is clicked, and rejects with it: shown to everyone, nothing runs', async () => {
    await harness.runtime.directory.grantRole(
      { tenantId: TEAM, platform: 'slack', externalId: ALICE },
      'approver',
      'test',
    );
    const request = appMention({ text: 'change drop the cache', user: BOB });
    await deliver(request);
    const post = await eventually(async () =>
      posts().find(
        (call) =>
          String(call.args.blocks).includes('approval.reject') &&
          String(call.args.text).includes('drop the cache'),
      ),
    );
    const actions = (
      JSON.parse(String(post?.args.blocks)) as {
        type: string;
        block_id?: string;
        elements?: { action_id: string; value?: string }[];
      }[]
    ).find((block) => block.type === 'actions');
    const reject = actions?.elements?.find((element) => element.action_id.startsWith('approval.reject'));
    const opened = slack.callsOf('views.open').length;
    expect(
      (
        await deliver(
          blockAction({
            actionId: String(reject?.action_id),
            blockId: String(actions?.block_id),
            value: String(reject?.value),
            messageTs: '1.2',
            threadTs: String(request.event.ts),
          }),
        )
      ).status,
    ).toBe(200);
    const [open] = await eventually(async () =>
      slack.callsOf('views.open').length > opened ? slack.callsOf('views.open').slice(opened) : null,
    );
    const view = JSON.parse(String(open?.args.view));
    expect(view.callback_id).toBe('chatops.reject-reason');
    const submitted = await deliver(
      viewSubmission({
        viewId: 'V0REJECT001',
        callbackId: view.callback_id,
        privateMetadata: view.private_metadata,
        values: { reason: { reason: { type: 'plain_text_input', value: 'Not during the <!here> freeze' } } },
      }),
    );
    expect(submitted.status).toBe(200);
    const updated = await eventually(async () =>
      slack
        .callsOf('chat.update')
        .find((call) => String(call.args.blocks).includes('Not during the &lt;!here&gt; freeze')),
    );
    expect(String(updated?.args.blocks)).toContain('Rejected');
    expect(String(updated?.args.blocks)).not.toContain('approval.reject');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen.filter((entry) => entry.task.action?.id === APPROVAL_EXECUTE_ACTION)).toHaveLength(0);
  });

  it('shows progress in one message updated in place, then replaced by the answer', async () => {
    await deliver(appMention({ text: 'slow-report' }));
    await eventually(async () => slack.callsOf('chat.update').length === 2, 15_000, 'two updates');
    expect(posts()).toHaveLength(1);
    const [first, second] = slack.callsOf('chat.update');
    expect(String(posts()[0]?.args.text)).toContain('Fetching issues');
    expect(first?.args.ts).toBe(second?.args.ts);
    expect(String(second?.args.blocks)).toContain('feedback.up');
  });

  it('renders injection strings literally', async () => {
    // What people type literally reaches the bot escaped by Slack; the skill echoes it back.
    const typed =
      '&lt;!channel&gt; &lt;!here&gt; &lt;@U0ALICE0001&gt; &lt;https://evil.example|Jira&gt; &amp; co';
    await deliver(slashCommand('/hr', typed));
    const [post] = await eventually(async () => (posts().length === 1 ? posts() : null));
    const text = String(post?.args.blocks);
    expect(text).toContain('&lt;!channel&gt; &lt;!here&gt; &lt;@U0ALICE0001&gt; &lt;');
    expect(text).toContain('|Jira&gt; &amp; co');
    expect(text).not.toMatch(/<!channel>|<!here>|<@U0ALICE0001>|\|Jira>/);
    expect(String(post?.args.text)).not.toMatch(/<!channel>|<!here>/);
  });

  it('delays a throttled channel by its Retry-After without stalling another channel', async () => {
    slack.throttle(CHANNEL, 1, 7);
    const started = Date.now();
    await deliver(appMention({ text: 'status' }));
    await eventually(async () => slack.calls.some((call) => call.method === 'chat.postMessage'));
    await deliver(appMention({ text: 'status', channel: OTHER_CHANNEL }));
    const [other] = await eventually(async () =>
      posts(OTHER_CHANNEL).length === 1 ? posts(OTHER_CHANNEL) : null,
    );
    expect((other?.at ?? 0) - started).toBeLessThan(5000);
    const attempts = await eventually(
      async () => (posts(CHANNEL).length === 2 ? posts(CHANNEL) : null),
      20_000,
      'the retry',
    );
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(7000);
  }, 30_000);

  it('publishes the App Home with the person’s recent requests, approvals waiting for them and schedules', async () => {
    await deliver(appMention({ text: 'status' }));
    await eventually(async () => posts().length === 1);
    await harness.runtime.directory.grantRole(
      { tenantId: TEAM, platform: 'slack', externalId: ALICE },
      'approver',
      'test',
    );
    await deliver(appMention({ text: 'change rotate the signing key', user: BOB }));
    await eventually(
      async () => (await harness.runtime.approvalsEngine.query.pendingFor(TEAM, 'slack', ALICE)).length === 1,
    );
    await schedulesPort(harness.runtime.schedules, harness.runtime.catalog).upsert({
      name: 'morning-status',
      tenantId: TEAM,
      cron: '0 9 * * 1-5',
      timezone: 'UTC',
      platform: 'slack',
      channel: CHANNEL,
      command: 'status',
      text: '',
      args: {},
      createdBy: ALICE,
      enabled: true,
    });
    await deliver({
      ...appMention({ text: '' }),
      event: { type: 'app_home_opened', user: ALICE, channel: 'D0HOME00001', tab: 'home', event_ts: '1.2' },
    });
    const [publish] = await eventually(async () =>
      slack.callsOf('views.publish').length === 1 ? slack.callsOf('views.publish') : null,
    );
    expect(publish?.args.user_id).toBe(ALICE);
    const view = JSON.parse(String(publish?.args.view));
    expect(view.type).toBe('home');
    const shown = JSON.stringify(view);
    expect(shown).toContain('/status');
    expect(shown).toContain('Change: rotate the signing key');
    expect(shown).toMatch(/Asked by [^*]+ in <#C0GENERAL01> · 0\/1 approvals/);
    expect(shown).toContain('*morning-status* in <#C0GENERAL01>: `/status` at `0 9 * * 1-5` (UTC)');
    expect(shown).not.toContain('not set up');
  });
});
