import type { EmbeddingProvider } from './provider.ts';
import { hashedVector } from './text-embedding.ts';

/** The vector size of the offline default (pgvector's HNSW index takes at most 2,000). */
export const HASHING_DIMENSIONS = 512;
export const HASHING_MODEL = 'hashed-trigrams-v1';

/**
 * The offline default: feature hashing (Weinberger et al., 2009) of stemmed words, word pairs and character
 * trigrams, with sublinear term frequency, into 512 signed buckets, normalised for cosine similarity. It
 * needs no model file and no network, is deterministic (the same text always gives the same vector, on any
 * machine), and does not depend on the corpus, so adding documents never makes stored vectors stale. It
 * matches shared vocabulary, word forms and misspellings rather than meaning; full-text ranking and the
 * fusion of both make up for much of that, and a semantic model (Voyage, OpenAI-compatible) can replace it
 * with `chatops kb reembed`. It is the same embedding the offline router uses, without the router's
 * corpus-fitted weights.
 */
export class HashingEmbeddings implements EmbeddingProvider {
  readonly name = 'hashing';
  readonly model = HASHING_MODEL;
  readonly dimensions = HASHING_DIMENSIONS;

  async embed(texts: readonly string[]): Promise<number[][]> {
    return texts.map((text) => Array.from(hashedVector(text, HASHING_DIMENSIONS), round));
  }
}

// Six decimals keep the SQL literal short without changing any ranking measurably.
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
