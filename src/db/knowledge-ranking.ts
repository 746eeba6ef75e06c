/**
 * BM25 ranking in SQL (Robertson & Zaragoza, 2009), the same statement on PostgreSQL and PGlite: the
 * question's terms (src/knowledge/analyzer.ts, as the index's) weighted by inverse document frequency
 * over the readable collections' statistics (kb_term_stats, kb_collection_stats), term frequencies
 * saturated by k1 and normalised by chunk length (b), title and heading occurrences weighted higher at
 * indexing (knowledge-terms.ts). Each term reads at most `perTerm` postings, best first by impact (index order):
 * a common word's long list is cut where its contribution has become small, which keeps a query's cost
 * flat as the corpus grows; rare words (the ones that decide a ranking) are read in full. A synonym's term
 * (weight below 1) reads proportionally fewer.
 *
 * Parameters used: $7 the query terms (jsonb `[{ term, weight }]`), $8 the candidates kept, $13 postings
 * per term. Expects a `readable` CTE (the collections the reader may read) before it.
 */
export interface RankingTuning {
  /** BM25's term-frequency saturation. */
  k1: number;
  /** BM25's length normalisation (0: none, 1: full). */
  b: number;
  /** How fused rankings are combined: weighted reciprocal ranks, or scaled scores. */
  fusion: 'rank' | 'score';
  /** The vector ranking's weight in hybrid fusion (the text ranking's is 1). */
  vectorWeight: number;
  /** Postings read per query term, best first. */
  perTerm: number;
  /** Each further passage of a document already ranked has its score multiplied by this (1: none). */
  sameDocumentDecay: number;
}

export const DEFAULT_TUNING: RankingTuning = {
  k1: 1.2,
  b: 0.75,
  fusion: 'score',
  vectorWeight: 0.3,
  perTerm: 1000,
  sameDocumentDecay: 0.7,
};

/** The CTEs `by_text (chunk_id, text_rank, rank)`: the best `$8` chunks by BM25, best first. */
export function textRankingCtes(tuning: RankingTuning): string {
  const k1 = literal(tuning.k1);
  const b = literal(tuning.b);
  const saturate = (frequency: string, length: string, average: string) =>
    `${frequency} * ${literal(tuning.k1 + 1)} / (${frequency} + ${k1} * (1 - ${b} + ${b} * ${length} / (${average})))`;
  return `
      stats as (
        select coalesce(sum(s.chunks), 0)::float8 as chunks, greatest(coalesce(sum(s.length), 0)::float8, 1) as length
        from kb_collection_stats s where s.collection_id = any(array(select id from readable))
      ),
      query_terms as (
        select q.term, max(q.weight) as weight
        from jsonb_to_recordset($7::jsonb) as q(term text, weight float8) group by q.term
      ),
      weights as (
        select q.term, q.weight,
               q.weight * ln(1 + (s.chunks - f.chunks + 0.5) / (f.chunks + 0.5)) as idf
        from query_terms q cross join stats s
        cross join lateral (
          select sum(ts.chunks)::float8 as chunks from kb_term_stats ts
          where ts.collection_id = any(array(select id from readable)) and ts.term = q.term) f
        where f.chunks > 0
      ),
      matches as (
        select p.chunk_id, w.idf, p.frequency, p.length
        from readable r cross join weights w
        cross join lateral (
          select p.chunk_id, p.frequency, p.length from kb_postings p
          where p.collection_id = r.id and p.term = w.term order by p.impact desc limit ceil($13 * w.weight)::int) p
      ),
      chunk_scores as (
        select m.chunk_id, sum(m.idf * ${saturate('m.frequency', 'm.length', 's.length / greatest(s.chunks, 1)')}) as score
        from matches m cross join stats s group by m.chunk_id
      ),
      text_scores as (
        select c.chunk_id, c.score / nullif(max(c.score) over (), 0) as text_rank from chunk_scores c
      ),
      by_text as (
        select chunk_id, text_rank, row_number() over (order by text_rank desc, chunk_id) as rank
        from text_scores order by text_rank desc, chunk_id limit $8
      ),`;
}

/** The fused score of a chunk found by the vector ranking (`v`) and/or the text ranking (`t`). */
export function fusedScore(tuning: RankingTuning, rrfK: number): string {
  const weight = literal(tuning.vectorWeight);
  if (tuning.fusion === 'rank')
    return `coalesce(1.0 / (${rrfK} + t.rank), 0) + ${weight} * coalesce(1.0 / (${rrfK} + v.rank), 0)`;
  // Scaled scores: the text ranking's best is 1 and the vector's similarities are stretched over 0..1.
  return `coalesce(t.text_rank / nullif(max(t.text_rank) over (), 0), 0)
          + ${weight} * coalesce((v.similarity - min(v.similarity) over ()) / nullif(max(v.similarity) over () - min(v.similarity) over (), 0), 0)`;
}

function literal(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`ranking parameter ${value} is not a number`);
  return String(value);
}
