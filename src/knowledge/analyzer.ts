import { stemmer } from 'stemmer';

/**
 * How the knowledge base's full-text index reads text, for documents and questions alike: Unicode letters
 * and digits in runs (so `/etc/fstab`, `--remote-ratelimit` and `archive_command` yield their words),
 * lower-cased without accents, the 33 English stop words Lucene drops, and Porter's stemmer (the
 * `stemmer` package). Question words such as "how" or "why" are kept: BM25 gives them the little weight
 * their frequency deserves, and they match the questions that FAQ pages are written as. Running it in
 * JavaScript rather than through PostgreSQL's text search makes PostgreSQL 15 and PGlite (PostgreSQL 18,
 * whose Snowball stemmers differ) index exactly the same terms.
 */
const STOPWORDS = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(
    ' ',
  ),
);
const WORD = /[\p{L}\p{N}]+/gu;
/** Longer runs are identifiers, hashes or base64: never searched for as words. */
const MAX_TERM_LENGTH = 40;

export function analyze(text: string): string[] {
  const plain = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  const terms: string[] = [];
  for (const word of plain.match(WORD) ?? []) {
    if (STOPWORDS.has(word) || word.length > MAX_TERM_LENGTH) continue;
    terms.push(stemmer(word));
  }
  return terms;
}
