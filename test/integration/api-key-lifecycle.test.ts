import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVAL_APPROVE_ACTION } from '../../src/core/index.ts';
import { ApiKeys, hashApiKey } from '../../src/db/api-keys.ts';
import { AuditLog } from '../../src/db/audit-log.ts';
import { openDatabase } from '../../src/db/database.ts';
import { releaseSkill } from '../fixtures/skills/approval-fixtures.ts';
import { approvalsClient } from '../support/approvals-client.ts';
import { allSkills, type Harness, startHarness } from '../support/harness.ts';
import { createTestDatabase, eventually, REDIS_URL } from '../support/services.ts';

const BIN = new URL('../../bin/chatops.js', import.meta.url).pathname;

/** Runs the real `chatops` binary: another process than the gateway, as an operator would. */
function chatops(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

// Findings 6, 7 and 11 of issue 14: a revoked key kept working for ~30 s (cached lookups); the rate limit
// followed the body's `user`; Idempotency-Keys were global across tenants and endpoints.
describe('API key lifecycle, rate limits and idempotency (gateway, postgresql, redis)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      database: 'postgresql',
      mode: 'gateway',
      skills: [...allSkills, releaseSkill],
      env: { API_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    await harness.runtime.directory.ensureTenant('tenant-b', 'tenant-b', 'api');
    await harness.runtime.directory.grantRole(
      { tenantId: 'default', platform: 'api', externalId: 'bob' },
      'approver',
      'test',
    );
  });
  afterAll(async () => {
    await harness?.close();
  });

  const post = (key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    harness.request(
      'POST',
      '/api/v1/messages',
      { channel: 'general', text: '/status', ...body },
      { authorization: `Bearer ${key}`, ...headers },
    );
  const count = async (text: string, params: unknown[] = []) =>
    Number((await harness.runtime.database.sql<{ count: string }>(text, params))[0]?.count);

  it('refuses a key on the very next request after another ApiKeys (another gateway) revokes it', async () => {
    const { key } = await harness.runtime.apiKeys.create('rotating', 'default');
    const { key: relay } = await harness.runtime.apiKeys.create('relay', 'default', {
      scopes: ['chat', 'act-as'],
    });
    expect((await post(key, {})).status).toBe(202);
    expect((await post(relay, { user: 'alice' })).status).toBe(202);
    // Another process's view of the same database: its own connection pool and its own ApiKeys.
    const other = await openDatabase({ kind: 'postgresql', url: String(harness.databaseUrl), poolMax: 2 });
    try {
      const keys = new ApiKeys(other, new AuditLog(other));
      expect(await keys.revoke('rotating', 'default')).toBe(true);
      expect(await keys.setScopes('relay', 'default', ['chat'])).toBe(true);
    } finally {
      await other.close();
    }
    const refused = await post(key, {});
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHORIZED');
    expect(await count(`select count(*) from tasks where user_id = 'key:rotating'`)).toBe(1);
    // A change of scopes holds at once too.
    expect((await post(relay, { user: 'alice' })).status).toBe(403);
  });

  it('refuses a key on the very next request after `chatops api-key revoke` in another process', async () => {
    const { key } = await harness.runtime.apiKeys.create('ci-bot', 'default');
    expect((await post(key, {})).status).toBe(202);
    const env = {
      DATABASE_URL: String(harness.databaseUrl),
      REDIS_URL,
      QUEUE_PREFIX: harness.prefix,
      LOG_LEVEL: 'warn',
    };
    const revoked = await chatops(['api-key', 'revoke', '--name', 'ci-bot'], env);
    expect(revoked).toMatchObject({ code: 0, out: expect.stringContaining('Revoked ci-bot') });
    expect((await post(key, {})).status).toBe(401);
    expect(
      (await harness.request('GET', '/api/v1/channels', undefined, { authorization: `Bearer ${key}` }))
        .status,
    ).toBe(401);
    // A real process start on a loaded machine can take tens of seconds.
  }, 180_000);

  it('stores the same Idempotency-Key from two tenants as two messages, and retries stay in their tenant', async () => {
    const { key: keyA } = await harness.runtime.apiKeys.create('tenant-a-bot', 'default');
    const { key: keyB } = await harness.runtime.apiKeys.create('tenant-b-bot', 'tenant-b');
    const headers = { 'idempotency-key': 'K-shared-1' };
    const fromA = await post(keyA, { text: 'hello from A' }, headers);
    const fromB = await post(keyB, { text: 'hello from B' }, headers);
    expect(fromA.status).toBe(202);
    expect(fromB.status).toBe(202);
    expect(fromB.body).toMatchObject({ duplicate: false });
    expect(fromB.body.taskId).not.toBe(fromA.body.taskId);
    expect(fromB.body.threadId).not.toBe(fromA.body.threadId);
    const stored = await harness.runtime.database.sql<{ tenant_id: string; text: string }>(
      `select tenant_id, text from messages where author_kind = 'user' and text like 'hello from %' order by text`,
    );
    expect(stored).toEqual([
      { tenant_id: 'default', text: 'hello from A' },
      { tenant_id: 'tenant-b', text: 'hello from B' },
    ]);
    // A retry is still a duplicate of its own tenant's request, never of the other's.
    const retryB = await post(keyB, { text: 'hello from B' }, headers);
    expect(retryB.body).toMatchObject({ taskId: fromB.body.taskId, duplicate: true });
    // Two principals of one tenant are two requests too.
    const { key: otherA } = await harness.runtime.apiKeys.create('tenant-a-other', 'default');
    expect((await post(otherA, { text: 'hello again' }, headers)).body.duplicate).toBe(false);
  });

  it('processes an approve click that reuses the Idempotency-Key of a message', async () => {
    const { key: alice } = await harness.runtime.apiKeys.create('alice-token', 'default', {
      userId: 'alice',
    });
    const { key: bob } = await harness.runtime.apiKeys.create('bob-token', 'default', { userId: 'bob' });
    const client = approvalsClient(harness, 'general', { tokens: { alice, bob }, reader: alice });
    const headers = { 'idempotency-key': 'request-7' };
    const asked = await post(alice, { text: '/release service=api env=staging' }, headers);
    expect(asked.status).toBe(202);
    await client.finished(asked.body.taskId, ['awaiting_approval']);
    const card = await client.card(asked.body.threadId);
    const click = await harness.request(
      'POST',
      '/api/v1/actions',
      { messageId: card.messageId, actionId: APPROVAL_APPROVE_ACTION },
      { authorization: `Bearer ${bob}`, ...headers },
    );
    expect(click.status).toBe(202);
    expect(click.body.duplicate).toBe(false);
    expect(click.body.taskId).not.toBe(asked.body.taskId);
    await eventually(
      async () => (await client.card(asked.body.threadId)).status === 'approved',
      15_000,
      'the approval',
    );
    expect(
      await count('select count(*) from approval_decisions where approval_id = $1', [card.approvalId]),
    ).toBe(1);
  });
});

describe('the REST rate limit follows the key, not the body (API_RATE_LIMIT_PER_MINUTE=5)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      database: 'postgresql',
      mode: 'gateway',
      worker: false,
      env: { API_RATE_LIMIT_PER_MINUTE: '5' },
    });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('does not reset when the body names another user each time', async () => {
    const { key } = await harness.runtime.apiKeys.create('rotator', 'default', {
      scopes: ['chat', 'act-as'],
    });
    const answers = [];
    for (let index = 0; index < 8; index += 1) {
      answers.push(
        await harness.request(
          'POST',
          '/api/v1/messages',
          { channel: 'general', user: `user-${index}`, text: '/status' },
          { authorization: `Bearer ${key}` },
        ),
      );
    }
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
    expect(answers[5]?.body.error.message).toContain('API key "rotator" sent more than 5 requests');
    expect(answers[5]?.headers.get('retry-after')).toMatch(/^\d+$/);
    const [tasks] = await harness.runtime.database.sql<{ count: string }>('select count(*) from tasks');
    expect(Number(tasks?.count)).toBe(5);
    // Reads count against the same key; another key has its own budget.
    expect(
      (await harness.request('GET', '/api/v1/channels', undefined, { authorization: `Bearer ${key}` }))
        .status,
    ).toBe(429);
    const { key: other } = await harness.runtime.apiKeys.create('other', 'default');
    expect(
      (
        await harness.request(
          'POST',
          '/api/v1/messages',
          { channel: 'general', text: '/status' },
          { authorization: `Bearer ${other}` },
        )
      ).status,
    ).toBe(202);
  });
});

// Keys made before scopes existed keep what their integrations use, except deciding for others.
describe('the migration to scoped keys', () => {
  it('gives existing keys chat, knowledge and act-as, and new ones chat', async () => {
    const server = await createTestDatabase();
    const database = await openDatabase({ kind: 'postgresql', url: server.url, poolMax: 2 });
    try {
      await database.orm.migrator.up({ to: 'Migration20261202400000_schedules' });
      await database.sql(`insert into tenants (id, name, platform) values ('default', 'default', 'api')`);
      await database.sql(
        `insert into api_keys (id, tenant_id, name, key_hash, key_prefix)
         values ('01a20476-accb-7280-a646-d78271d2ab76', 'default', 'old-bridge', $1, 'cok_oldkey')`,
        [hashApiKey('cok_old-bridge-key')],
      );
      // Later migrations run too; this one must be among them.
      expect(await database.migrate()).toContain('Migration20261207100000_api_key_identities');
      const keys = new ApiKeys(database, new AuditLog(database));
      expect(await keys.verify('cok_old-bridge-key')).toMatchObject({
        name: 'old-bridge',
        scopes: ['chat', 'knowledge', 'act-as'],
        userId: null,
      });
      const { key } = await keys.create('new-bridge', 'default');
      expect((await keys.verify(key))?.scopes).toEqual(['chat']);
    } finally {
      await database.close();
      await server.drop();
    }
  });
});
