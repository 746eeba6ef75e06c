import { lexer, type Token, type Tokens } from 'marked';
import { type ParsedDocument, SectionBuilder, titleFromName } from './document.ts';

/**
 * Markdown by its structure, through marked's lexer (CommonMark + GFM): headings open sections; paragraphs,
 * list items, table rows, quotes and code blocks become paragraphs; inline markup is reduced to its text.
 * YAML front matter is skipped, and its `title:` is used when present.
 */
export function parseMarkdown(source: string, name: string): ParsedDocument {
  const { body, title: frontTitle } = frontMatter(source);
  const builder = new SectionBuilder();
  let title = frontTitle;
  const visit = (tokens: readonly Token[]) => {
    for (const token of tokens) {
      switch (token.type) {
        case 'heading': {
          const heading = token as Tokens.Heading;
          const text = inlineText(heading.text);
          if (heading.depth === 1 && !title) title = text;
          builder.heading(heading.depth, text);
          break;
        }
        case 'paragraph':
        case 'text':
          builder.paragraph(inlineText((token as Tokens.Paragraph).text));
          break;
        case 'list':
          for (const item of (token as Tokens.List).items) builder.paragraph(`• ${inlineText(item.text)}`);
          break;
        case 'code':
          builder.paragraph((token as Tokens.Code).text, true);
          break;
        case 'blockquote':
          visit((token as Tokens.Blockquote).tokens);
          break;
        case 'table': {
          const table = token as Tokens.Table;
          const header = table.header.map((cell) => inlineText(cell.text));
          for (const row of table.rows) {
            builder.paragraph(
              row.map((cell, index) => `${header[index] ?? ''}: ${inlineText(cell.text)}`).join('; '),
            );
          }
          break;
        }
        default:
          break;
      }
    }
  };
  visit(lexer(body));
  return { title: title || titleFromName(name), sections: builder.build() };
}

function frontMatter(source: string): { body: string; title: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(source);
  if (!match) return { body: source, title: '' };
  const title = /^title:\s*["']?(.+?)["']?\s*$/m.exec(match[1] ?? '')?.[1] ?? '';
  return { body: source.slice(match[0].length), title };
}

/** `See [the guide](x.md) for **more** \`info\`` → `See the guide for more info`. */
export function inlineText(markdown: string): string {
  return markdown
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/(\*\*|~~|`)/g, '')
    .replace(/(^|[^\w])(?:__|_|\*)([^_*]+?)(?:__|_|\*)(?=[^\w]|$)/g, '$1$2')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}
