import { isStopword, stems } from '../agent/routing/text-embedding.ts';

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The full-text side of a question: its content words OR-ed together (`rotate | database | credential`),
 * so a passage that shares most of them ranks first without having to contain every one (questions carry
 * words such as "our" or "exactly" that documents rarely repeat). PostgreSQL stems them (english config).
 */
export function textQuery(question: string): string {
  const words = (question.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(WORD) ?? []).filter(
    (word) => !isStopword(word) && (word.length > 1 || /\d/.test(word)),
  );
  return [...new Set(words)].slice(0, 32).join(' | ');
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
