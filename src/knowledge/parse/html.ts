import { Parser } from 'htmlparser2';
import { normaliseSpace, type ParsedDocument, SectionBuilder, titleFromName } from './document.ts';

/**
 * HTML by its structure (htmlparser2, a forgiving streaming parser): `h1`–`h6` open sections, block
 * elements end paragraphs, `pre` keeps its lines. Scripts, styles, forms and page chrome (navigation,
 * headers, footers, and blocks whose class or role says they are navigation) are skipped.
 */
const SKIPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'nav',
  'header',
  'footer',
  'form',
  'button',
  'select',
  'iframe',
  'head',
]);
const BLOCKS = new Set([
  'p',
  'div',
  'li',
  'dt',
  'dd',
  'blockquote',
  'pre',
  'tr',
  'table',
  'section',
  'article',
  'main',
  'aside',
  'ul',
  'ol',
  'dl',
  'figure',
  'figcaption',
  'address',
  'br',
  'hr',
  'caption',
  'details',
  'summary',
  'body',
]);
const CHROME = /\b(nav|navheader|navfooter|navigation|breadcrumbs?|sidebar|menu|toc|skip-link|cookie)\b/i;
/** Call-out boxes: their headings ("Note", "Warning") label a paragraph, they do not open a section. */
const CALLOUT = /\b(note|tip|warning|important|caution|admonition|callout)\b/i;

export function parseHtml(html: string, name: string): ParsedDocument {
  const builder = new SectionBuilder();
  let title = '';
  let inTitle = false;
  let skipDepth = 0;
  const stack: string[] = [];
  let buffer = '';
  let heading: { level: number; text: string } | null = null;
  let pre = 0;
  const callouts: number[] = [];
  let firstH1 = '';
  // A call-out's heading ("Note") labels the paragraph that follows it.
  let label = '';
  const flush = () => {
    if (buffer.trim()) {
      builder.paragraph(`${label}${buffer}`, pre > 0);
      label = '';
    }
    buffer = '';
  };
  const parser = new Parser(
    {
      onopentag(tag, attributes) {
        stack.push(tag);
        if (tag === 'title') inTitle = true;
        const chrome = CHROME.test(
          `${attributes.class ?? ''} ${attributes.role ?? ''} ${attributes.id ?? ''}`,
        );
        if (skipDepth > 0 || SKIPPED.has(tag) || chrome) {
          skipDepth += 1;
          return;
        }
        if (CALLOUT.test(attributes.class ?? '') || tag === 'aside') callouts.push(stack.length);
        const level = /^h([1-6])$/.exec(tag)?.[1];
        if (level) {
          flush();
          heading = { level: Number(level), text: '' };
        } else if (BLOCKS.has(tag)) flush();
        if (tag === 'pre') pre += 1;
        if (tag === 'br') buffer += '\n';
        if (tag === 'td' || tag === 'th') buffer += ' ';
      },
      ontext(text) {
        if (inTitle) title += text;
        if (skipDepth > 0 || inTitle) return;
        if (heading) heading.text += text;
        else buffer += text;
      },
      onclosetag(tag) {
        const depth = stack.length;
        stack.pop();
        if (tag === 'title') inTitle = false;
        if (skipDepth > 0) {
          skipDepth -= 1;
          return;
        }
        if (callouts.at(-1) === depth) callouts.pop();
        if (heading && /^h[1-6]$/.test(tag)) {
          const text = normaliseSpace(heading.text);
          if (heading.level === 1 && !firstH1) firstH1 = text;
          if (callouts.length > 0) label = `${text}: `;
          else builder.heading(heading.level, text);
          heading = null;
          return;
        }
        if (BLOCKS.has(tag)) flush();
        if (tag === 'pre') pre = Math.max(0, pre - 1);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  flush();
  return { title: normaliseSpace(title) || firstH1 || titleFromName(name), sections: builder.build() };
}
