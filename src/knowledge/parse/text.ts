import { type ParsedDocument, SectionBuilder, titleFromName } from './document.ts';

/** Plain text: paragraphs at blank lines; a short first line followed by a blank line is the title. */
export function parseText(source: string, name: string): ParsedDocument {
  const blocks = source.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  const first = blocks[0]?.trim() ?? '';
  const titled = blocks.length > 1 && first.length > 0 && first.length <= 120 && !first.includes('\n');
  const builder = new SectionBuilder();
  for (const block of titled ? blocks.slice(1) : blocks) builder.paragraph(block);
  return { title: titled ? first : titleFromName(name), sections: builder.build() };
}
