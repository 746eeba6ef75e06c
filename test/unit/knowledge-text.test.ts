import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/knowledge/analyzer.ts';
import { chunkSections } from '../../src/knowledge/chunk.ts';
import { parseHtml } from '../../src/knowledge/parse/html.ts';
import { detectFormat } from '../../src/knowledge/parse/index.ts';
import { inlineText, parseMarkdown } from '../../src/knowledge/parse/markdown.ts';
import { coverage, queryTerms } from '../../src/knowledge/query.ts';
import { globMatcher } from '../../src/knowledge/sources/github-source.ts';

describe('knowledge text handling', () => {
  it('chunks within sections, packs paragraphs, splits long ones at sentences, and overlaps', () => {
    const long = Array.from(
      { length: 40 },
      (_, index) => `Sentence number ${index} says something useful.`,
    ).join(' ');
    const chunks = chunkSections(
      [
        { headingPath: ['Guide', 'Short'], page: null, paragraphs: ['One.', 'Two.'] },
        { headingPath: ['Guide', 'Long'], page: 3, paragraphs: [long] },
      ],
      { maxChars: 400, overlapChars: 100 },
    );
    expect(chunks[0]).toEqual({
      position: 0,
      headingPath: ['Guide', 'Short'],
      page: null,
      text: 'One.\n\nTwo.',
    });
    const longChunks = chunks.slice(1);
    expect(longChunks.length).toBeGreaterThan(3);
    for (const chunk of longChunks) {
      expect(chunk.headingPath).toEqual(['Guide', 'Long']);
      expect(chunk.page).toBe(3);
      expect(chunk.text.length).toBeLessThanOrEqual(400 + 120);
    }
    // The next chunk starts with the previous chunk's last whole sentences (the overlap).
    const overlap = longChunks[1]?.text.split('\n\n')[0] ?? '';
    expect(overlap).toMatch(/^Sentence number \d+ says something useful\./);
    expect(overlap.length).toBeLessThanOrEqual(150);
    expect(longChunks[0]?.text.endsWith(overlap)).toBe(true);
  });

  it('reads Markdown structure and inline text without eating identifiers', () => {
    expect(inlineText('Run `pg_dump` with **care**, see [the guide](x.md) and _emphasis_')).toBe(
      'Run pg_dump with care, see the guide and emphasis',
    );
    const parsed = parseMarkdown(
      '---\ntitle: Ops\n---\n# A\n\n## B\n\ntext\n\n### C\n\nmore\n\n## D\n\nlast',
      'x.md',
    );
    expect(parsed.title).toBe('Ops');
    expect(parsed.sections.map((section) => section.headingPath)).toEqual([
      ['A', 'B'],
      ['A', 'B', 'C'],
      ['A', 'D'],
    ]);
  });

  it('nests HTML headings by level and keeps call-outs inside their section', () => {
    const parsed = parseHtml(
      '<title>T</title><h2>Top</h2><p>a</p><div class="note"><h3>Note</h3><p>careful</p></div><p>b</p><h3>Sub</h3><p>c</p>',
      'x.html',
    );
    expect(parsed.title).toBe('T');
    expect(parsed.sections).toEqual([
      { headingPath: ['Top'], page: null, paragraphs: ['a', 'Note: careful', 'b'] },
      { headingPath: ['Top', 'Sub'], page: null, paragraphs: ['c'] },
    ]);
  });

  it('detects formats by content first, then type and name', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(detectFormat('report.txt', undefined, bytes('%PDF-1.4'))).toBe('pdf');
    expect(detectFormat('README.md', 'text/plain', bytes('# x'))).toBe('markdown');
    expect(detectFormat('page', 'text/html; charset=utf-8', bytes('<p>'))).toBe('html');
    expect(detectFormat('notes.docx', undefined, new Uint8Array([0x50, 0x4b, 3, 4]))).toBe('docx');
    expect(detectFormat('archive.zip', undefined, new Uint8Array([0x50, 0x4b, 3, 4]))).toBeNull();
    expect(detectFormat('image.png', 'image/png', new Uint8Array([0x89, 0x50]))).toBeNull();
  });

  it('analyses questions as documents (Porter stems, few stop words), and measures coverage by stems', () => {
    expect(queryTerms('How do I rotate the DB credentials?').map((term) => term.term)).toEqual([
      'how',
      'do',
      'i',
      'rotat',
      'db',
      'credenti',
    ]);
    expect(analyze('Edit /etc/fstab with --remote-ratelimit and archive_command')).toEqual([
      'edit',
      'etc',
      'fstab',
      'remot',
      'ratelimit',
      'archiv',
      'command',
    ]);
    expect(queryTerms('is it the?')).toEqual([]);
    expect(coverage('rotating credentials', 'We rotate the credential monthly.')).toBe(1);
    expect(coverage('rotating credentials', 'Nothing here.')).toBe(0);
  });

  it('matches GitHub path globs', () => {
    const docs = globMatcher('docs/**/*.md');
    expect(docs('docs/a.md')).toBe(true);
    expect(docs('docs/x/y/b.md')).toBe(true);
    expect(docs('src/a.md')).toBe(false);
    expect(globMatcher('*.md')('a/b.md')).toBe(false);
  });
});
