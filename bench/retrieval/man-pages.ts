import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { chunkSections } from '../../src/knowledge/chunk.ts';
import type { Section } from '../../src/knowledge/parse/index.ts';

/**
 * A real-text corpus found on the machine: the English manual pages under /usr/share/man (Debian installs
 * tens of thousands with its packages), turned into sections at their `.SH` headings and chunked by the
 * knowledge base's own chunker. Real prose has the uneven neighbourhoods real queries meet (a passage is
 * much closer to its own page than to the rest), which a synthetic corpus of random topical words lacks.
 * Pages and chunks that repeat exactly (the same page shipped by two package versions) are kept once: two
 * identical vectors make "the exact top 10" an arbitrary choice between them, which no index can match.
 */
export interface ManPage {
  title: string;
  chunks: string[];
}

const SECTIONS = ['man1', 'man2', 'man3', 'man4', 'man5', 'man6', 'man7', 'man8'];
/** About 90 words: the machine's pages make over 100,000 chunks at this size (at the default 1,200, ~70,000). */
export const MAN_CHUNK_CHARS = 600;

export function manPages(root = '/usr/share/man'): { pages: ManPage[]; chunks: number } {
  const pages: ManPage[] = [];
  const seen = new Set<string>();
  let chunks = 0;
  for (const section of SECTIONS) {
    let names: string[];
    try {
      names = readdirSync(`${root}/${section}`).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const source = readPage(`${root}/${section}/${name}`);
      if (!source || source.startsWith('.so ')) continue; // `.so` pages only point at another page
      const texts = chunkSections(manSections(source, name), {
        maxChars: MAN_CHUNK_CHARS,
        overlapChars: 100,
      })
        .map((chunk) => chunk.text)
        .filter((text) => text.length >= 200 && remember(seen, text));
      if (texts.length === 0) continue;
      pages.push({ title: name.replace(/\.gz$/, ''), chunks: texts });
      chunks += texts.length;
    }
  }
  return { pages, chunks };
}

function readPage(path: string): string | null {
  try {
    const bytes = readFileSync(path);
    return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch {
    return null;
  }
}

function remember(seen: Set<string>, text: string): boolean {
  const key = createHash('sha1').update(text).digest('base64');
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

const TEXT_MACROS = /^\.(?:B|I|BR|RB|IR|RI|BI|IB|SM|SB|Nm|Nd|Fl|Ar|Op|Xr|Cm|Pa|Va|Dv|Er|Ev|Fn|Ft)\s+(.*)$/;
const BREAK_MACROS = /^\.(?:PP|LP|P|TP|IP|HP|sp|br|Pp|It|Bl|El)\b/;

/** roff source → sections of paragraphs (macros dropped, font and character escapes removed). */
export function manSections(source: string, title: string): Section[] {
  const sections: Section[] = [];
  let current: Section = { headingPath: [title], page: null, paragraphs: [] };
  let paragraph: string[] = [];
  const endParagraph = () => {
    const text = paragraph.join(' ').replace(/\s+/g, ' ').trim();
    if (text) current.paragraphs.push(text);
    paragraph = [];
  };
  for (const line of source.split('\n')) {
    if (line.startsWith('.\\"') || line.startsWith('\'\\"')) continue;
    const heading = /^\.(?:SH|SS|Sh|Ss)\s+(.*)$/.exec(line);
    if (heading) {
      endParagraph();
      if (current.paragraphs.length > 0) sections.push(current);
      current = { headingPath: [title, plain(heading[1] ?? '')], page: null, paragraphs: [] };
      continue;
    }
    if (BREAK_MACROS.test(line) || line.trim() === '') {
      endParagraph();
      continue;
    }
    const macro = TEXT_MACROS.exec(line);
    if (line.startsWith('.') || line.startsWith("'")) {
      if (macro) paragraph.push(plain(macro[1] ?? ''));
      continue;
    }
    paragraph.push(plain(line));
  }
  endParagraph();
  if (current.paragraphs.length > 0) sections.push(current);
  return sections;
}

function plain(text: string): string {
  return text
    .replace(/\\f(?:\[[^\]]*\]|\(..|.)/g, '')
    .replace(/\\\((..)/g, ' ')
    .replace(/\\\*(?:\[[^\]]*\]|\(..|.)/g, '')
    .replace(/\\-/g, '-')
    .replace(/\\[e]/g, '\\')
    .replace(/\\[&|^%:]/g, '')
    .replace(/\\ /g, ' ')
    .replace(/"/g, '');
}
