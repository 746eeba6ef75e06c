/**
 * Writes the knowledge base's binary test fixtures (test/fixtures/knowledge/formats/handbook.pdf and
 * onboarding.docx) from the text below, so the committed files can be regenerated and checked by anyone:
 * `node scripts/kb-fixtures.ts`. The PDF is hand-assembled (two pages, Helvetica text, a title in its
 * info dictionary); the DOCX is a minimal WordprocessingML package with Heading 1/2 styles.
 */
import { writeFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';

const here = new URL('../test/fixtures/knowledge/formats/', import.meta.url);

const PDF_PAGES = [
  [
    'Security handbook',
    'Laptops must use full-disk encryption (FileVault or BitLocker).',
    'Report a lost laptop to the security desk within one hour.',
  ],
  [
    'Passwords',
    'Service account passwords are rotated every 90 days by the vault operator.',
    'Never share a password in chat.',
  ],
];

export function pdf(pages: string[][], title: string): Uint8Array {
  const objects: string[] = [];
  const pageIds = pages.map((_, index) => 3 + index * 2);
  const fontId = 3 + pages.length * 2;
  const infoId = fontId + 1;
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  pages.forEach((lines, index) => {
    const pageId = pageIds[index] as number;
    const escapeText = (line: string) => line.replace(/([\\()])/g, '\\$1');
    const content = `BT /F1 12 Tf 72 720 Td ${lines.map((line, position) => `${position === 0 ? '' : '0 -18 Td '}(${escapeText(line)}) Tj`).join(' ')} ET`;
    objects[pageId] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${fontId} 0 R >> >> /Contents ${pageId + 1} 0 R >>`;
    objects[pageId + 1] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
  });
  objects[fontId] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  objects[infoId] = `<< /Title (${title}) /Producer (chatops kb-fixtures) >>`;
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id += 1) {
    offsets[id] = body.length;
    body += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = body.length;
  body += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id += 1)
    body += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info ${infoId} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return strToU8(body);
}

export function docx(paragraphs: { style?: 'Heading1' | 'Heading2'; text: string }[]): Uint8Array {
  const escapeText = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = paragraphs
    .map(
      (paragraph) =>
        `<w:p>${paragraph.style ? `<w:pPr><w:pStyle w:val="${paragraph.style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${escapeText(paragraph.text)}</w:t></w:r></w:p>`,
    )
    .join('');
  const main = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
  // A fixed time stamp keeps the file byte-identical when regenerated.
  return zipSync(
    {
      '[Content_Types].xml': strToU8(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>',
      ),
      '_rels/.rels': strToU8(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
      ),
      'word/_rels/document.xml.rels': strToU8(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
      ),
      'word/styles.xml': strToU8(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="${main}"><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style></w:styles>`,
      ),
      'word/document.xml': strToU8(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${main}"><w:body>${body}</w:body></w:document>`,
      ),
    },
    { mtime: new Date('2026-01-01T00:00:00Z') },
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('handbook.pdf', here), pdf(PDF_PAGES, 'Security handbook'));
  writeFileSync(
    new URL('onboarding.docx', here),
    docx([
      { style: 'Heading1', text: 'Onboarding' },
      { style: 'Heading2', text: 'First week' },
      {
        text: 'New hires meet their onboarding buddy on Monday morning and get their laptop from the IT desk.',
      },
      { style: 'Heading2', text: 'Accounts' },
      { text: 'Request access to the source repositories through the access portal before Wednesday.' },
    ]),
  );
  console.log('wrote handbook.pdf and onboarding.docx');
}
