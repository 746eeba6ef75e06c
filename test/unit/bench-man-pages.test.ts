import { describe, expect, it } from 'vitest';
import { manSections } from '../../bench/retrieval/man-pages.ts';

// bench/retrieval reads the machine's manual pages as its real-text corpus: the roff must come out as the
// words a reader sees, under the page's own headings, or the benchmark measures markup.
describe('manual pages as benchmark text', () => {
  it('keeps the words, drops the macros and escapes, and opens a section at each heading', () => {
    const source = [
      '.\\" a comment',
      '.TH GREP 1',
      '.SH NAME',
      'grep \\- print lines that match patterns',
      '.SH "DESCRIPTION"',
      '.B grep',
      'searches for \\fIPATTERNS\\fR in each',
      '.IR FILE .',
      '.PP',
      'A second \\(lqparagraph\\(rq here.',
    ].join('\n');
    expect(manSections(source, 'grep.1')).toEqual([
      { headingPath: ['grep.1', 'NAME'], page: null, paragraphs: ['grep - print lines that match patterns'] },
      {
        headingPath: ['grep.1', 'DESCRIPTION'],
        page: null,
        paragraphs: ['grep searches for PATTERNS in each FILE .', 'A second paragraph here.'],
      },
    ]);
  });
});
