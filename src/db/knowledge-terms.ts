import { analyze } from '../knowledge/analyzer.ts';
import type { SqlFunction } from './database.ts';

/**
 * The full-text index the knowledge base ranks with: BM25 (Robertson & Zaragoza, 2009) needs, for every
 * term, how often it occurs in each chunk (kb_postings), in how many chunks of a collection it occurs
 * (kb_term_stats), and the collection's totals (kb_collection_stats) — PostgreSQL's `ts_rank`
 * has no inverse document frequency, so a common word counted as much as a rare one. Terms come from
 * src/knowledge/analyzer.ts. The statistics move with every write, in the writing transaction: a new
 * document adds its counts, a new version swaps its old counts for the new ones in one statement per
 * table, a deletion subtracts them.
 */

/**
 * An occurrence in the document's title or the chunk's heading path counts as this many occurrences in
 * its text (a field weight, as BM25F gives): a passage under "Quotas" is about quotas even where its text
 * says "limits".
 */
export const HEADING_WEIGHT = 2;
/** The chunk length the postings' order assumes (about the chunker's 1,200 characters, in terms). */
const NOMINAL_LENGTH = 120;
const BATCH = 5000;

export interface IndexedChunk {
  id: string;
  heading: string;
  text: string;
}

/** A chunk's terms: weighted frequency per term, and its length (every term occurrence counted once). */
export function chunkTerms(
  title: string,
  chunk: { heading: string; text: string },
  headingWeight = HEADING_WEIGHT,
): { frequencies: Map<string, number>; length: number } {
  const frequencies = new Map<string, number>();
  const heading = [...analyze(title), ...analyze(chunk.heading)];
  const body = analyze(chunk.text);
  for (const term of heading) frequencies.set(term, (frequencies.get(term) ?? 0) + headingWeight);
  for (const term of body) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
  return { frequencies, length: heading.length + body.length };
}

/** What a document contributes to its collection's statistics. */
export interface TermCounts {
  /** Per term, the number of the document's chunks that contain it. */
  terms: Map<string, number>;
  chunks: number;
  length: number;
}

export const NO_COUNTS: TermCounts = { terms: new Map(), chunks: 0, length: 0 };

/**
 * Writes the postings of a document's chunks and returns the document's counts. `impact` (BM25's
 * term-frequency part at a nominal length) orders each term's postings, so a query reads the best ones of
 * a common term first.
 */
export async function writePostings(
  sql: SqlFunction,
  collectionId: string,
  title: string,
  chunks: readonly IndexedChunk[],
  headingWeight = HEADING_WEIGHT,
): Promise<TermCounts> {
  const analysed = chunks.map((chunk) => ({ id: chunk.id, ...chunkTerms(title, chunk, headingWeight) }));
  const length = analysed.reduce((sum, chunk) => sum + chunk.length, 0);
  const counts: TermCounts = { terms: new Map(), chunks: chunks.length, length };
  const rows: unknown[][] = [];
  for (const chunk of analysed) {
    for (const [term, frequency] of chunk.frequencies) {
      counts.terms.set(term, (counts.terms.get(term) ?? 0) + 1);
      const impact = (frequency * 2.2) / (frequency + 1.2 * (0.25 + (0.75 * chunk.length) / NOMINAL_LENGTH));
      rows.push([chunk.id, term, frequency, chunk.length, Math.round(impact * 1e4) / 1e4]);
    }
  }
  for (let start = 0; start < rows.length; start += BATCH) {
    await sql(
      `insert into kb_postings (chunk_id, term, collection_id, frequency, length, impact)
       select (x->>0)::uuid, x->>1, $2, (x->>2)::real, (x->>3)::int, (x->>4)::real
       from jsonb_array_elements($1::jsonb) as x`,
      [JSON.stringify(rows.slice(start, start + BATCH)), collectionId],
    );
  }
  return counts;
}

/** A document's current contribution (read before its chunks are replaced or deleted). */
export async function countsOf(sql: SqlFunction, documentId: string): Promise<TermCounts> {
  const terms = await sql<{ term: string; chunks: number }>(
    `select p.term, count(*)::int as chunks from kb_chunks k join kb_postings p on p.chunk_id = k.id
     where k.document_id = $1 group by p.term`,
    [documentId],
  );
  const [totals] = await sql<{ chunks: number; length: number }>(
    `select count(*)::int as chunks, coalesce(sum(length), 0)::int as length from (
       select distinct on (p.chunk_id) p.chunk_id, p.length from kb_chunks k join kb_postings p on p.chunk_id = k.id
       where k.document_id = $1 order by p.chunk_id) chunks`,
    [documentId],
  );
  return {
    terms: new Map(terms.map((row) => [String(row.term), Number(row.chunks)])),
    chunks: Number(totals?.chunks ?? 0),
    length: Number(totals?.length ?? 0),
  };
}

/**
 * Moves a collection's statistics from a document's old contribution to its new one (either may be
 * empty), in one statement per table. Rows are locked in term order, so concurrent ingests into one
 * collection wait for each other instead of deadlocking.
 */
export async function moveCounts(
  sql: SqlFunction,
  collectionId: string,
  before: TermCounts,
  after: TermCounts,
): Promise<void> {
  const delta = new Map<string, number>();
  for (const [term, chunks] of before.terms) delta.set(term, (delta.get(term) ?? 0) - chunks);
  for (const [term, chunks] of after.terms) delta.set(term, (delta.get(term) ?? 0) + chunks);
  const rows = [...delta]
    .filter(([, change]) => change !== 0)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  if (rows.length > 0) {
    await sql(
      `insert into kb_term_stats (collection_id, term, chunks)
       select $1, x->>0, (x->>1)::int from jsonb_array_elements($2::jsonb) with ordinality as e(x, n)
       order by e.n
       on conflict (collection_id, term) do update set chunks = kb_term_stats.chunks + excluded.chunks`,
      [collectionId, JSON.stringify(rows)],
    );
  }
  const documents = (after.chunks > 0 ? 1 : 0) - (before.chunks > 0 ? 1 : 0);
  await sql(
    `insert into kb_collection_stats (collection_id, chunks, documents, length) values ($1, $2, $3, $4)
     on conflict (collection_id) do update set chunks = kb_collection_stats.chunks + excluded.chunks,
       documents = kb_collection_stats.documents + excluded.documents, length = kb_collection_stats.length + excluded.length`,
    [collectionId, after.chunks - before.chunks, documents, after.length - before.length],
  );
}
