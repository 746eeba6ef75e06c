import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { skills as installedSkills } from '../../skills/index.ts';
import { APPROVAL_APPROVE_ACTION } from '../../src/core/index.ts';
import { executions, releaseSkill } from '../fixtures/skills/approval-fixtures.ts';
import { approvalsClient } from '../support/approvals-client.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

// Finding 2 of issue 14: one API key posted `/run …` as alice and approved it as bob. Now a key is an
// identity of its own: naming someone needs a scope and is audited, and an approval is decided only by the
// decider's own identity — on the REST API and on /mcp alike. Real gateway, worker, PostgreSQL and Redis.
describe('API keys as identities (gateway with keys, postgresql)', () => {
  let harness: Harness;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    harness = await startHarness({
      database: 'postgresql',
      mode: 'gateway',
      skills: [...installedSkills, releaseSkill],
      env: { API_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    const keys = harness.runtime.apiKeys;
    for (const person of ['alice', 'bob', 'carol'])
      tokens[person] = (await keys.create(`${person}-token`, 'default', { userId: person })).key;
    tokens.bridge = (await keys.create('bridge', 'default')).key;
    tokens.relay = (await keys.create('relay', 'default', { scopes: ['chat', 'act-as'] })).key;
    tokens.decider = (await keys.create('decider', 'default', { scopes: ['chat', 'decide-as'] })).key;
    tokens.librarian = (await keys.create('librarian', 'default', { scopes: ['knowledge'] })).key;
    tokens.scheduler = (await keys.create('scheduler', 'default', { scopes: ['digests'] })).key;
    for (const person of ['bob', 'carol'])
      await harness.runtime.directory.grantRole(
        { tenantId: 'default', platform: 'api', externalId: person },
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

  const bearer = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });
  const post = (name: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    harness.request('POST', '/api/v1/messages', { channel: 'ops', ...body }, { ...bearer(name), ...headers });
  const sql = <Row>(text: string, params: unknown[] = []) => harness.runtime.database.sql<Row>(text, params);
  const userOf = async (taskId: string) => (await harness.runtime.ledger.get(taskId))?.payload.user;
  const people = () => approvalsClient(harness, 'ops', { tokens, reader: String(tokens.bridge) });
  const decisions = (approvalId: string) =>
    sql<{ user_id: string; decision: string }>(
      'select user_id, decision from approval_decisions where approval_id = $1',
      [approvalId],
    );
  const denials = async (approvalId: string) =>
    (
      await sql<{ actor: string; details: { refusal?: string } }>(
        `select actor, details from audit_log where target = $1 and action = 'approval-denied' order by id`,
        [`approval:${approvalId}`],
      )
    ).map((row) => [row.actor, row.details.refusal]);

  it('acts as the key itself by default; naming a person needs act-as (403 with the remedy)', async () => {
    const itself = await post('bridge', { text: '/status' });
    expect(itself.status).toBe(202);
    expect(await userOf(itself.body.taskId)).toEqual({ id: 'key:bridge', name: 'bridge (API key)' });

    const before = await sql<{ count: string }>('select count(*) from tasks');
    const named = await post('bridge', { user: 'alice', text: '/status' });
    expect(named.status).toBe(403);
    expect(named.body.error.code).toBe('SCOPE_REQUIRED');
    expect(named.body.error.message).toContain('API key "bridge" may not act on behalf of "alice"');
    expect(named.body.error.message).toContain('chatops api-key update --name bridge --scopes chat,act-as');
    expect(named.body.error.details).toEqual({ requiredScope: 'act-as', keyScopes: ['chat'] });
    expect(await sql('select count(*) from tasks')).toEqual(before);

    // A personal token is its person: its own name is fine, anyone else's is not.
    const own = await post('alice', { user: 'alice', text: '/status' });
    expect(own.status).toBe(202);
    expect(await userOf(own.body.taskId)).toEqual({ id: 'alice', name: 'alice' });
    expect((await post('alice', { user: 'bob', text: '/status' })).body.error.code).toBe('SCOPE_REQUIRED');
  });

  it('audits an act-as request as "key K on behalf of U"', async () => {
    const posted = await post('relay', { user: 'alice', text: '/status' });
    expect(posted.status).toBe(202);
    expect(await userOf(posted.body.taskId)).toEqual({ id: 'alice', name: 'alice' });
    const [entry] = await sql<{
      actor: string;
      action: string;
      target: string;
      details: Record<string, unknown>;
    }>(`select actor, action, target, details from audit_log where details->>'taskId' = $1`, [
      posted.body.taskId,
    ]);
    expect(entry).toMatchObject({
      actor: 'key:relay',
      action: 'api-key-acted-on-behalf',
      target: 'api:alice',
      details: {
        summary: 'key relay on behalf of alice',
        scope: 'act-as',
        request: 'POST /api/v1/messages',
        channel: 'ops',
      },
    });
    // Acting as itself writes no such row.
    const itself = await post('relay', { text: '/status' });
    expect(await sql(`select 1 from audit_log where details->>'taskId' = $1`, [itself.body.taskId])).toEqual(
      [],
    );
  });

  it('refuses a decision without the decider’s own identity: a name in the body is not one', async () => {
    // The attack of finding 2: one key requests as alice, then approves as bob.
    const client = people();
    const requested = await post('relay', { user: 'alice', text: '/release service=payments env=staging' });
    expect(requested.status).toBe(202);
    await client.finished(requested.body.taskId, ['awaiting_approval']);
    const card = await client.card(requested.body.threadId);
    const click = (name: string, body: Record<string, unknown>) =>
      harness.request(
        'POST',
        '/api/v1/actions',
        { messageId: card.messageId, actionId: APPROVAL_APPROVE_ACTION, ...body },
        bearer(name),
      );

    const asBob = await click('relay', { user: 'bob' });
    expect(asBob.status).toBe(403);
    expect(asBob.body.error.code).toBe('SCOPE_REQUIRED');
    expect(asBob.body.error.message).toContain('may not decide approvals for "bob"');
    expect(asBob.body.error.message).toContain('chatops api-key create --name <name> --user <approver>');
    expect(asBob.body.error.details.requiredScope).toBe('decide-as');

    const asItself = await click('bridge', {});
    expect(asItself.status).toBe(403);
    expect(asItself.body.error).toMatchObject({
      code: 'PERSONAL_TOKEN_REQUIRED',
      details: { keyKind: 'service' },
    });
    expect(asItself.body.error.message).toContain("needs the decider's own identity");
    expect(asItself.body.error.message).toContain('--user <approver>');
    // act-as does not stretch to decisions either, even naming nobody.
    expect((await click('relay', {})).body.error.code).toBe('PERSONAL_TOKEN_REQUIRED');

    expect(await decisions(card.approvalId)).toEqual([]);
    expect((await client.card(requested.body.threadId)).status).toBe('pending');

    // bob's own token decides, as bob.
    const approved = await client.click('bob', card.messageId, APPROVAL_APPROVE_ACTION);
    expect(approved.text).toContain('bob approved (1 of 1)');
    await eventually(async () => executions.length === 1, 15_000, 'the release');
    expect(executions[0]).toMatchObject({ approvalId: card.approvalId, approvers: ['bob'] });
  });

  it('lets a personal token approve, but never its own request', async () => {
    const client = people();
    const asked = await client.ask('carol', '/release service=search env=staging');
    expect(asked.task.status).toBe('awaiting_approval');
    const card = await client.card(asked.threadId);
    const own = await client.click('carol', card.messageId, APPROVAL_APPROVE_ACTION);
    expect(own.status).toBe(202);
    expect(own.text).toContain('You asked for this yourself, so you cannot approve it');
    expect(await decisions(card.approvalId)).toEqual([]);
    expect(await denials(card.approvalId)).toEqual([['api:carol', 'self-approval']]);

    const approved = await client.click('bob', card.messageId, APPROVAL_APPROVE_ACTION);
    expect(approved.text).toContain('bob approved (1 of 1)');
    expect(await decisions(card.approvalId)).toEqual([{ user_id: 'bob', decision: 'approved' }]);
  });

  it('lets a key with decide-as decide for the person it names, audited as such', async () => {
    const client = people();
    const asked = await client.ask('alice', '/release service=ledger env=staging');
    const card = await client.card(asked.threadId);
    const clicked = await harness.request(
      'POST',
      '/api/v1/actions',
      { messageId: card.messageId, actionId: APPROVAL_APPROVE_ACTION, user: 'carol' },
      bearer('decider'),
    );
    expect(clicked.status).toBe(202);
    await eventually(async () => (await decisions(card.approvalId)).length === 1, 15_000, 'the decision');
    expect(await decisions(card.approvalId)).toEqual([{ user_id: 'carol', decision: 'approved' }]);
    const [entry] = await sql<{ actor: string; details: Record<string, unknown> }>(
      `select actor, details from audit_log where action = 'api-key-acted-on-behalf' and details->>'taskId' = $1`,
      [clicked.body.taskId],
    );
    expect(entry).toMatchObject({
      actor: 'key:decider',
      details: {
        summary: 'key decider on behalf of carol',
        scope: 'decide-as',
        actionId: APPROVAL_APPROVE_ACTION,
      },
    });
    // The decision's own audit entry names the key too (audit entries are appended in batches: wait for it).
    const decided = await eventually(
      async () =>
        (
          await sql<{ actor: string; details: { onBehalfOf?: Record<string, string> } }>(
            `select actor, details from audit_log where target = $1 and action = 'approval-decided'`,
            [`approval:${card.approvalId}`],
          )
        )[0],
      15_000,
      'the decision audit entry',
    );
    expect(decided).toMatchObject({
      actor: 'api:carol',
      details: {
        onBehalfOf: { apiKey: 'decider', scope: 'decide-as', summary: 'key decider on behalf of carol' },
      },
    });
  });

  it('lets act-as withdraw the person’s own request, but not cancel as someone else (the engine checks too)', async () => {
    const client = people();
    const requested = await post('relay', { user: 'alice', text: '/release service=queue env=staging' });
    await client.finished(requested.body.taskId, ['awaiting_approval']);
    const card = await client.card(requested.body.threadId);
    // Cancelling as bob, an approver, is deciding for bob: refused by the approvals engine.
    const asBob = await post('relay', { user: 'bob', text: `/approvals cancel ${card.approvalId}` });
    expect(asBob.status).toBe(202);
    const refused = await client.finished(asBob.body.taskId, ['succeeded', 'failed']);
    expect(refused.replies.map((reply: { text: string }) => reply.text).join('\n')).toContain(
      'API key relay acts for bob but may not decide approvals for them',
    );
    expect(await denials(card.approvalId)).toEqual([['api:bob', 'not-own-identity']]);
    expect((await client.card(requested.body.threadId)).status).toBe('pending');
    // Withdrawing alice's own request for her is acting for her.
    const asAlice = await post('relay', {
      user: 'alice',
      text: `/approvals cancel ${card.approvalId} not needed`,
    });
    await client.finished(asAlice.body.taskId, ['succeeded', 'failed']);
    expect((await client.card(requested.body.threadId)).status).toBe('cancelled');
    const [cancelled] = await sql<{ details: { onBehalfOf?: { summary: string } } }>(
      `select details from audit_log where target = $1 and action = 'approval-cancelled'`,
      [`approval:${card.approvalId}`],
    );
    expect(cancelled?.details.onBehalfOf?.summary).toBe('key relay on behalf of alice');
  });

  it('lists approvals for the caller; another person’s list needs act-as', async () => {
    const client = people();
    const asked = await client.ask('alice', '/release service=billing env=staging');
    const card = await client.card(asked.threadId);
    const mine = await harness.request('GET', '/api/v1/approvals', undefined, bearer('bob'));
    expect(mine.status).toBe(200);
    expect(mine.body.user).toBe('bob');
    expect(mine.body.waiting.map((entry: { approvalId: string }) => entry.approvalId)).toContain(
      card.approvalId,
    );
    const requested = await harness.request('GET', '/api/v1/approvals', undefined, bearer('alice'));
    expect(requested.body.requested.map((entry: { approvalId: string }) => entry.approvalId)).toContain(
      card.approvalId,
    );
    const other = await harness.request('GET', '/api/v1/approvals?user=bob', undefined, bearer('alice'));
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('SCOPE_REQUIRED');
  });

  it('holds every route to its scope, with the remedy', async () => {
    const kb = await harness.request('GET', '/api/v1/kb/collections', undefined, bearer('bridge'));
    expect(kb.status).toBe(403);
    expect(kb.body.error).toMatchObject({ code: 'SCOPE_REQUIRED', details: { requiredScope: 'knowledge' } });
    expect(kb.body.error.message).toContain('--scopes chat,knowledge');
    expect(
      (await harness.request('GET', '/api/v1/kb/collections', undefined, bearer('librarian'))).status,
    ).toBe(200);
    const chat = await post('librarian', { text: '/status' });
    expect(chat.status).toBe(403);
    expect(chat.body.error.details.requiredScope).toBe('chat');
    expect((await harness.request('GET', '/api/v1/channels', undefined, bearer('librarian'))).status).toBe(
      403,
    );
    // Digests are an operator's: they post tenant-wide numbers into any channel.
    const digests = await harness.request('GET', '/api/v1/digests', undefined, bearer('bridge'));
    expect(digests.status).toBe(403);
    expect(digests.body.error).toMatchObject({
      code: 'SCOPE_REQUIRED',
      details: { requiredScope: 'digests' },
    });
    expect((await harness.request('GET', '/api/v1/digests', undefined, bearer('scheduler'))).status).toBe(
      200,
    );
  });

  describe('over MCP (/mcp) with the same keys', () => {
    const connect = async (name: string) => {
      const client = new Client({ name: 'identity-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${harness.baseUrl}/mcp`), {
          requestInit: { headers: bearer(name) },
        }),
      );
      return client;
    };
    const mcpCard = async (requester: string) => {
      const listing = await eventually(async () => {
        const { body } = await harness.request('GET', '/api/v1/approvals', undefined, bearer(requester));
        const fromMcp = (body.requested ?? []).filter(
          (entry: { channel: string }) => entry.channel === 'mcp',
        );
        return fromMcp.length > 0 ? fromMcp : undefined;
      });
      return listing.at(-1) as { approvalId: string; messageId: string };
    };

    it('requests as the key’s person, who then cannot approve their own request through the API', async () => {
      const client = await connect('alice');
      try {
        const result = await client.callTool({
          name: 'release',
          arguments: { request: 'service=mcp-api env=staging' },
        });
        expect(JSON.stringify(result.content)).toContain('awaiting_approval');
      } finally {
        await client.close();
      }
      const card = await mcpCard('alice');
      const [approval] = await sql<{ requested_by: string }>(
        'select requested_by from approvals where id = $1',
        [card.approvalId],
      );
      expect(approval?.requested_by).toBe('api:alice');
      const decide = (name: string) =>
        harness.request(
          'POST',
          '/api/v1/actions',
          { messageId: card.messageId, actionId: APPROVAL_APPROVE_ACTION },
          bearer(name),
        );
      expect((await decide('alice')).status).toBe(202);
      await eventually(async () => (await denials(card.approvalId)).length === 1, 15_000, 'the refusal');
      expect(await denials(card.approvalId)).toEqual([['api:alice', 'self-approval']]);
      expect((await decide('bob')).status).toBe(202);
      await eventually(async () => (await decisions(card.approvalId)).length === 1, 15_000, 'the decision');
      expect(await decisions(card.approvalId)).toEqual([{ user_id: 'bob', decision: 'approved' }]);
    });

    it('requests as the service key itself, and refuses a key without the chat scope', async () => {
      const client = await connect('bridge');
      try {
        await client.callTool({ name: 'status', arguments: {} });
      } finally {
        await client.close();
      }
      const [task] = await sql<{ user_id: string }>(
        `select user_id from tasks where platform = 'mcp' order by received_at desc limit 1`,
      );
      expect(task?.user_id).toBe('key:bridge');
      const refused = await fetch(`${harness.baseUrl}/mcp`, {
        method: 'POST',
        headers: {
          ...bearer('librarian'),
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('SCOPE_REQUIRED');
    });
  });
});
