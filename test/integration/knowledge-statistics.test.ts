import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import type { KnowledgeService } from '../../src/knowledge/service.ts';
import type { SourceItem } from '../../src/knowledge/sources/index.ts';
import type { DatabaseKind } from '../support/harness.ts';
import { knowledgeDatabase, LetterEmbeddings, scope } from '../support/knowledge.ts';

// The BM25 statistics on PostgreSQL and PGlite: after every kind of write (a new document, a new version,
// a deletion, a re-sync that drops a document, a re-embedding, a deleted collection) the per-collection
// term counts and totals equal what the postings say, and ranking reads only what the reader may read.
function item(uri: string, text: string): SourceItem {
  return {
    uri,
    name: uri.split('/').pop() ?? uri,
    source: 'chat',
    mediaType: 'text/markdown',
    bytes: new TextEncoder().encode(text),
  };
}

const VACUUM = '# Vacuum\n\nVacuum reclaims storage held by dead tuples. Run vacuum after bulk deletes.';
const LOCKS = '# Locks\n\nA lock protects a table. Deadlocks are detected and one transaction is aborted.';
const LOCKS_V2 =
  '# Locks\n\nAdvisory locks are application-defined locks. Use them for job queues and leader election.';

describe.each<DatabaseKind>(['postgresql', 'pglite'])('knowledge statistics on %s', (kind) => {
  let database: Database;
  let service: KnowledgeService;
  let close: () => Promise<void>;
  const admin = scope({ tenantId: 'acme', channel: null, readers: [], admin: true });

  beforeAll(async () => {
    ({ database, service, close } = await knowledgeDatabase(kind));
  });
  afterAll(async () => {
    await close?.();
  });

  /** The statistics as stored, and as recomputed from the postings: they must be equal. */
  async function statistics(collection: string) {
    const [id] = await database.sql<{ id: string }>('select id from kb_collections where name = $1', [
      collection,
    ]);
    const stored = await database.sql<{ term: string; chunks: number }>(
      'select term, chunks from kb_term_stats where collection_id = $1 and chunks <> 0 order by term',
      [id?.id],
    );
    const recomputed = await database.sql<{ term: string; chunks: number }>(
      'select term, count(*)::int as chunks from kb_postings where collection_id = $1 group by term order by term',
      [id?.id],
    );
    const [totals] = await database.sql<{ chunks: number; documents: number; length: string }>(
      'select chunks, documents, length from kb_collection_stats where collection_id = $1',
      [id?.id],
    );
    const [actual] = await database.sql<{ chunks: number; documents: number; length: string }>(
      `select count(*)::int as chunks, count(distinct k.document_id)::int as documents,
         coalesce((select sum(length) from (select distinct on (chunk_id) chunk_id, length from kb_postings
           where collection_id = $1 order by chunk_id) lengths), 0) as length
       from kb_chunks k where k.collection_id = $1`,
      [id?.id],
    );
    return {
      stored: stored.map((row) => [row.term, Number(row.chunks)]),
      recomputed: recomputed.map((row) => [row.term, Number(row.chunks)]),
      totals: {
        chunks: Number(totals?.chunks ?? 0),
        documents: Number(totals?.documents ?? 0),
        length: Number(totals?.length ?? 0),
      },
      actual: {
        chunks: Number(actual?.chunks),
        documents: Number(actual?.documents),
        length: Number(actual?.length),
      },
    };
  }

  async function expectConsistent(collection: string) {
    const stats = await statistics(collection);
    expect(stats.stored).toEqual(stats.recomputed);
    expect(stats.totals).toEqual(stats.actual);
    return stats;
  }

  it('keeps term counts and totals in step through ingest, new versions and deletion (as a re-sync deletes)', async () => {
    const collection = await service.ensureCollection('acme', 'ops');
    await service.ingestItems(collection, [item('mem://vacuum.md', VACUUM), item('mem://locks.md', LOCKS)]);
    const first = await expectConsistent('ops');
    expect(first.totals.documents).toBe(2);
    expect(first.stored).toContainEqual(['vacuum', 1]);
    expect(first.stored).toContainEqual(['deadlock', 1]);

    // A new version swaps the old counts for the new ones: "deadlock" is gone, "advisori" arrives.
    await service.ingestItems(collection, [item('mem://locks.md', LOCKS_V2)]);
    const second = await expectConsistent('ops');
    expect(second.stored.map(([term]) => term)).not.toContain('deadlock');
    expect(second.stored).toContainEqual(['advisori', 1]);
    expect(second.totals.documents).toBe(2);

    await service.store.deleteDocument(collection.id, 'mem://vacuum.md');
    const third = await expectConsistent('ops');
    expect(third.stored.map(([term]) => term)).not.toContain('vacuum');
    expect(third.totals).toMatchObject({ documents: 1 });

    // Full-text search ranks with what is left: the deleted document is not found.
    const { sources } = await service.searchFor('vacuum dead tuples', admin, { mode: 'fulltext' });
    expect(sources.map((source) => source.uri)).not.toContain('mem://vacuum.md');
  });

  it('leaves the statistics unchanged when a collection is re-embedded, and drops them with it', async () => {
    const collection = await service.ensureCollection('acme', 'embedded');
    await service.ingestItems(collection, [item('mem://vacuum.md', VACUUM), item('mem://locks.md', LOCKS)]);
    const before = await expectConsistent('embedded');
    const ranked = await service.searchFor('deadlocks aborted', admin, {
      mode: 'fulltext',
      collection: 'embedded',
    });
    await service.store.reembed(
      collection,
      { provider: 'letters', model: 'letters-64', dimensions: 64 },
      (texts) => new LetterEmbeddings().embed(texts),
    );
    expect(await expectConsistent('embedded')).toEqual(before);
    const [id] = await database.sql<{ id: string }>('select id from kb_collections where name = $1', [
      'embedded',
    ]);
    await service.store.deleteCollection('acme', 'embedded');
    for (const table of ['kb_postings', 'kb_term_stats', 'kb_collection_stats']) {
      const [count] = await database.sql<{ n: number }>(
        `select count(*)::int as n from ${table} where collection_id = $1`,
        [id?.id],
      );
      expect(count?.n).toBe(0);
    }
    expect(ranked.sources[0]?.uri).toBe('mem://locks.md');
  });

  it('ranks with the statistics of readable collections only, inside the tenant', async () => {
    await service.store.deleteCollection('acme', 'ops');
    const open = await service.ensureCollection('acme', 'open');
    await service.ingestItems(open, [
      item('mem://open/vacuum.md', VACUUM),
      item('mem://open/locks.md', LOCKS),
    ]);
    const reader = scope({ tenantId: 'acme', channel: 'api:general', readers: ['bob'], admin: false });
    // Both documents match, each with its own words: their scores' ratio depends on every term's rarity.
    const before = await service.searchFor('vacuum storage table lock', reader, { mode: 'fulltext' });
    expect(before.sources).toHaveLength(2);
    // A restricted collection full of the same words changes nothing for a reader who may not read it,
    // and another tenant's documents are never seen.
    const secret = await service.ensureCollection('acme', 'secret', {
      access: { visibility: 'restricted', channels: ['api:private'], roles: [], editorRoles: [] },
    });
    await service.ingestItems(
      secret,
      Array.from({ length: 5 }, (_, index) =>
        item(`mem://secret/${index}.md`, `# Vacuum ${index}\n\nvacuum storage vacuum`),
      ),
    );
    const other = await service.ensureCollection('globex', 'open');
    await service.ingestItems(other, [item('mem://globex/vacuum.md', VACUUM)]);
    const after = await service.searchFor('vacuum storage table lock', reader, { mode: 'fulltext' });
    expect(after.sources.map((source) => [source.uri, source.textRank])).toEqual(
      before.sources.map((source) => [source.uri, source.textRank]),
    );
    expect(after.collections).not.toContain('secret');
    const insider = await service.searchFor(
      'vacuum storage',
      { ...reader, channel: 'api:private' },
      { mode: 'fulltext' },
    );
    expect(insider.sources.some((source) => source.uri.startsWith('mem://secret/'))).toBe(true);
  });
});
