import type { Section } from './parse/index.ts';

/**
 * Chunking that follows the document's structure: a chunk never spans two sections (so its heading path
 * and page are exact for citations), paragraphs are packed whole up to the target size, a paragraph that
 * is too long is split at sentence ends, and each chunk after the first in a section repeats the tail of
 * the previous one (about OVERLAP characters, whole sentences) so that an answer spanning the boundary is
 * still found in one piece.
 */
export interface Chunk {
  position: number;
  headingPath: string[];
  page: number | null;
  text: string;
}

export interface ChunkOptions {
  /** Target chunk size in characters (~200 words at the default). */
  maxChars?: number;
  overlapChars?: number;
}

const MAX_CHARS = 1200;
const OVERLAP_CHARS = 200;

export function chunkSections(sections: readonly Section[], options: ChunkOptions = {}): Chunk[] {
  const maxChars = options.maxChars ?? MAX_CHARS;
  const overlapChars = options.overlapChars ?? OVERLAP_CHARS;
  const chunks: Chunk[] = [];
  for (const section of sections) {
    const pieces = section.paragraphs.flatMap((paragraph) => splitLong(paragraph, maxChars));
    let current: string[] = [];
    let length = 0;
    let overlap = '';
    const emit = () => {
      if (current.length === 0) return;
      const body = current.join('\n\n');
      const text = overlap ? `${overlap}\n\n${body}` : body;
      chunks.push({ position: chunks.length, headingPath: section.headingPath, page: section.page, text });
      overlap = tail(body, overlapChars);
      current = [];
      length = 0;
    };
    for (const piece of pieces) {
      if (length > 0 && length + piece.length + 2 > maxChars - overlap.length) emit();
      current.push(piece);
      length += piece.length + 2;
    }
    emit();
  }
  return chunks;
}

const SENTENCE = /[^.!?\n]+(?:[.!?]+["')\]]*|\n|$)\s*/g;

export function sentences(text: string): string[] {
  return (text.match(SENTENCE) ?? [text]).map((sentence) => sentence.trim()).filter(Boolean);
}

function splitLong(paragraph: string, maxChars: number): string[] {
  if (paragraph.length <= maxChars) return [paragraph];
  const out: string[] = [];
  let current = '';
  for (const sentence of sentences(paragraph)) {
    // A "sentence" longer than a chunk (a code block, a table row) is cut at word boundaries.
    for (const part of sentence.length > maxChars ? hardSplit(sentence, maxChars) : [sentence]) {
      if (current && current.length + part.length + 1 > maxChars) {
        out.push(current);
        current = '';
      }
      current = current ? `${current} ${part}` : part;
    }
  }
  if (current) out.push(current);
  return out;
}

function hardSplit(text: string, maxChars: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > maxChars) {
    const cut = rest.lastIndexOf(' ', maxChars);
    const at = cut > maxChars / 2 ? cut : maxChars;
    out.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) out.push(rest);
  return out;
}

/** The last whole sentences of a text, up to about `chars` characters. */
function tail(text: string, chars: number): string {
  if (chars <= 0) return '';
  const parts = sentences(text);
  const kept: string[] = [];
  let length = 0;
  for (let index = parts.length - 1; index >= 0; index -= 1) {
    const part = parts[index] ?? '';
    if (length + part.length > chars && kept.length > 0) break;
    if (part.length > chars * 1.5) break;
    kept.unshift(part);
    length += part.length + 1;
  }
  return kept.join(' ');
}
