import { analyze } from './analyzer.ts';
import type { QueryTerm } from './domain.ts';
import { stems } from './embed/text-embedding.ts';
import { expansions } from './synonyms.ts';

/**
 * The full-text side of a question: its analysed terms (src/knowledge/analyzer.ts, as the documents'),
 * each weight 1, at most 32, and the related terms the synonym lexicon adds at a lower weight
 * (synonyms.ts). BM25 weighs each by its rarity in the corpus, so words such as "our" or "exactly" cost
 * nothing.
 */
export function queryTerms(question: string): QueryTerm[] {
  const terms = analyze(question);
  const own = [...new Set(terms)].slice(0, 32);
  return [
    ...own.map((term) => ({ term, weight: 1 })),
    ...[...expansions(terms)].map(([term, weight]) => ({ term, weight })),
  ];
}

/** The share of the question's content words (as stems) found in a passage: how much of it is covered. */
export function coverage(question: string, passage: string): number {
  const wanted = new Set(stems(question));
  if (wanted.size === 0) return 0;
  const present = new Set(stems(passage));
  let found = 0;
  for (const stem of wanted) if (present.has(stem)) found += 1;
  return found / wanted.size;
}
