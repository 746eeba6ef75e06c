import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import { type ParsedDocument, SectionBuilder, titleFromName } from './document.ts';

/**
 * PDF text by page (Mozilla's PDF.js through unpdf, pure JavaScript, no canvas): each page is a section
 * carrying its page number, split into paragraphs at blank lines. Scanned PDFs without a text layer have
 * no text to index; they are reported as empty documents.
 */
export async function parsePdf(bytes: Uint8Array, name: string): Promise<ParsedDocument> {
  const document = await getDocumentProxy(new Uint8Array(bytes));
  try {
    const [{ text }, meta] = await Promise.all([
      extractText(document, { mergePages: false }),
      getMeta(document).catch(() => ({ info: {} as Record<string, unknown> })),
    ]);
    const builder = new SectionBuilder();
    text.forEach((pageText, index) => {
      builder.page(index + 1);
      for (const paragraph of pageText.split(/\n\s*\n/)) builder.paragraph(paragraph);
    });
    const info = (meta.info ?? {}) as { Title?: unknown };
    const title =
      typeof info.Title === 'string' && info.Title.trim() ? info.Title.trim() : titleFromName(name);
    return { title, sections: builder.build() };
  } finally {
    await document.loadingTask.destroy();
  }
}
