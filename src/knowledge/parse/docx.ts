import mammoth from 'mammoth';
import type { ParsedDocument } from './document.ts';
import { parseHtml } from './html.ts';

/**
 * Word documents through mammoth (pure JavaScript): the document's own structure (Heading 1–6 styles,
 * paragraphs, lists, tables) becomes HTML, which is then read like any HTML page.
 */
export async function parseDocx(bytes: Uint8Array, name: string): Promise<ParsedDocument> {
  const { value } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) });
  return parseHtml(value, name);
}
