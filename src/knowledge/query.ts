import { isStopword, stems } from './embed/text-embedding.ts';

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The full-text side of a question: its content words OR-ed together (`rotate | database | credential`),
 * so a passage that shares most of them ranks first without having to contain every one (questions carry
 * words such as "our" or "exactly" that documents rarely repeat). PostgreSQL stems them (english config).
 */
export function textQuery(question: string): string {
  return contentWords(question).slice(0, 32).join(' | ');
}

/**
 * The selective first pass of the full-text side: passages with at least two of the question's words
 * (`(a & b) | (a & c) | …` over its eight longest words, longer words being the rarer ones). Ranking is
 * the costly part of full-text search, and a lone common word matches most of a large corpus; the OR
 * query runs only when this finds too few passages. Empty for questions of fewer than two words.
 */
export function pairQuery(question: string): string {
  const words = contentWords(question)
    .sort((left, right) => right.length - left.length)
    .slice(0, 8);
  const pairs: string[] = [];
  for (let first = 0; first < words.length; first += 1)
    for (let second = first + 1; second < words.length; second += 1)
      pairs.push(`(${words[first]} & ${words[second]})`);
  return pairs.join(' | ');
}

function contentWords(question: string): string[] {
  const words = (question.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(WORD) ?? []).filter(
    (word) => !isStopword(word) && (word.length > 1 || /\d/.test(word)),
  );
  return [...new Set(words)];
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
