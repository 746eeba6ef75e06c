import { stemmer } from 'stemmer';

/**
 * The evaluation's yardstick: textbook Okapi BM25 (Robertson & Zaragoza, 2009; k1 = 1.2, b = 0.75) in
 * plain TypeScript, independent of the knowledge base's SQL. Words are lower-cased runs of letters and
 * digits, Lucene's English stop words are dropped and the rest reduced by Porter's stemmer (the `stemmer`
 * package) — what a search library does out of the box. It ranks the same stored chunks (heading and text)
 * the knowledge base ranks, so the two are compared on equal material.
 */
const STOPWORDS = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(
    ' ',
  ),
);
const K1 = 1.2;
const B = 0.75;

export interface BaselineDocument {
  id: string;
  text: string;
}

export function analyse(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((word) => !STOPWORDS.has(word))
    .map((word) => stemmer(word));
}

export class Bm25Index {
  readonly #documents: { id: string; length: number; frequencies: Map<string, number> }[] = [];
  readonly #documentFrequency = new Map<string, number>();
  readonly #averageLength: number;

  constructor(documents: readonly BaselineDocument[]) {
    let total = 0;
    for (const document of documents) {
      const terms = analyse(document.text);
      const frequencies = new Map<string, number>();
      for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
      for (const term of frequencies.keys())
        this.#documentFrequency.set(term, (this.#documentFrequency.get(term) ?? 0) + 1);
      this.#documents.push({ id: document.id, length: terms.length, frequencies });
      total += terms.length;
    }
    this.#averageLength = total / Math.max(1, documents.length);
  }

  /** The ids of the best `k` documents for a query, best first. */
  search(query: string, k: number): string[] {
    const count = this.#documents.length;
    const terms = [...new Set(analyse(query))];
    const scored: { id: string; score: number }[] = [];
    for (const document of this.#documents) {
      let score = 0;
      for (const term of terms) {
        const frequency = document.frequencies.get(term);
        if (!frequency) continue;
        const documentFrequency = this.#documentFrequency.get(term) ?? 0;
        const idf = Math.log(1 + (count - documentFrequency + 0.5) / (documentFrequency + 0.5));
        score +=
          (idf * frequency * (K1 + 1)) /
          (frequency + K1 * (1 - B + (B * document.length) / this.#averageLength));
      }
      if (score > 0) scored.push({ id: document.id, score });
    }
    scored.sort((left, right) => right.score - left.score || left.id.localeCompare(right.id));
    return scored.slice(0, k).map((entry) => entry.id);
  }
}
