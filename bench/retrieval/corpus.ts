import { readdirSync, readFileSync } from 'node:fs';
import { parseHtml } from '../../src/knowledge/parse/html.ts';

/**
 * A synthetic corpus at any size with the vocabulary of real documentation: words are drawn from the
 * PostgreSQL pages of the evaluation corpus with their own frequencies (so the hashed vectors look like
 * those of real chunks), 60–140 words per chunk, from a seeded generator (the same corpus every run).
 */
export function vocabulary(): { words: string[]; cumulative: Float64Array } {
  const folder = new URL('../../test/fixtures/knowledge/eval/postgresql/', import.meta.url);
  const counts = new Map<string, number>();
  for (const name of readdirSync(folder)) {
    const document = parseHtml(readFileSync(new URL(name, folder), 'utf8'), name);
    for (const section of document.sections)
      for (const paragraph of section.paragraphs)
        for (const word of paragraph.toLowerCase().match(/[a-z][a-z_]{2,}/g) ?? [])
          counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const words = [...counts.keys()];
  const cumulative = new Float64Array(words.length);
  let total = 0;
  words.forEach((word, index) => {
    total += counts.get(word) ?? 0;
    cumulative[index] = total;
  });
  for (let index = 0; index < cumulative.length; index += 1)
    cumulative[index] = (cumulative[index] ?? 0) / total;
  return { words, cumulative };
}

/** Mulberry32: a tiny seeded generator. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value ^= value + Math.imul(value ^ (value >>> 7), 61 | value);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function sentence(vocab: ReturnType<typeof vocabulary>, random: () => number, length: number): string {
  const out: string[] = [];
  for (let index = 0; index < length; index += 1) {
    const target = random();
    let low = 0;
    let high = vocab.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((vocab.cumulative[middle] ?? 1) < target) low = middle + 1;
      else high = middle;
    }
    out.push(vocab.words[low] ?? 'data');
  }
  return `${out.join(' ')}.`;
}

/**
 * Documents are about something: each has a topic (a few hundred words of the vocabulary that it uses
 * more than others), so chunks have real neighbourhoods as in documentation, not uniform word salad.
 */
export function topics(
  vocab: ReturnType<typeof vocabulary>,
  random: () => number,
  count: number,
  size: number,
) {
  return Array.from({ length: count }, () => {
    const words = Array.from({ length: size }, () => sentence(vocab, random, 1).slice(0, -1));
    return { words, cumulative: Float64Array.from(words, (_, index) => (index + 1) / words.length) };
  });
}

export function topicalSentence(
  vocab: ReturnType<typeof vocabulary>,
  topic: ReturnType<typeof topics>[number],
  random: () => number,
  length: number,
): string {
  const out: string[] = [];
  for (let index = 0; index < length; index += 1) {
    out.push(
      random() < 0.6
        ? (topic.words[Math.floor(random() ** 2 * topic.words.length)] ?? 'data')
        : sentence(vocab, random, 1).slice(0, -1),
    );
  }
  return `${out.join(' ')}.`;
}
