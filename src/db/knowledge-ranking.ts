/**
 * BM25 ranking in SQL (Robertson & Zaragoza, 2009), the same statement on PostgreSQL and PGlite: the
 * question's terms (src/knowledge/analyzer.ts, as the index's) weighted by inverse document frequency
 * over the readable collections' statistics (kb_term_stats, kb_collection_stats), term frequencies
 * saturated by k1 and normalised by chunk length (b). Two levels are scored and added: the chunk itself,
 * and its document taken whole (the matched terms' frequencies summed over its chunks, against documents'
 * statistics), so a page that covers the whole question lifts its passages above a passage that shares
 * one rare word by chance. Each term reads at most `perTerm` postings, best first by impact (index order):
 * a common word's long list is cut where its contribution has become small, which keeps a query's cost
 * flat as the corpus grows; rare words (the ones that decide a ranking) are read in full.
 *
 * Parameters used: $7 the query terms (jsonb `[{ term, weight }]`), $8 the candidates kept, $13 postings
 * per term. Expects a `readable` CTE (the collections the reader may read) before it.
 */
export interface RankingTuning {
  /** BM25's term-frequency saturation. */
  k1: number;
  /** BM25's length normalisation (0: none, 1: full). */
  b: number;
  /** The document-level score's weight against the chunk's (both scaled to the best candidate's). */
  documentWeight: number;
  /** How fused rankings are combined: weighted reciprocal ranks, or scaled scores. */
  fusion: 'rank' | 'score';
  /** The vector ranking's weight in hybrid fusion (the text ranking's is 1). */
  vectorWeight: number;
  /** Postings read per query term, best first. */
  perTerm: number;
}

export const DEFAULT_TUNING: RankingTuning = {
  k1: 1.2,
  b: 0.75,
  documentWeight: 0.5,
  fusion: 'rank',
  vectorWeight: 0.3,
  perTerm: 1000,
};

/** The CTEs `by_text (chunk_id, text_rank, rank)`: the best `$8` chunks by BM25, best first. */
export function textRankingCtes(tuning: RankingTuning): string {
  const k1 = literal(tuning.k1);
  const b = literal(tuning.b);
  const saturate = (frequency: string, length: string, average: string) =>
    `${frequency} * ${literal(tuning.k1 + 1)} / (${frequency} + ${k1} * (1 - ${b} + ${b} * ${length} / (${average})))`;
  return `
      stats as (
        select coalesce(sum(s.chunks), 0)::float8 as chunks, coalesce(sum(s.documents), 0)::float8 as documents,
               greatest(coalesce(sum(s.length), 0)::float8, 1) as length
        from kb_collection_stats s where s.collection_id = any(array(select id from readable))
      ),
      query_terms as (
        select q.term, max(q.weight) as weight
        from jsonb_to_recordset($7::jsonb) as q(term text, weight float8) group by q.term
      ),
      weights as (
        select q.term,
               q.weight * ln(1 + (s.chunks - f.chunks + 0.5) / (f.chunks + 0.5)) as idf,
               q.weight * ln(1 + (s.documents - f.documents + 0.5) / (f.documents + 0.5)) as document_idf
        from query_terms q cross join stats s
        cross join lateral (
          select sum(ts.chunks)::float8 as chunks, sum(ts.documents)::float8 as documents from kb_term_stats ts
          where ts.collection_id = any(array(select id from readable)) and ts.term = q.term) f
        where f.chunks > 0
      ),
      matches as (
        select p.chunk_id, p.document_id, w.term, w.idf, w.document_idf, p.frequency, p.length, p.document_length
        from readable r cross join weights w
        cross join lateral (
          select p.chunk_id, p.document_id, p.frequency, p.length, p.document_length from kb_postings p
          where p.collection_id = r.id and p.term = w.term order by p.impact desc limit $13) p
      ),
      chunk_scores as (
        select m.chunk_id, m.document_id,
               sum(m.idf * ${saturate('m.frequency', 'm.length', 's.length / greatest(s.chunks, 1)')}) as score
        from matches m cross join stats s group by m.chunk_id, m.document_id
      ),
      document_terms as (
        select m.document_id, max(m.document_idf) as document_idf, sum(m.frequency) as frequency,
               max(m.document_length) as length
        from matches m group by m.document_id, m.term
      ),
      document_scores as (
        select d.document_id,
               sum(d.document_idf * ${saturate('d.frequency', 'd.length', 's.length / greatest(s.documents, 1)')}) as score
        from document_terms d cross join stats s group by d.document_id
      ),
      text_scores as (
        select c.chunk_id,
               c.score / nullif(max(c.score) over (), 0)
                 + ${literal(tuning.documentWeight)} * coalesce(d.score / nullif(max(d.score) over (), 0), 0) as text_rank
        from chunk_scores c left join document_scores d on d.document_id = c.document_id
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
