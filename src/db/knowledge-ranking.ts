/**
 * The knowledge base's two rankings and their fusion.
 *
 * Full text is BM25 in SQL (Robertson & Zaragoza, 2009), the same statement on PostgreSQL and PGlite: the
 * question's terms (src/knowledge/analyzer.ts, as the index's) weighted by inverse document frequency over
 * the readable collections' statistics (kb_term_stats, kb_collection_stats), term frequencies saturated by
 * k1 and normalised by chunk length (b), title and heading occurrences weighted higher at indexing
 * (knowledge-terms.ts). Each term reads at most `perTerm` postings, best first by impact (index order): a
 * common word's long list is cut where its contribution has become small, which keeps a query's cost flat
 * as the corpus grows; rare words (the ones that decide a ranking) are read in full. A synonym's term
 * (weight below 1) reads proportionally fewer.
 *
 * Fusion happens here, on the candidates of both: scaled scores by default (the text ranking's best is 1,
 * the vector similarities are stretched over 0..1 and weighted lower), so the weaker ranking reorders close
 * calls without outvoting a clear winner; then each further passage of a document already placed is
 * discounted, so the first results come from different pages.
 */
export interface RankingTuning {
  /** BM25's term-frequency saturation. */
  k1: number;
  /** BM25's length normalisation (0: none, 1: full). */
  b: number;
  /** How fused rankings are combined: scaled scores, or weighted reciprocal ranks (for comparison). */
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

/** Reciprocal rank fusion constant (Cormack et al., 2009), for the 'rank' fusion. */
const RRF_K = 60;

/**
 * The CTEs of the BM25 ranking, ending in `by_text (chunk_id, text_rank)`: the best `candidates` chunks,
 * best first, scored relative to the best (1). Expects a `readable` CTE (the collections the reader may
 * read) before it; `terms` is a jsonb `[{ term, weight }]` parameter.
 */
export function textRankingCtes(
  tuning: RankingTuning,
  parameters: { terms: string; candidates: string; perTerm: string },
): string {
  const k1 = literal(tuning.k1);
  const b = literal(tuning.b);
  return `
      stats as (
        select coalesce(sum(s.chunks), 0)::float8 as chunks, greatest(coalesce(sum(s.length), 0)::float8, 1) as length
        from kb_collection_stats s where s.collection_id = any(array(select id from readable))
      ),
      query_terms as (
        select q.term, max(q.weight) as weight
        from jsonb_to_recordset(${parameters.terms}::jsonb) as q(term text, weight float8) group by q.term
      ),
      weights as (
        select q.term, q.weight, q.weight * ln(1 + (s.chunks - f.chunks + 0.5) / (f.chunks + 0.5)) as idf
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
          where p.collection_id = r.id and p.term = w.term
          order by p.impact desc limit ceil(${parameters.perTerm}::int * w.weight)::int) p
      ),
      chunk_scores as (
        select m.chunk_id,
               sum(m.idf * m.frequency * ${literal(tuning.k1 + 1)}
                   / (m.frequency + ${k1} * (1 - ${b} + ${b} * m.length / (s.length / greatest(s.chunks, 1))))) as score
        from matches m cross join stats s group by m.chunk_id
      ),
      best as (select chunk_id, score from chunk_scores order by score desc, chunk_id limit ${parameters.candidates}::int),
      by_text as (select chunk_id, score / nullif(max(score) over (), 0) as text_rank from best)`;
}

/** A candidate of one ranking, best first. */
export interface Candidate {
  chunkId: string;
  documentId: string;
  /** Cosine similarity (vector) or score relative to the best (text). */
  score: number;
}

export interface FusedCandidate {
  chunkId: string;
  score: number;
  similarity: number;
  textRank: number;
}

/** Both rankings fused (either may be empty), the per-document discount applied, the best `k` first. */
export function fuse(
  vector: readonly Candidate[],
  text: readonly Candidate[],
  tuning: RankingTuning,
  k: number,
): FusedCandidate[] {
  const byChunk = new Map<string, FusedCandidate & { documentId: string }>();
  const entry = (candidate: Candidate) => {
    const found = byChunk.get(candidate.chunkId);
    if (found) return found;
    const created = {
      chunkId: candidate.chunkId,
      documentId: candidate.documentId,
      score: 0,
      similarity: 0,
      textRank: 0,
    };
    byChunk.set(candidate.chunkId, created);
    return created;
  };
  const both = vector.length > 0 && text.length > 0;
  const weight = both ? tuning.vectorWeight : 1;
  const similarities = vector.map((candidate) => candidate.score);
  const lowest = Math.min(...similarities);
  const spread = Math.max(...similarities) - lowest;
  vector.forEach((candidate, index) => {
    const fused = entry(candidate);
    fused.similarity = candidate.score;
    if (!both) fused.score = candidate.score;
    else if (tuning.fusion === 'rank') fused.score += weight / (RRF_K + index + 1);
    else fused.score += spread > 0 ? (weight * (candidate.score - lowest)) / spread : 0;
  });
  text.forEach((candidate, index) => {
    const fused = entry(candidate);
    fused.textRank = candidate.score;
    fused.score += both && tuning.fusion === 'rank' ? 1 / (RRF_K + index + 1) : candidate.score;
  });
  const ordered = [...byChunk.values()].sort(byScore);
  const placed = new Map<string, number>();
  for (const candidate of ordered) {
    const before = placed.get(candidate.documentId) ?? 0;
    candidate.score *= tuning.sameDocumentDecay ** before;
    placed.set(candidate.documentId, before + 1);
  }
  return ordered
    .sort(byScore)
    .slice(0, k)
    .map(({ chunkId, score, similarity, textRank }) => ({ chunkId, score, similarity, textRank }));
}

function byScore(left: FusedCandidate, right: FusedCandidate): number {
  return (
    right.score - left.score || right.similarity - left.similarity || (left.chunkId < right.chunkId ? -1 : 1)
  );
}

function literal(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`ranking parameter ${value} is not a number`);
  return String(value);
}
