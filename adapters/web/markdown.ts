import { escapeHtml, safeHref } from './escape.ts';

/**
 * A small, safe markdown subset for chat text: code blocks, inline code, bold, italic, links and line
 * breaks. The text is escaped first, so nothing in it can become markup; a link always shows its host next
 * to its label, so `[Jira](https://evil.example)` cannot pass for a Jira link.
 */
export function renderMarkdown(text: string): string {
  const parts = text.split(/```(?:[a-z0-9-]*\n)?([\s\S]*?)```/g);
  return parts
    .map((part, index) =>
      index % 2 === 1 ? `<pre><code>${escapeHtml(part.replace(/\n$/, ''))}</code></pre>` : renderInline(part),
    )
    .join('');
}

// Code spans are set aside while the other rules run, so `*x*` inside code stays literal. The marker is a
// private-use character, removed from the input first so user text cannot forge a placeholder.
const PLACEHOLDER = '\uE000';
const PLACEHOLDER_PATTERN = new RegExp(`${PLACEHOLDER}(\\d+)${PLACEHOLDER}`, 'g');

function renderInline(input: string): string {
  const text = input.replaceAll(PLACEHOLDER, '');
  const codeSpans: string[] = [];
  let html = escapeHtml(text).replace(/`([^`\n]+)`/g, (_all, code: string) => {
    codeSpans.push(`<code>${code}</code>`);
    return `${PLACEHOLDER}${codeSpans.length - 1}${PLACEHOLDER}`;
  });
  html = html.replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, (_all, label: string, url: string) =>
    link(url, label),
  );
  html = html.replace(
    /(^|[\s(])(https?:\/\/[^\s<]+[^\s<.,;:!?)])/g,
    (_all, lead: string, url: string) => `${lead}${link(url)}`,
  );
  html = html
    .replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1<strong>$2</strong>');
  html = html.replace(/(^|[\s(])_([^_\n]+)_/g, '$1<em>$2</em>');
  html = html.replace(/\n/g, '<br>');
  return html.replace(PLACEHOLDER_PATTERN, (_all, index: string) => codeSpans[Number(index)] ?? '');
}

// `url` and `label` arrive already escaped; unescape the URL to validate it, then escape it again.
function link(escapedUrl: string, escapedLabel?: string): string {
  const url = escapedUrl.replace(/&amp;/g, '&');
  const href = safeHref(url);
  if (!href) return escapedLabel ?? escapedUrl;
  const host = new URL(href).host;
  const label = escapedLabel ?? escapeHtml(href);
  const hint = escapedLabel ? ` <span class="link-host">(${escapeHtml(host)})</span>` : '';
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer nofollow">${label}</a>${hint}`;
}
