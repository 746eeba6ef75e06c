import { Migration } from '@mikro-orm/migrations';
import type { EntityManager } from '@mikro-orm/sql';
import { CompiledQuery } from 'kysely';
import type { SqlFunction } from '../src/db/database.ts';
import { moveCounts, NO_COUNTS, writePostings } from '../src/db/knowledge-terms.ts';

/**
 * Corpus statistics for BM25 ranking of the knowledge base (src/db/knowledge-terms.ts): the postings
 * (per chunk and term: weighted frequency, chunk length, and an `impact` that orders each term's
 * postings best first), per-collection term counts (in how many chunks a term occurs) and per-collection
 * totals (chunks, documents, summed chunk length). Documents stored before it are indexed here, one at a time, by the
 * same code the store runs on ingest (terms are analysed in JavaScript, so this is not plain SQL). The
 * generated English `tsvector` of kb_chunks and its GIN index, which ts_rank ranked with before, are
 * dropped: nothing reads them any more, and every insert paid for both.
 */
export class Migration20261208100000KnowledgeTermStatistics extends Migration {
  override name = 'Migration20261208100000_knowledge_term_statistics';

  override async up(): Promise<void> {
    await this.execute(`create table kb_postings (
      chunk_id uuid not null constraint kb_postings_chunk_id_foreign references kb_chunks (id) on delete cascade,
      term text not null,
      collection_id uuid not null,
      frequency real not null,
      length integer not null,
      impact real not null,
      constraint kb_postings_pkey primary key (chunk_id, term)
    );`);
    await this.execute(
      'create index kb_postings_term_index on kb_postings (collection_id, term, impact desc) include (chunk_id, frequency, length);',
    );
    await this.execute(`create table kb_term_stats (
      collection_id uuid not null constraint kb_term_stats_collection_id_foreign references kb_collections (id) on delete cascade,
      term text not null,
      chunks integer not null default 0,
      constraint kb_term_stats_pkey primary key (collection_id, term)
    );`);
    await this.execute(`create table kb_collection_stats (
      collection_id uuid not null constraint kb_collection_stats_collection_id_foreign references kb_collections (id) on delete cascade,
      chunks integer not null default 0,
      documents integer not null default 0,
      length bigint not null default 0,
      constraint kb_collection_stats_pkey primary key (collection_id)
    );`);
    await this.execute('drop index if exists kb_chunks_search_index');
    await this.execute('alter table kb_chunks drop column if exists search');
    // The store's statements use $n parameters, which `execute` does not take: run them through the
    // migration's transaction as the application's database handle does.
    const kysely = (this.getEntityManager() as EntityManager).getKysely();
    const sql = (async (text: string, params: readonly unknown[] = []) =>
      (await kysely.executeQuery(CompiledQuery.raw(text, [...params]))).rows) as SqlFunction;
    const documents = await sql<{ id: string; collection_id: string; title: string }>(
      'select id, collection_id, title from kb_documents order by id',
    );
    for (const document of documents) {
      const chunks = await sql<{ id: string; heading: string; text: string }>(
        'select id, heading, text from kb_chunks where document_id = $1 order by position',
        [document.id],
      );
      const counts = await writePostings(sql, document.collection_id, document.title, chunks);
      await moveCounts(sql, document.collection_id, NO_COUNTS, counts);
    }
  }

  override down(): void {
    for (const table of ['kb_collection_stats', 'kb_term_stats', 'kb_postings']) {
      this.addSql(`drop table if exists ${table} cascade;`);
    }
  }
}
