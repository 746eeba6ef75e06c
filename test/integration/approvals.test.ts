import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { skills as installedSkills } from '../../skills/index.ts';
import { APPROVAL_APPROVE_ACTION, TASK_VERSION, type Task } from '../../src/core/index.ts';
import { executions, releaseSkill } from '../fixtures/skills/approval-fixtures.ts';
import { approvalsClient } from '../support/approvals-client.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

// The approvals engine through the real gateway, queue and worker on PostgreSQL and Redis: who may decide,
// one decision per compare-and-set, binding to the message, expiry, and the audit trail of each of them.
const POLICY = {
  rules: [
    {
      name: 'prod releases',
      action: 'release',
      environment: 'prod',
      approvers: { roles: ['sre'] },
      required: 2,
    },
    { name: 'frozen', action: 'release', environment: 'frozen', approvers: { roles: [] } },
  ],
};

describe('approvals on postgresql', () => {
  let harness: Harness;
  let directory: string;
  let client: ReturnType<typeof approvalsClient>;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'chatops-approvals-'));
    writeFileSync(join(directory, 'approvals.json'), JSON.stringify(POLICY));
    harness = await startHarness({
      database: 'postgresql',
      skills: [...installedSkills, releaseSkill],
      env: { APPROVALS_CONFIG: join(directory, 'approvals.json') },
    });
    client = approvalsClient(harness);
    const grant = (user: string, role: string, tenantId = 'default') =>
      harness.runtime.directory.grantRole({ tenantId, platform: 'api', externalId: user }, role, 'test');
    await grant('bob', 'approver');
    await grant('carol', 'approver');
    for (const user of ['alice', 'carol', 'dave']) await grant(user, 'sre');
    await grant('mallory', 'approver', 'other-tenant');
  });
  afterAll(async () => {
    await harness?.close();
    rmSync(directory, { recursive: true, force: true });
  });
  beforeEach(() => {
    executions.length = 0;
  });

  const sql = <Row>(text: string, params: unknown[] = []) => harness.runtime.database.sql<Row>(text, params);
  const audit = (approvalId: string) =>
    sql<{ actor: string; action: string; details: Record<string, unknown> }>(
      `select actor, action, details from audit_log where target = $1 order by id`,
      [`approval:${approvalId}`],
    );
  const decisions = (approvalId: string) =>
    sql<{ user_id: string; decision: string }>(
      'select user_id, decision from approval_decisions where approval_id = $1',
      [approvalId],
    );
  const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

  it('posts the request, waits, and runs it once after one approver: the thread shows who approved', async () => {
    const asked = await client.ask('alice', '/release service=payments env=staging');
    expect(asked.task.status).toBe('awaiting_approval');
    const card = await client.card(asked.threadId);
    expect(card.status).toBe('pending');
    expect(card.block.summary).toEqual(
      expect.arrayContaining([
        { label: 'Requested by', value: 'alice' },
        { label: 'Action', value: '/release' },
        { label: 'Arguments', value: '{"env":"staging","service":"payments"}' },
        { label: 'Needs', value: '1 approval from role approver, not the requester' },
      ]),
    );
    const approved = await client.click('bob', card.messageId, APPROVAL_APPROVE_ACTION);
    expect(approved.text).toContain('bob approved (1 of 1): /release runs now.');
    await eventually(async () => executions.length === 1, 15_000, 'the release');
    expect(executions[0]).toMatchObject({ approvalId: card.approvalId, approvers: ['bob'] });
    const after = await eventually(async () => {
      const now = await client.card(asked.threadId);
      return now.block.decisions.length === 1 && now.text.includes('ran') ? now : undefined;
    });
    expect(after.status).toBe('approved');
    expect(after.block.decisions[0]).toMatchObject({ by: 'bob', decision: 'approved' });
    expect(after.text).toContain('Approved by bob');
    expect(await client.finished(asked.taskId, ['succeeded'])).toMatchObject({ status: 'succeeded' });
    const messages = await client.thread(asked.threadId);
    expect(messages.map((message) => message.text).join('\n')).toContain(
      'Released payments to staging (approved by bob).',
    );
    expect((await audit(card.approvalId)).map((entry) => entry.action)).toEqual([
      'approval-requested',
      'approval-decided',
      'approval-approved',
      'approval-execution-started',
      'approval-executed',
    ]);
  });

  it('counts a double click once and runs once; the losing click of another approver hears who decided', async () => {
    const asked = await client.ask('alice', '/release service=search env=staging');
    const card = await client.card(asked.threadId);
    const clicks = await Promise.all([
      client.click('bob', card.messageId, APPROVAL_APPROVE_ACTION),
      client.click('bob', card.messageId, APPROVAL_APPROVE_ACTION),
      client.click('carol', card.messageId, APPROVAL_APPROVE_ACTION),
    ]);
    await eventually(async () => executions.length === 1, 15_000, 'the release');
    await settle();
    expect(executions).toHaveLength(1);
    const decided = await decisions(card.approvalId);
    expect(decided).toHaveLength(1);
    const winner = decided[0]?.user_id;
    const texts = clicks.map((click) => click.text);
    expect(texts.filter((text) => text.includes('approved (1 of 1)'))).toHaveLength(1);
    const losers = texts.filter((text) => !text.includes('approved (1 of 1)'));
    expect(losers).toHaveLength(2);
    for (const text of losers) expect(text).toContain(`Already approved by ${winner} at`);
    const refused = clicks.filter((click) => !click.text.includes('approved (1 of 1)'));
    expect(refused.every((click) => click.replies[0]?.reply.visibility === 'ephemeral')).toBe(true);
    const denials = (await audit(card.approvalId)).filter((entry) => entry.action === 'approval-denied');
    expect(denials).toHaveLength(2);
  });

  it('refuses and audits a requester approving their own prod request, and a clicker without the role', async () => {
    const asked = await client.ask('alice', '/release service=payments env=prod');
    const card = await client.card(asked.threadId);
    const own = await client.click('alice', card.messageId, APPROVAL_APPROVE_ACTION);
    expect(own.text).toContain(
      'You asked for this yourself, so you cannot approve it: it needs 2 approvals from role sre',
    );
    expect(own.replies[0]?.reply).toMatchObject({ visibility: 'ephemeral', ephemeralUser: 'alice' });
    const outsider = await client.click('bob', card.messageId, APPROVAL_APPROVE_ACTION);
    expect(outsider.text).toContain('You may not decide this: it needs 2 approvals from role sre');
    expect(outsider.text).toContain('chatops role grant bob sre');
    expect(await decisions(card.approvalId)).toEqual([]);
    const denials = (await audit(card.approvalId)).filter((entry) => entry.action === 'approval-denied');
    expect(denials.map((entry) => [entry.actor, entry.details.refusal])).toEqual([
      ['api:alice', 'self-approval'],
      ['api:bob', 'not-an-approver'],
    ]);
    expect(denials[0]?.details).toMatchObject({
      channel: 'ops',
      thread: asked.threadId,
      messageId: card.messageId,
      action: 'command:release',
      via: { platform: 'api', channel: 'ops', messageId: card.messageId },
    });
    expect(executions).toEqual([]);
  });

  it('runs only after the second distinct approver when two are required', async () => {
    const asked = await client.ask('bob', '/release service=ledger env=prod');
    const card = await client.card(asked.threadId);
    expect((await client.click('carol', card.messageId, APPROVAL_APPROVE_ACTION)).text).toContain(
      'carol approved (1 of 2). Still needed: 1 more',
    );
    expect((await client.click('carol', card.messageId, APPROVAL_APPROVE_ACTION)).text).toContain(
      'already counted (1 of 2 approvals; it still needs 1 more)',
    );
    await settle();
    expect(executions).toEqual([]);
    expect((await client.card(asked.threadId)).text).toContain('Waiting: 1 of 2 approvals (so far carol');
    expect((await client.click('dave', card.messageId, APPROVAL_APPROVE_ACTION)).text).toContain(
      'dave approved (2 of 2)',
    );
    await eventually(async () => executions.length === 1, 15_000, 'the release');
    await settle();
    expect(executions).toHaveLength(1);
    expect(executions[0]?.approvers).toEqual(['carol', 'dave']);
  });

  it("refuses a button carrying another approval's id, and a clicker from another tenant", async () => {
    const first = await client.ask('alice', '/release service=first env=staging');
    const second = await client.ask('alice', '/release service=second env=staging');
    const [cardA, cardB] = [await client.card(first.threadId), await client.card(second.threadId)];
    const forged = await client.click('bob', cardA.messageId, APPROVAL_APPROVE_ACTION, {
      value: cardB.approvalId,
    });
    expect(forged.text).toContain('This button does not belong to that approval, so nothing was decided.');
    // A click task from another tenant naming this approval (what a multi-tenant platform could deliver).
    const foreign: Task = {
      v: TASK_VERSION,
      id: '0190f000-0000-7000-8000-00000000f0f0',
      tenantId: 'other-tenant',
      platform: 'api',
      kind: 'action',
      user: { id: 'mallory', name: 'mallory' },
      channel: 'ops',
      thread: first.threadId,
      text: 'clicked "Approve"',
      action: {
        id: APPROVAL_APPROVE_ACTION,
        value: cardA.approvalId,
        messageId: cardA.messageId,
        skill: 'approvals',
      },
      replyTo: { platform: 'api', tenantId: 'other-tenant', channel: 'ops', thread: first.threadId },
      sourceEventId: 'foreign-click-1',
      receivedAt: new Date().toISOString(),
    };
    await harness.runtime.ledger.record(foreign);
    await harness.runtime.queue.enqueue(foreign);
    await eventually(
      async () =>
        ['succeeded', 'failed'].includes((await harness.runtime.ledger.get(foreign.id))?.status ?? ''),
      20_000,
      'the foreign click',
    );
    const [answer] = await harness.runtime.messages.repliesOf(foreign.id);
    expect(answer?.text).toContain('This approval belongs to another tenant; you cannot decide it.');
    await settle();
    expect(await decisions(cardA.approvalId)).toEqual([]);
    expect(await decisions(cardB.approvalId)).toEqual([]);
    expect(executions).toEqual([]);
    const refusals = [...(await audit(cardA.approvalId)), ...(await audit(cardB.approvalId))]
      .filter((entry) => entry.action === 'approval-denied')
      .map((entry) => [entry.actor, entry.details.refusal, entry.details.clickerTenant]);
    expect(refusals).toEqual(
      expect.arrayContaining([
        ['api:bob', 'forged', 'default'],
        ['api:mallory', 'other-tenant', 'other-tenant'],
      ]),
    );
  });

  it('refuses a click after expiry, shows "expired" to everyone and tells the requester', async () => {
    const asked = await client.ask('alice', '/release service=late env=staging');
    const card = await client.card(asked.threadId);
    await sql(`update approvals set expires_at = now() - interval '1 second' where id = $1`, [
      card.approvalId,
    ]);
    const late = await client.click('bob', card.messageId, APPROVAL_APPROVE_ACTION);
    expect(late.text).toContain('Too late: this approval expired');
    const shown = await eventually(async () => {
      const now = await client.card(asked.threadId);
      return now.status === 'expired' ? now : undefined;
    });
    expect(shown.text).toContain('Expired');
    const thread = (await client.thread(asked.threadId)).map((message) => message.text).join('\n');
    expect(thread).toMatch(/alice, your request "Release late to staging" expired/);
    expect(await client.finished(asked.taskId, ['failed'])).toMatchObject({ status: 'failed' });
    const actions = (await audit(card.approvalId)).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['approval-denied', 'approval-expired']));
    expect(executions).toEqual([]);
  });

  it('expires on its own timer (the delayed job) and by the sweep when a timer is lost', async () => {
    const timed = await client.ask('alice', '/release service=timer env=staging');
    const timedCard = await client.card(timed.threadId);
    await sql(`update approvals set expires_at = now() - interval '1 second' where id = $1`, [
      timedCard.approvalId,
    ]);
    const { expiryJobId } = await import('../../src/queue/approval-timers.ts');
    const timers = await import('bullmq');
    const queue = new timers.Queue('approvals', {
      connection: harness.runtime.redis,
      prefix: harness.prefix,
    });
    const job = await queue.getJob(expiryJobId(timedCard.approvalId));
    expect(await job?.isDelayed()).toBe(true);
    await job?.changeDelay(0);
    await eventually(
      async () => (await client.card(timed.threadId)).status === 'expired',
      15_000,
      'the timer',
    );
    const swept = await client.ask('alice', '/release service=sweep env=staging');
    const sweptCard = await client.card(swept.threadId);
    await (await queue.getJob(expiryJobId(sweptCard.approvalId)))?.remove();
    await sql(`update approvals set expires_at = now() - interval '1 second' where id = $1`, [
      sweptCard.approvalId,
    ]);
    expect(await harness.runtime.approvalsEngine.expiry.sweep()).toBe(1);
    expect((await client.card(swept.threadId)).status).toBe('expired');
    await queue.close();
  });

  it('rejects with a reason: the card shows who rejected and why, nothing runs, the request task fails', async () => {
    const asked = await client.ask('alice', '/release service=billing env=staging');
    const card = await client.card(asked.threadId);
    const rejected = await client.click('bob', card.messageId, 'approval.reject', {
      inputs: { reason: 'not during the freeze' },
    });
    expect(rejected.text).toContain('bob rejected it: not during the freeze. Nothing ran.');
    const shown = await client.card(asked.threadId);
    expect(shown.status).toBe('rejected');
    expect(shown.block.decisions[0]).toMatchObject({
      by: 'bob',
      decision: 'rejected',
      reason: 'not during the freeze',
    });
    expect(shown.text).toContain('Rejected by bob');
    expect(await client.finished(asked.taskId, ['failed'])).toMatchObject({ status: 'failed' });
    expect(executions).toEqual([]);
  });

  it('lists pending approvals with /approvals and GET /api/v1/approvals, and lets the requester cancel', async () => {
    const asked = await client.ask('alice', '/release service=catalog env=staging');
    const card = await client.card(asked.threadId);
    const listed = await client.ask('carol', '/chatops approvals');
    const listing = listed.task.replies[0];
    expect(listing.reply).toMatchObject({ visibility: 'ephemeral', ephemeralUser: 'carol' });
    expect(JSON.stringify(listing.reply.blocks)).toContain('Release catalog to staging');
    const api = await harness.request('GET', '/api/v1/approvals?user=bob');
    expect(api.status).toBe(200);
    const waiting = api.body.waiting.find(
      (entry: { approvalId: string }) => entry.approvalId === card.approvalId,
    );
    expect(waiting).toMatchObject({ requestedBy: 'alice', approvalsRequired: 1, messageId: card.messageId });
    expect(waiting.message.html).toContain('data-action-id="approval.approve"');
    const mine = await harness.request('GET', '/api/v1/approvals?user=alice');
    expect(mine.body.waiting.map((entry: { approvalId: string }) => entry.approvalId)).not.toContain(
      card.approvalId,
    );
    expect(mine.body.requested.map((entry: { approvalId: string }) => entry.approvalId)).toContain(
      card.approvalId,
    );
    const cancelled = await client.ask('alice', `/approvals cancel ${card.approvalId} changed my mind`);
    expect(cancelled.task.replies[0].text).toContain('alice cancelled the request. Nothing ran.');
    expect((await client.card(asked.threadId)).status).toBe('cancelled');
    const detail = await harness.request('GET', `/api/v1/approvals/${card.approvalId}`);
    expect(detail.body).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'alice',
      cancelReason: 'changed my mind',
    });
    expect((await harness.request('GET', '/api/v1/approvals?user=not%20valid')).status).toBe(400);
  });

  it('refuses a request nobody may approve, and audits it', async () => {
    const asked = await client.ask('alice', '/release service=payments env=frozen');
    expect(asked.task.status).toBe('failed');
    expect(asked.task.replies.at(-1).text).toContain('Nobody may approve release here, so it cannot run.');
    const [refused] = await sql<{ action: string; details: Record<string, unknown> }>(
      `select action, details from audit_log where action = 'approval-refused' order by id desc limit 1`,
    );
    expect(refused?.details).toMatchObject({ action: 'command:release', rule: 'rules[1] ("frozen")' });
  });
});
