/**
 * A small text embedding that runs offline, with no model and no download: stemmed words, word pairs and
 * character trigrams, hashed into a fixed number of dimensions (the "hashing trick"), weighted by inverse
 * document frequency over the corpus it was fitted on, and normalised so the dot product is the cosine.
 * It is what the offline router compares requests with skill descriptions and examples by, and (without
 * the corpus weighting, so stored vectors never go stale) the knowledge base's offline embedding; it
 * captures shared vocabulary, word forms (deploy / deploying / deployment) and typos, not meaning.
 */
const DIMENSIONS = 2048;
const STOPWORDS = new Set(
  (
    'a an the and or but if then of to in on at by for from with about as is are was were be been being am do does did ' +
    'i me my we our you your he she it its they them their this that these those there here what which who whom whose ' +
    'can could would should will shall may might must please pls thanks thank hi hey hello just also so too very ' +
    'how when where why into out up down over again any some all each more most much many no not only own same than'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-case words without accents and stopwords, each reduced to a stem. */
export function stems(text: string): string[] {
  return allStems(text).filter((word) => !STOPWORDS.has(word));
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** Every word's stem, stopwords included (keyword phrases such as "what can you do" are made of them). */
export function allStems(text: string): string[] {
  const plain = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return (plain.match(WORD) ?? []).map((word) => (STOPWORDS.has(word) ? word : stem(word)));
}

/** A light suffix stripper (in the spirit of Porter's step 1): enough to join common English word forms. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  const rules: [RegExp, string][] = [
    [/ational$/, 'ate'],
    [/ization$/, 'ize'],
    [/(?:ments?|ness|ings?|edly|ions?)$/, ''],
    [/ies$/, 'y'],
    [/(ss)es$/, '$1'],
    [/([^s])s$/, '$1'],
    [/eed$/, 'ee'],
    [/(?:ed|ly|er|ers)$/, ''],
    [/e$/, ''],
  ];
  for (const [pattern, replacement] of rules) {
    if (!pattern.test(word)) continue;
    const stemmed = word.replace(pattern, replacement);
    if (stemmed.length >= 3) return stemmed.replace(/(.)\1$/, '$1');
  }
  return word;
}

export type Vector = Float32Array;

export interface Feature {
  key: string;
  weight: number;
}

export function features(text: string): Feature[] {
  const words = stems(text);
  const out: Feature[] = [];
  words.forEach((word, index) => {
    out.push({ key: `w:${word}`, weight: 1 });
    const next = words[index + 1];
    if (next) out.push({ key: `b:${word} ${next}`, weight: 0.6 });
    const padded = `^${word}$`;
    const grams = Math.max(1, padded.length - 2);
    for (let start = 0; start + 3 <= padded.length; start += 1) {
      out.push({ key: `c:${padded.slice(start, start + 3)}`, weight: 0.5 / grams });
    }
  });
  return out;
}

/** FNV-1a, 32 bits: fast, stable across runs and platforms. */
function hash(key: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) {
    value ^= key.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}

export class TextEmbedder {
  readonly #idf = new Map<string, number>();
  readonly #defaultIdf: number;

  /** Fits the inverse document frequencies on a corpus (the skills' descriptions, keywords and examples). */
  constructor(corpus: readonly string[]) {
    const documentFrequency = new Map<string, number>();
    for (const document of corpus) {
      for (const key of new Set(features(document).map((feature) => feature.key))) {
        documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
      }
    }
    const total = Math.max(1, corpus.length);
    for (const [key, count] of documentFrequency) this.#idf.set(key, Math.log((1 + total) / (1 + count)) + 1);
    // A feature the corpus never saw carries no routing signal: weigh it like the rarest known one.
    this.#defaultIdf = Math.log(1 + total) + 1;
  }

  embed(text: string): Vector {
    return hashedVector(text, DIMENSIONS, (key) => this.#idf.get(key) ?? this.#defaultIdf);
  }
}

/**
 * The features of a text hashed into `dimensions` signed buckets (the hashing trick), each weighted by
 * sublinear term frequency times `weightOf(feature)`, and normalised to unit length.
 */
export function hashedVector(
  text: string,
  dimensions: number,
  weightOf: (key: string) => number = () => 1,
): Vector {
  const counts = new Map<string, number>();
  for (const feature of features(text))
    counts.set(feature.key, (counts.get(feature.key) ?? 0) + feature.weight);
  const vector = new Float32Array(dimensions);
  for (const [key, weight] of counts) {
    const bucket = hash(key);
    const sign = bucket & 0x80000000 ? -1 : 1;
    const index = bucket % dimensions;
    vector[index] =
      (vector[index] ?? 0) + sign * (1 + Math.log(Math.max(weight, 1))) * Math.min(weight, 1) * weightOf(key);
  }
  return normalise(vector);
}

export function cosine(left: Vector, right: Vector): number {
  let sum = 0;
  for (let index = 0; index < left.length; index += 1) sum += (left[index] ?? 0) * (right[index] ?? 0);
  return sum;
}

function normalise(vector: Vector): Vector {
  let norm = 0;
  for (const value of vector) norm += value * value;
  if (norm === 0) return vector;
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < vector.length; index += 1) vector[index] = (vector[index] ?? 0) * scale;
  return vector;
}
