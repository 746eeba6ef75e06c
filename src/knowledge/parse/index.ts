import { ChatOpsError } from '../../core/errors.ts';
import type { DocumentFormat, ParsedDocument } from './document.ts';
import { parseDocx } from './docx.ts';
import { parseHtml } from './html.ts';
import { parseMarkdown } from './markdown.ts';
import { parsePdf } from './pdf.ts';
import { parseText } from './text.ts';

export type { DocumentFormat, ParsedDocument, Section } from './document.ts';

const BY_EXTENSION: Record<string, DocumentFormat> = {
  md: 'markdown',
  markdown: 'markdown',
  mdx: 'markdown',
  txt: 'text',
  text: 'text',
  rst: 'text',
  html: 'html',
  htm: 'html',
  pdf: 'pdf',
  docx: 'docx',
};

const BY_MEDIA_TYPE: Record<string, DocumentFormat> = {
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'text',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
};

export const SUPPORTED_EXTENSIONS = Object.keys(BY_EXTENSION);

export const MEDIA_TYPES: Record<DocumentFormat, string> = {
  markdown: 'text/markdown',
  text: 'text/plain',
  html: 'text/html',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/**
 * The format of a document from its name, its declared media type and its first bytes (a PDF or a zip
 * says what it is whatever it is called). Null when it is none we read.
 */
export function detectFormat(
  name: string,
  mediaType: string | undefined,
  bytes: Uint8Array,
): DocumentFormat | null {
  if (bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46) return 'pdf';
  const extension = /\.([a-z0-9]+)$/i.exec(name.split('?')[0] ?? name)?.[1]?.toLowerCase();
  const byName = extension ? BY_EXTENSION[extension] : undefined;
  if (bytes[0] === 0x50 && bytes[1] === 0x4b)
    return byName === 'docx' || mediaType?.includes('wordprocessingml') ? 'docx' : null;
  const type = mediaType?.split(';')[0]?.trim().toLowerCase();
  const byType = type ? BY_MEDIA_TYPE[type] : undefined;
  // A server saying text/plain about README.md still serves Markdown.
  if (byName && (!byType || byType === 'text')) return byName;
  return byType ?? byName ?? null;
}

export async function parseDocument(
  format: DocumentFormat,
  bytes: Uint8Array,
  name: string,
): Promise<ParsedDocument> {
  try {
    switch (format) {
      case 'markdown':
        return parseMarkdown(decode(bytes), name);
      case 'text':
        return parseText(decode(bytes), name);
      case 'html':
        return parseHtml(decode(bytes), name);
      case 'pdf':
        return await parsePdf(bytes, name);
      case 'docx':
        return await parseDocx(bytes, name);
    }
  } catch (error) {
    throw new ChatOpsError(
      'VALIDATION_FAILED',
      `${name} could not be read as ${format}: ${(error as Error).message}`,
      {
        remedy: 'Check that the file is not damaged or password-protected, or convert it to Markdown or PDF.',
        cause: error,
      },
    );
  }
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}
