import type { CardElement, IRichTextBlock, ITextRun } from '@microsoft/teams.cards';

/**
 * Text for Adaptive Cards, safe whatever it contains. Markdown from skills and the model is parsed here
 * (bold, italic, code, code blocks, bullets, links) into RichTextBlock text runs, which Teams never
 * interprets as markdown: nothing in the text can become markup, and a link always shows its real host
 * next to its label, so `[Jira](https://evil.example)` cannot pass for a Jira link. Where an element only
 * takes markdown (facts), the text is escaped instead.
 */
const INLINE =
  /`([^`\n]+)`|\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)|(https?:\/\/[^\s<>]*[^\s<>.,;:!?)\]'"])|\*\*([^*\n]+)\*\*|(?<![\w*])\*([^*\n]+)\*(?![\w*])|(?<![\w_])_([^_\n]+)_(?![\w_])/g;

export function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** One line of markdown as text runs. */
export function inlineRuns(line: string, style: Partial<ITextRun> = {}): ITextRun[] {
  const runs: ITextRun[] = [];
  const plain = (text: string, extra: Partial<ITextRun> = {}) => {
    if (text) runs.push({ type: 'TextRun', text, ...style, ...extra });
  };
  let last = 0;
  for (const match of line.matchAll(INLINE)) {
    plain(line.slice(last, match.index));
    last = (match.index ?? 0) + match[0].length;
    const [all, code, label, labelledUrl, bareUrl, strong, slackStrong, emphasis] = match;
    if (code !== undefined) plain(code, { fontType: 'Monospace' });
    else if (label !== undefined) link(runs, label, labelledUrl ?? '', style);
    else if (bareUrl !== undefined) link(runs, null, bareUrl, style);
    else if (strong !== undefined || slackStrong !== undefined)
      plain(strong ?? slackStrong ?? '', { weight: 'Bolder' });
    else if (emphasis !== undefined) plain(emphasis, { italic: true });
    else plain(all);
  }
  plain(line.slice(last));
  return runs;
}

function link(runs: ITextRun[], label: string | null, url: string, style: Partial<ITextRun>): void {
  const href = safeHref(url);
  if (!href) {
    runs.push({ type: 'TextRun', text: label ?? url, ...style });
    return;
  }
  runs.push({
    type: 'TextRun',
    text: label ?? href,
    ...style,
    selectAction: { type: 'Action.OpenUrl', url: href },
  });
  if (label !== null) runs.push({ type: 'TextRun', text: ` (${new URL(href).host})`, isSubtle: true });
}

export interface RichTextOptions {
  subtle?: boolean;
  /** Longest text rendered; the rest is cut with a note (Teams caps a card at about 28 KB). */
  maxLength?: number;
}

/** A markdown text as card elements: one RichTextBlock per line, code blocks in a monospace font. */
export function richText(markdown: string, options: RichTextOptions = {}): CardElement[] {
  const maxLength = options.maxLength ?? 6000;
  const text =
    markdown.length > maxLength ? `${markdown.slice(0, maxLength)}… (cut: too long for Teams)` : markdown;
  const style: Partial<ITextRun> = options.subtle ? { isSubtle: true, size: 'Small' } : {};
  const elements: CardElement[] = [];
  let gap = false;
  const parts = text.split(/```(?:[a-z0-9-]*\n)?([\s\S]*?)```/g);
  parts.forEach((part, index) => {
    if (index % 2 === 1) {
      const code = part.replace(/\n$/, '');
      elements.push(
        block([{ type: 'TextRun', text: code, fontType: 'Monospace', ...style }], elements, true),
      );
      return;
    }
    for (const line of part.split('\n')) {
      if (line.trim() === '') {
        gap = elements.length > 0;
        continue;
      }
      elements.push(block(inlineRuns(listMarker(line), style), elements, gap));
      gap = false;
    }
  });
  return elements;
}

function listMarker(line: string): string {
  return line.replace(/^(\s*)[-*+]\s+/, '$1• ').replace(/^#{1,6}\s+(.*)$/, '**$1**');
}

function block(inlines: ITextRun[], previous: CardElement[], gap: boolean): IRichTextBlock {
  const first = previous.length === 0;
  return {
    type: 'RichTextBlock',
    inlines,
    ...(first ? {} : { spacing: gap ? 'Medium' : 'None' }),
  } as IRichTextBlock;
}

/** Plain text as one run, no markdown at all (labels, table cells, captions). */
export function plainText(text: string, style: Partial<ITextRun> = {}): IRichTextBlock {
  return { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text, ...style }] };
}

const MARKDOWN_ACTIVE = /[\\`*_[\](){}<>|~]/g;

/**
 * Escapes text for the places that only take markdown (a fact's title and value): every character that
 * could start markup is backslash-escaped, and list or heading markers at a line start too.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(MARKDOWN_ACTIVE, (character) => `\\${character}`)
    .replace(/^(\s*)([#+-])/gm, '$1\\$2')
    .replace(/^(\s*)(\d+)\./gm, '$1$2\\.');
}
