import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeClient } from '../../src/agent/llm/claude-client.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { AuditLog } from '../../src/db/audit-log.ts';
import type { Database } from '../../src/db/database.ts';
import { Directory } from '../../src/db/directory.ts';
import { READABLE_COLLECTIONS, scopeParams } from '../../src/db/knowledge-search.ts';
import { KnowledgeService } from '../../src/knowledge/service.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { AnthropicMock, assistantMessage, FAKE_ANTHROPIC_KEY, text } from '../support/anthropic-mock.ts';
import type { DatabaseKind } from '../support/harness.ts';
import { FORMATS, knowledgeDatabase, LetterEmbeddings, scope } from '../support/knowledge.ts';

// The knowledge base on real PostgreSQL + pgvector and on PGlite: every format ingested and found, atomic
// re-ingest and dedupe, the access rule inside the SQL, offline and model answers, re-embedding.
describe.each<DatabaseKind>(['postgresql', 'pglite'])('knowledge base on %s', (kind) => {
  let database: Database;
  let service: KnowledgeService;
  let close: () => Promise<void>;
  const admin = scope({ channel: null, readers: [], admin: true });

  beforeAll(async () => {
    ({ database, service, close } = await knowledgeDatabase(kind));
    const handbook = await service.ensureCollection('acme', 'handbook');
    const summary = await service.ingest(handbook, FORMATS, { allowPath: true });
    expect(summary).toMatchObject({ added: 5, failed: [] });
  });
  afterAll(async () => {
    await close?.();
  });

  it.each([
    [
      'markdown',
      'how fast must I acknowledge a PagerDuty page?',
      'runbook.md',
      'On-call runbook',
      ['On-call runbook', 'Paging'],
    ],
    ['text', 'which flights may be booked in business class?', 'travel-policy.txt', 'Travel policy', []],
    [
      'HTML',
      'how do I roll back a bad release?',
      'deploy-guide.html',
      'Deploy guide',
      ['Deploy guide', 'Rollback'],
    ],
    ['PDF', 'how often are service account passwords rotated?', 'handbook.pdf', 'Security handbook', []],
    [
      'DOCX',
      'when do new hires meet their buddy?',
      'onboarding.docx',
      'Onboarding',
      ['Onboarding', 'First week'],
    ],
  ])(
    'ingests %s and finds it first, with its title and heading path',
    async (_format, query, file, title, headingPath) => {
      const { sources } = await service.searchFor(query, admin, { k: 3 });
      expect(sources[0]).toMatchObject({ title, headingPath, collection: 'handbook' });
      expect(sources[0]?.uri).toBe(join(FORMATS, file));
      expect(sources[0]?.score).toBeGreaterThan(0);
    },
  );

  it('cites PDF pages, and keeps scripts, styles and navigation out of HTML chunks', async () => {
    const { sources } = await service.searchFor('service account passwords rotated', admin, { k: 1 });
    expect(sources[0]?.page).toBe(2);
    const html = await database.sql<{ text: string }>(
      `select k.text from kb_chunks k join kb_documents d on d.id = k.document_id where d.uri like '%deploy-guide.html'`,
    );
    const all = html.map((row) => row.text).join(' ');
    expect(all).toContain('kubectl rollout undo deployment/web');
    expect(all).not.toMatch(/not indexed|color: red|Next page|Example Corp/);
  });

  it('re-ingests atomically: unchanged content is skipped, changed content replaces every chunk, duplicates are not stored', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kb-'));
    try {
      const file = join(folder, 'faq.md');
      writeFileSync(file, '# FAQ\n\nThe coffee machine is on the third floor.\n');
      const faq = await service.ensureCollection('acme', 'faq');
      expect(await service.ingest(faq, file, { allowPath: true })).toMatchObject({ added: 1 });
      const [before] = await database.sql<{ id: string }>(
        'select id from kb_chunks where collection_id = $1',
        [faq.id],
      );
      expect(await service.ingest(faq, file, { allowPath: true })).toMatchObject({ unchanged: 1, chunks: 0 });
      writeFileSync(file, '# FAQ\n\nThe coffee machine moved to the fifth floor.\n');
      expect(await service.ingest(faq, file, { allowPath: true })).toMatchObject({ updated: 1 });
      const document = await service.store.documentByUri(faq.id, file);
      expect(document?.version).toBe(2);
      const chunks = await database.sql<{ id: string; text: string }>(
        'select id, text from kb_chunks where collection_id = $1',
        [faq.id],
      );
      expect(chunks.map((chunk) => chunk.text)).toEqual(['The coffee machine moved to the fifth floor.']);
      expect(chunks.map((chunk) => chunk.id)).not.toContain(before?.id);
      const embeddings = await database.sql<{ count: number }>(
        'select count(*)::int as count from kb_embeddings where collection_id = $1',
        [faq.id],
      );
      expect(Number(embeddings[0]?.count)).toBe(1);
      cpSync(file, join(folder, 'copy-of-faq.md'));
      expect(await service.ingest(faq, folder, { allowPath: true })).toMatchObject({
        unchanged: 1,
        duplicates: 1,
      });
      expect(await service.store.deleteDocument(faq.id, file)).toBe(true);
      const left = await database.sql<{ count: number }>(
        'select (select count(*) from kb_chunks where collection_id = $1)::int + (select count(*) from kb_embeddings where collection_id = $1)::int as count',
        [faq.id],
      );
      expect(Number(left[0]?.count)).toBe(0);
      // A re-sync reads the folder again: the copy comes back (its twin is gone), the removed file stays removed.
      rmSync(file);
      expect(await service.sync(await service.collection('acme', 'faq'))).toMatchObject({ added: 1 });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  describe('access', () => {
    beforeAll(async () => {
      const directory = new Directory(database, new AuditLog(database));
      await directory.grantRole({ tenantId: 'acme', platform: 'api', externalId: 'alice' }, 'sre', 'test');
      await directory.grantRole({ tenantId: 'acme', platform: 'api', externalId: 'carol' }, 'sre', 'test');
      const folder = mkdtempSync(join(tmpdir(), 'kb-secret-'));
      writeFileSync(
        join(folder, 'launch.md'),
        '# Launch\n\nThe launch code for the vault is 7741 and only SRE may know it.\n',
      );
      writeFileSync(join(folder, 'security.md'), '# Security room\n\nThe security room door code is 3390.\n');
      const bySre = await service.createCollection('acme', 'sre-only', {
        access: { visibility: 'restricted', channels: [], roles: ['sre'], editorRoles: [] },
      });
      await service.ingest(bySre, join(folder, 'launch.md'), { allowPath: true });
      const byChannel = await service.createCollection('acme', 'security-channel', {
        access: { visibility: 'restricted', channels: ['api:security'], roles: [], editorRoles: [] },
      });
      await service.ingest(byChannel, join(folder, 'security.md'), { allowPath: true });
      rmSync(folder, { recursive: true, force: true });
    });

    const found = async (query: string, where: ReturnType<typeof scope>) =>
      (await service.searchFor(query, where, { k: 10 })).sources.map((source) => source.collection);

    it('gives a channel without access nothing from a restricted collection, however exact the query', async () => {
      expect(await found('launch code for the vault 7741', scope())).not.toContain('sre-only');
      expect(await found('security room door code 3390', scope())).not.toContain('security-channel');
      expect(await found('launch code for the vault 7741', scope({ tenantId: 'other' }))).toEqual([]);
    });

    it('proves it in SQL: the readable-collections condition is what every search starts from', async () => {
      const readable = async (where: ReturnType<typeof scope>) =>
        (
          await database.sql<{ name: string }>(
            `select c.name from kb_collections c where ${READABLE_COLLECTIONS} order by c.name`,
            scopeParams(where),
          )
        ).map((row) => row.name);
      expect(await readable(scope())).toEqual(['faq', 'handbook']);
      expect(await readable(scope({ channel: 'api:security' }))).toEqual([
        'faq',
        'handbook',
        'security-channel',
      ]);
      expect(await readable(scope({ channel: null, readers: ['alice'] }))).toEqual([
        'faq',
        'handbook',
        'sre-only',
      ]);
      expect(await readable(scope({ readers: ['alice', 'bob'] }))).toEqual(['faq', 'handbook']);
      expect(await readable(scope({ readers: ['alice', 'carol'] }))).toEqual(['faq', 'handbook', 'sre-only']);
      expect(await readable(scope({ readers: null }))).toEqual(['faq', 'handbook']);
      expect(await readable(scope({ platform: 'slack', readers: ['alice'] }))).toEqual(['faq', 'handbook']);
      // The restricted chunks are in the table; the condition alone keeps them out.
      const rows = await database.sql<{ restricted: number; visible: number }>(
        `select count(*) filter (where c.name = 'sre-only')::int as restricted,
                count(*) filter (where c.name = 'sre-only' and ${READABLE_COLLECTIONS})::int as visible
         from kb_chunks k join kb_collections c on c.id = k.collection_id`,
        scopeParams(scope({ readers: ['alice', 'bob'] })),
      );
      expect(rows[0]).toEqual({ restricted: 1, visible: 0 });
    });

    it('lets a channel read what it is granted, and a shared channel what every member may read', async () => {
      expect(await found('security room door code', scope({ channel: 'api:security' }))).toContain(
        'security-channel',
      );
      expect(
        await found('launch code for the vault', scope({ channel: null, readers: ['alice'] })),
      ).toContain('sre-only');
      expect(await found('launch code for the vault', scope({ readers: ['alice', 'bob'] }))).not.toContain(
        'sre-only',
      );
      expect(await found('launch code for the vault', scope({ readers: ['alice', 'carol'] }))).toContain(
        'sre-only',
      );
      expect(await found('launch code for the vault', scope({ readers: null }))).not.toContain('sre-only');
    });

    it('tells the asker in a shared channel that more is readable privately, without its content', async () => {
      const answer = await service.ask(
        'what is the launch code for the vault?',
        scope({ readers: ['alice', 'bob'] }),
        {
          llm: null,
          askerScope: scope({ readers: ['alice'] }),
        },
      );
      expect(answer.privateMatches).toBe(1);
      expect(answer.text).not.toContain('7741');
      expect(answer.sources.map((source) => source.collection)).not.toContain('sre-only');
      const privately = await service.ask(
        'what is the launch code for the vault?',
        scope({ readers: ['alice'] }),
        { llm: null },
      );
      expect(privately.text).toContain('7741');
    });
  });

  describe('answers', () => {
    let mock: AnthropicMock | null = null;
    afterEach(() => {
      try {
        mock?.expectClean();
      } finally {
        mock = null;
        nock.cleanAll();
      }
    });

    it('quotes the best passages with numbered citations when no model is configured', async () => {
      const answer = await service.ask('how do I roll back a bad release?', admin, { llm: null });
      expect(answer.mode).toBe('extractive');
      expect(answer.text).toMatch(/kubectl rollout undo deployment\/web.*\[1\]/);
      expect(answer.sources[0]).toMatchObject({ number: 1, title: 'Deploy guide' });
    });

    it('says it does not know, with the closest sources, when nothing covers the question', async () => {
      const answer = await service.ask('what is the guest wifi password in Berlin?', admin, { llm: null });
      expect(answer.mode).toBe('unknown');
      expect(answer.text).toMatch(/^I don't know/);
    });

    it('has Claude answer from the numbered passages, treated as untrusted data', async () => {
      mock = new AnthropicMock().answer({
        message: assistantMessage([text('Laptops must use full-disk encryption [1].')]),
      });
      const llm = new ClaudeClient({
        apiKey: FAKE_ANTHROPIC_KEY,
        baseUrl: 'https://api.anthropic.com',
        model: 'claude-sonnet-5-5',
        maxRetries: 0,
        timeoutMs: 5_000,
        maxOutputTokens: 1024,
        log: silentLogger,
      });
      const answer = await service.ask('must laptops use disk encryption?', admin, { llm });
      expect(answer).toMatchObject({
        mode: 'model',
        model: 'claude-sonnet-5-5',
        text: 'Laptops must use full-disk encryption [1].',
      });
      expect(answer.sources.map((source) => source.number)).toEqual([1]);
      expect(answer.sources[0]?.title).toBe('Security handbook');
      const sent = JSON.stringify(mock.requests[0]?.body);
      expect(sent).toContain('<untrusted-data source=\\"knowledge base\\">');
      expect(sent).toContain('[1] Security handbook');
      expect(sent).toContain('Cite every statement');
    });
  });

  it('re-embeds a collection with another model and vector size, atomically, and searches with it', async () => {
    const letters = new LetterEmbeddings();
    const semantic = new KnowledgeService({
      database,
      config: loadConfig({ CHATOPS_DATA_DIR: 'memory://' }, 'cli').knowledge,
      log: silentLogger,
      provider: letters,
    });
    const notes = await service.ensureCollection('acme', 'notes');
    await service.ingest(notes, join(FORMATS, 'runbook.md'), { allowPath: true });
    expect(notes.embedding).toEqual({ provider: 'hashing', model: 'hashed-trigrams-v1', dimensions: 512 });
    // Until it is re-embedded, the collection refuses documents embedded by another model.
    await expect(
      semantic.ingest(notes, join(FORMATS, 'travel-policy.txt'), { allowPath: true }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      remedy: expect.stringMatching(/chatops kb reembed/),
    });
    const moved = await semantic.reembed('acme', { collection: 'notes' });
    expect(moved).toEqual([
      expect.objectContaining({
        collection: 'notes',
        to: { provider: 'letters', model: 'letters-64', dimensions: 64 },
      }),
    ]);
    expect((await semantic.collection('acme', 'notes')).embedding.dimensions).toBe(64);
    const vectors = await database.sql<{ dimensions: number; count: number }>(
      `select e.dimensions, count(*)::int as count from kb_embeddings e where e.collection_id = $1 group by e.dimensions`,
      [notes.id],
    );
    expect(vectors.map((row) => Number(row.dimensions))).toEqual([64]);
    const indexes = await database.sql<{ indexname: string }>(
      `select indexname from pg_indexes where tablename = 'kb_embeddings' and indexname = 'kb_embeddings_hnsw_64'`,
    );
    expect(indexes).toHaveLength(1);
    const { sources } = await semantic.searchFor('acknowledge PagerDuty page', admin, {
      k: 1,
      collection: 'notes',
      mode: 'vector',
    });
    expect(sources[0]?.title).toBe('On-call runbook');
    expect(letters.calls).toBeGreaterThan(1);
    // Collections still on the old model are searched by full text only, never with mismatched vectors.
    const { sources: old } = await semantic.searchFor('roll back a bad release', admin, {
      k: 1,
      collection: 'handbook',
    });
    expect(old[0]?.title).toBe('Deploy guide');
  });
});
