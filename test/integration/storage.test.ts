import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.ts';
import { ApiKeys } from '../../src/db/api-keys.ts';
import { AuditLog } from '../../src/db/audit-log.ts';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { Directory } from '../../src/db/directory.ts';
import { createTestDatabase, type TestDatabase } from '../support/services.ts';

// The same migrations on PostgreSQL (with pgvector) and on embedded PGlite; the entities agree with them.
describe.each(['postgresql', 'pglite'] as const)('storage on %s', (kind) => {
  let server: TestDatabase | null = null;
  let database: Database;

  beforeAll(async () => {
    server = kind === 'postgresql' ? await createTestDatabase() : null;
    database = await openDatabase(
      server ? { kind: 'postgresql', url: server.url, poolMax: 4 } : { kind: 'pglite', dataDir: 'memory://' },
    );
  });
  afterAll(async () => {
    await database?.close();
    await server?.drop();
  });

  it('applies every migration once and enables the vector extension', async () => {
    const applied = await database.migrate();
    expect(applied).toEqual(migrations.map((migration) => migration.name));
    expect(applied[0]).toBe('Migration20261122000000_enable_vector');
    expect(await database.migrate()).toEqual([]);
    const extensions = await database.sql<{ extname: string }>('select extname from pg_extension');
    expect(extensions.map((row) => row.extname)).toContain('vector');
    const [distance] = await database.sql<{ distance: number }>(
      `select '[1,0]'::vector <=> '[0,1]'::vector as distance`,
    );
    expect(Number(distance?.distance)).toBeCloseTo(1);
  });

  it('has the tables the design names, matching the entity definitions exactly', async () => {
    const tables = await database.sql<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(tables.map((row) => row.table_name)).toEqual(
      expect.arrayContaining([
        'api_keys',
        'approval_decisions',
        'approvals',
        'audit_log',
        'conversation_summaries',
        'conversations',
        'feedback',
        'kb_answers',
        'kb_chunks',
        'kb_collection_stats',
        'kb_collections',
        'kb_documents',
        'kb_embeddings',
        'kb_postings',
        'kb_term_stats',
        'llm_usage',
        'mcp_servers',
        'messages',
        'schedules',
        'tasks',
        'tenants',
        'tool_calls',
        'user_roles',
        'users',
      ]),
    );
    const drift = await database.orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(drift.trim()).toBe('');
  });

  it('keeps the audit log append-only', async () => {
    const audit = new AuditLog(database);
    await audit.append({ tenantId: 'default', actor: 'test', action: 'thing-done', details: { n: 1 } });
    await expect(database.sql(`update audit_log set actor = 'mallory'`)).rejects.toThrow(/append-only/);
    await expect(database.sql('delete from audit_log')).rejects.toThrow(/append-only/);
    await expect(database.sql('truncate audit_log')).rejects.toThrow(/append-only/);
    expect(await audit.recent('default')).toEqual([
      { tenantId: 'default', actor: 'test', action: 'thing-done', details: { n: 1 } },
    ]);
  });

  it('appends audit entries in batches, each as written', async () => {
    const audit = new AuditLog(database);
    const entries = ['one', 'two', 'three'].map((target) => ({
      tenantId: 'batch-tenant',
      actor: 'key:relay',
      action: 'api-key-acted-on-behalf',
      target,
      details: { summary: `key relay on behalf of ${target}` },
    }));
    await Promise.all(entries.map((entry) => audit.appendBatched(entry)));
    expect((await audit.recent('batch-tenant')).reverse()).toEqual(entries);
  });

  it('looks API keys up alone and batched, and a revoke or a change of scopes holds at once', async () => {
    await new Directory(database, new AuditLog(database)).ensureTenant('keys', 'keys', 'api');
    const keys = new ApiKeys(database, new AuditLog(database));
    const { key } = await keys.create('laptop', 'keys', { userId: 'alice', scopes: ['chat', 'act-as'] });
    expect(await keys.verify(key)).toMatchObject({
      name: 'laptop',
      userId: 'alice',
      scopes: ['chat', 'act-as'],
    });
    // A lookup stamps last_used_at (at most once a minute, so lookups stay reads).
    expect((await keys.list('keys'))[0]?.lastUsedAt).toBeInstanceOf(Date);
    const together = await Promise.all([keys.verify(key), keys.verify('cok_unknown'), keys.verify(key)]);
    expect(together.map((owner) => owner?.name ?? null)).toEqual(['laptop', null, 'laptop']);
    expect(await keys.setScopes('laptop', 'keys', ['chat'])).toBe(true);
    expect((await keys.verify(key))?.scopes).toEqual(['chat']);
    expect(await keys.revoke('laptop', 'keys')).toBe(true);
    expect(await keys.verify(key)).toBeNull();
    expect((await keys.list('keys')).map((entry) => [entry.name, entry.userId, entry.revoked])).toEqual([
      ['laptop', 'alice', true],
    ]);
  });

  it('stores users and roles, and audits grants and revokes', async () => {
    const directory = new Directory(database, new AuditLog(database));
    const alice = { tenantId: 'acme', platform: 'api' as const, externalId: 'alice' };
    expect(await directory.grantRole(alice, 'approver', 'cli')).toBe(true);
    expect(await directory.grantRole(alice, 'approver', 'cli')).toBe(false);
    expect(await directory.grantRole(alice, 'sre', 'cli')).toBe(true);
    expect(await directory.rolesOf('acme', 'api', 'alice')).toEqual(['approver', 'sre']);
    expect(await directory.rolesOf('other-tenant', 'api', 'alice')).toEqual([]);
    expect(await directory.revokeRole(alice, 'sre', 'cli')).toBe(true);
    expect(await directory.revokeRole(alice, 'sre', 'cli')).toBe(false);
    expect(await directory.usersWithRoles('acme')).toEqual([
      { platform: 'api', externalId: 'alice', displayName: 'alice', roles: ['approver'] },
    ]);
    const actions = (await new AuditLog(database).recent('acme')).map(
      (entry) => `${entry.action}:${String(entry.details?.role)}`,
    );
    expect(actions).toEqual(['role-revoked:sre', 'role-granted:sre', 'role-granted:approver']);
  });
});
