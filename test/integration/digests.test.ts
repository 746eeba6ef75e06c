import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { skills as installedSkills } from '../../skills/index.ts';
import { APPROVAL_APPROVE_ACTION } from '../../src/core/index.ts';
import { executions, releaseSkill } from '../fixtures/skills/approval-fixtures.ts';
import { approvalsClient } from '../support/approvals-client.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

// Digests through the web chat's path (REST messages → queue → worker → digest skill) and the REST API, on
// PostgreSQL and Redis: previews with the next runs and a sample, list/pause/resume/run/remove, free text
// read as free text, an approvals digest whose buttons decide the approvals, and clear refusals.

// biome-ignore lint/suspicious/noExplicitAny: tests read stored replies field by field
type Json = any;

describe('digests', () => {
  let harness: Harness;
  let chat: ReturnType<typeof approvalsClient>;

  beforeAll(async () => {
    harness = await startHarness({
      skills: [...installedSkills, releaseSkill],
      env: { TASK_BACKOFF_MS: '200' },
    });
    chat = approvalsClient(harness, 'general');
    await harness.runtime.directory.grantRole(
      { tenantId: 'default', platform: 'api', externalId: 'bob' },
      'approver',
      'test',
    );
  });
  afterAll(async () => {
    await harness?.close();
  });
  beforeEach(() => {
    executions.length = 0;
  });

  /** Posts as `user` and returns the text and blocks of the answer. */
  async function say(text: string, user = 'alice', extra: Record<string, unknown> = {}) {
    const posted = await harness.request('POST', '/api/v1/messages', {
      channel: 'general',
      user,
      text,
      ...extra,
    });
    expect(posted.status).toBe(202);
    const task = await chat.finished(String(posted.body.taskId), ['succeeded', 'failed']);
    const reply = task.replies.at(-1) as Json;
    return {
      task,
      text: String(reply?.text ?? ''),
      reply: reply?.reply as Json,
      messageId: reply?.id as string,
    };
  }

  const channelMessages = async (channel: string): Promise<Json[]> =>
    (await harness.request('GET', `/api/v1/channels/${channel}/messages`)).body.messages;

  it('schedules with /digest add: what it understood, the next three runs and a sample of it now', async () => {
    const added = await say('/digest add approvals every day at 9:00 tz=Europe/Berlin');
    expect(added.task.status).toBe('succeeded');
    expect(added.text).toMatch(
      /^Digest dg-[a-z2-9]{6} scheduled: approvals every day at 09:00 \(Europe\/Berlin\)/,
    );
    const fields = added.reply.blocks.find((block: Json) => block.type === 'fields').fields;
    const next = fields.find((field: Json) => field.label === 'Next runs').value.split(' · ');
    expect(next).toHaveLength(3);
    for (const run of next) expect(run).toMatch(/^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} 09:00$/);
    expect(fields.find((field: Json) => field.label === 'Schedule').value).toContain('`0 9 * * *`');
    expect(JSON.stringify(added.reply.blocks)).toContain('Sample, as it would read now:');
    const id = /dg-[a-z2-9]{6}/.exec(added.text)?.[0] ?? '';

    const listed = await say('/digest list');
    expect(listed.reply.blocks[0].rows).toEqual([
      [
        id,
        'approvals',
        'every day at 09:00 (Europe/Berlin)',
        'here',
        expect.stringContaining('09:00'),
        'not yet',
      ],
    ]);
    expect((await say(`/digest pause ${id}`)).text).toContain('paused');
    expect((await say('/digest list')).reply.blocks[0].rows[0][4]).toBe('paused');
    expect((await say(`/digest resume ${id}`)).text).toMatch(/resumed\. Next: /);
    expect((await say(`/digest remove ${id}`)).text).toContain('removed');
    expect((await say('/digest list')).text).toContain('No digests post here yet');
  });

  it('uses the zone the web chat sends when no tz= is given', async () => {
    const added = await say('/digest add usage weekdays at 17:30', 'alice', { timeZone: 'America/New_York' });
    expect(added.text).toContain('weekdays at 17:30 (America/New_York)');
    await say(`/digest remove ${/dg-[a-z2-9]{6}/.exec(added.text)?.[0]}`);
  });

  it('posts an approvals digest now, as its own thread, whose buttons decide the approval', async () => {
    const asked = await chat.ask('alice', '/release service=payments env=staging');
    expect(asked.task.status).toBe('awaiting_approval');
    const card = await chat.card(asked.threadId);
    // Requests from other channels go to an approvers' channel only when an operator says so: in chat,
    // from=all is refused, and a channel's own digest shows only its own requests.
    const refused = await say('/digest add approvals weekdays at 17:30 in #approvers from=all');
    expect(refused.text).toContain('from=all is for operators');
    const added = await harness.request('POST', '/api/v1/digests', {
      kind: 'approvals',
      when: 'weekdays at 17:30',
      channel: 'approvers',
      options: { from: 'all' },
    });
    expect(added.status).toBe(201);
    const id = String(added.body.digest.id);
    expect(id).toMatch(/^dg-[a-z2-9]{6}$/);
    const run = () => harness.request('POST', `/api/v1/digests/${id}/run`);
    expect((await run()).status).toBe(202);
    const digest = await eventually(
      async () => (await channelMessages('approvers')).find((message) => message.skill === 'digest'),
      20_000,
      'the digest post',
    );
    expect(digest.thread).toBe(digest.id);
    expect(digest.text).toMatch(
      /^Approvals digest: \*1\* approval is waiting; the oldest, “Release payments to staging”/,
    );
    const block = digest.reply.blocks.find((entry: Json) => entry.type === 'approval');
    expect(block).toMatchObject({ approvalId: card.approvalId, status: 'pending' });
    expect(JSON.stringify(digest.reply.blocks.at(-1))).toContain(`Digest \`${id}\``);
    const clicked = await chat.click('bob', digest.id, APPROVAL_APPROVE_ACTION, { value: card.approvalId });
    expect(clicked.text).toContain('bob approved (1 of 1)');
    await eventually(async () => executions.length === 1, 15_000, 'the approved release');
    // Run again: nothing waits any more, and quiet periods are skipped by default.
    const before = (await channelMessages('approvers')).length;
    expect((await run()).status).toBe(202);
    await eventually(async () => {
      const rows = await harness.runtime.database.sql<{ status: string }>(
        `select status from digest_runs r join schedules s on s.id = r.schedule_id where s.name = $1 order by r.created_at`,
        [id],
      );
      return rows.length === 2 && rows[1]?.status === 'skipped';
    });
    expect((await channelMessages('approvers')).length).toBe(before);
    const listed = await harness.request('GET', '/api/v1/digests?channel=approvers');
    expect(listed.body.digests[0]).toMatchObject({ id, lastRun: { status: 'skipped' } });
  });

  it('reads free text as a request, proposes it with a button, and schedules it on the click', async () => {
    const proposed = await say('send me a digest of pending approvals every morning');
    expect(proposed.task.skill).toBe('digest');
    expect(proposed.text).toContain('Proposed digest: every day at 09:00');
    const button = proposed.reply.blocks.find((block: Json) => block.type === 'buttons').buttons[0];
    expect(button).toMatchObject({ id: 'digest.create', label: 'Schedule it' });
    expect(JSON.parse(button.value)).toMatchObject({ kind: 'approvals', when: 'every morning' });
    const clicked = await harness.request('POST', '/api/v1/actions', {
      messageId: proposed.messageId,
      actionId: 'digest.create',
      user: 'alice',
    });
    expect(clicked.status).toBe(202);
    const task = await chat.finished(String(clicked.body.taskId), ['succeeded', 'failed']);
    expect(task.replies[0].text).toMatch(/^Digest dg-[a-z2-9]{6} scheduled: approvals every day at 09:00/);
    // A sentence after the command (an MCP client's request) is read as a request, not as subcommand words.
    const typed = await say('/digest please post the usage digest here every monday at 8');
    expect(typed.text).toContain('Proposed digest: every Monday at 08:00');
    expect(
      JSON.parse(typed.reply.blocks.find((block: Json) => block.type === 'buttons').buttons[0].value),
    ).toMatchObject({ kind: 'usage', when: 'every monday at 8' });
    // Words that look like subcommands in a sentence are not run as subcommands.
    const sentence = await say('please remove everything and list my digests');
    expect(sentence.task.status).toBe('succeeded');
    expect(sentence.reply.blocks[0].type).toBe('table');
  });

  it('refuses what it cannot do, saying what would work', async () => {
    const kind = await say('/digest add weather every day at 9:00');
    expect(kind.task.status).toBe('failed');
    expect(kind.text).toContain('"weather" is not a kind of digest');
    expect(kind.text).toMatch(/approvals, deployments, knowledge, usage/);
    // Jira is not configured here: its sprint digest is neither offered nor scheduled.
    const jira = await say('/digest add jira-sprint every day at 9:00');
    expect(jira.task.status).toBe('failed');
    expect(jira.text).toContain('A jira-sprint digest needs jira, which is not set up here.');
    expect(JSON.stringify((await say('/digest help')).reply.blocks)).not.toContain('jira-sprint');
    const when = await say('/digest add usage every 7 minutes');
    expect(when.text).toContain('every 7 minutes does not divide the hour evenly');
    const option = await say('/digest add knowledge every day at 9:00 questions=all');
    expect(option.text).toContain('questions=all is for operators');
    const zone = await say('/digest add usage daily tz=Mars/Olympus');
    expect(zone.text).toContain('"Mars/Olympus" is not a time zone');
    const missing = await say('/digest pause dg-zzzzzz');
    expect(missing.text).toContain('There is no digest dg-zzzzzz here');
  });

  it('offers the same over REST, as an operator of the tenant', async () => {
    const created = await harness.request('POST', '/api/v1/digests', {
      kind: 'knowledge',
      when: 'every monday 9:00',
      channel: 'ops',
      timeZone: 'Europe/Berlin',
      options: { questions: 'all', quiet: 'line' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      cron: '0 9 * * 1',
      when: 'every Monday at 09:00',
      place: { platform: 'api', channel: 'ops' },
      options: { quiet: 'line', questions: 'all' },
      sample: { quiet: true, headline: 'No documents changed, and every question found an answer.' },
    });
    expect(created.body.nextRuns).toHaveLength(3);
    const id = created.body.digest.id;
    const preview = await harness.request('POST', '/api/v1/digests/preview', {
      kind: 'usage',
      when: '0 */6 * * *',
      channel: 'slack:C0123ABCDEF',
    });
    expect(preview.body).toMatchObject({ digest: null, cron: '0 */6 * * *', timeZone: 'UTC' });
    const listed = await harness.request('GET', '/api/v1/digests?channel=ops');
    expect(listed.body.digests.map((digest: Json) => digest.id)).toEqual([id]);
    expect(listed.body.kinds.map((kind: Json) => kind.kind)).toEqual([
      'approvals',
      'deployments',
      'knowledge',
      'usage',
    ]);
    expect((await harness.request('POST', `/api/v1/digests/${id}/pause`)).body.digest).toMatchObject({
      enabled: false,
      nextRuns: [],
    });
    const run = await harness.request('POST', `/api/v1/digests/${id}/run`);
    expect(run.status).toBe(202);
    await chat.finished(run.body.taskId, ['succeeded']);
    const posted = await eventually(async () =>
      (await channelMessages('ops')).find((message) => message.skill === 'digest'),
    );
    expect(posted.text).toBe('Knowledge digest: No documents changed, and every question found an answer.');
    expect((await harness.request('DELETE', `/api/v1/digests/${id}`)).body.removed.id).toBe(id);
    expect((await harness.request('GET', `/api/v1/digests/${id}`)).status).toBe(404);
    const bad = await harness.request('POST', '/api/v1/digests', {
      kind: 'usage',
      when: 'daily',
      channel: 'irc:x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('channel');
  });
});
