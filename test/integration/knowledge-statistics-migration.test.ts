import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { KnowledgeStore } from '../../src/db/knowledge-store.ts';
import type { DatabaseKind } from '../support/harness.ts';
import { createTestDatabase, type TestDatabase } from '../support/services.ts';

// The BM25 statistics migration on a knowledge base that has documents already: it indexes them with the
// code ingestion uses, so the postings and counts equal those of the same documents ingested afterwards.
describe.each<DatabaseKind>(['postgresql', 'pglite'])('statistics migration on %s', (kind) => {
  let database: Database | undefined;
  let server: TestDatabase | null = null;

  afterEach(async () => {
    await database?.close();
    await server?.drop();
  });

  it('indexes the documents stored before it like ingestion would', async () => {
    server = kind === 'postgresql' ? await createTestDatabase() : null;
    database = await openDatabase(
      server ? { kind: 'postgresql', url: server.url, poolMax: 2 } : { kind: 'pglite', dataDir: 'memory://' },
    );
    await database.orm.migrator.up({ to: 'Migration20261202400000_schedules' });
    const chunks = [
      { heading: 'Vacuum', text: 'Vacuum reclaims storage held by dead tuples.' },
      {
        heading: 'Vacuum › Autovacuum',
        text: 'The autovacuum daemon runs vacuum and analyze automatically.',
      },
    ];
    for (const [name, title] of [
      ['old', 'Routine vacuuming'],
      ['new', 'Routine vacuuming'],
    ] as const) {
      await database.sql(
        `insert into kb_collections (id, tenant_id, name, visibility, embedding_provider, embedding_model, dimensions)
         values (gen_random_uuid(), 'acme', $1, 'tenant', 'hashing', 'hashed-trigrams-v1', 512)`,
        [name],
      );
      if (name === 'new') break;
      await database.sql(
        `insert into kb_documents (id, collection_id, tenant_id, source, uri, title, content_hash, mime_type, chunks)
         select gen_random_uuid(), id, 'acme', 'path', 'mem://vacuum.md', $1, 'hash', 'text/markdown', 2
         from kb_collections where name = 'old'`,
        [title],
      );
      for (const [position, chunk] of chunks.entries()) {
        await database.sql(
          `insert into kb_chunks (id, document_id, collection_id, tenant_id, position, heading_path, heading, text)
           select gen_random_uuid(), d.id, d.collection_id, 'acme', $1, '{}', $2, $3 from kb_documents d`,
          [position, chunk.heading, chunk.text],
        );
      }
    }
    await database.migrate();
    // The same document ingested into the other collection after the migration.
    const store = new KnowledgeStore(database);
    const fresh = await store.collection('acme', 'new');
    if (!fresh) throw new Error('collection "new" missing');
    await store.replaceDocument({
      collection: fresh,
      source: 'path',
      uri: 'mem://vacuum.md',
      title: 'Routine vacuuming',
      mimeType: 'text/markdown',
      contentHash: 'hash',
      chunks: chunks.map((chunk, position) => ({
        position,
        headingPath: [chunk.heading],
        page: null,
        text: chunk.text,
        embedding: new Array(512).fill(0.01),
      })),
    });
    const postings = (name: string) =>
      database?.sql<{ term: string; frequency: number; length: number }>(
        `select p.term, p.frequency, p.length from kb_postings p join kb_collections c on c.id = p.collection_id
         join kb_chunks k on k.id = p.chunk_id where c.name = $1 order by k.position, p.term`,
        [name],
      );
    const stats = (name: string) =>
      database?.sql(
        `select s.term, s.chunks from kb_term_stats s join kb_collections c on c.id = s.collection_id
         where c.name = $1 order by s.term`,
        [name],
      );
    const totals = (name: string) =>
      database?.sql(
        `select s.chunks, s.documents, s.length::int from kb_collection_stats s
         join kb_collections c on c.id = s.collection_id where c.name = $1`,
        [name],
      );
    expect((await postings('old'))?.length).toBeGreaterThan(10);
    expect(await postings('old')).toEqual(await postings('new'));
    expect(await stats('old')).toEqual(await stats('new'));
    expect(await totals('old')).toEqual([{ chunks: 2, documents: 1, length: expect.any(Number) }]);
    expect(await totals('old')).toEqual(await totals('new'));
    // The migration also drops the tsvector nothing reads any more.
    const columns = await database.sql<{ column_name: string }>(
      `select column_name from information_schema.columns where table_name = 'kb_chunks'`,
    );
    expect(columns.map((row) => row.column_name)).not.toContain('search');
  });
});
