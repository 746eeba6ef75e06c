/**
 * Text for Slack's mrkdwn, safe to show whoever wrote it. Slack reads `<…>` as markup: `<!channel>` pings a
 * channel, `<@U123>` a person, `<https://evil|Jira>` is a link that hides its host. Escaping `&`, `<` and `>`
 * (as Slack documents) makes all of them appear literally; the only markup in our output is what this
 * module writes itself: links that always show their real host, and Slack's own bold, italic and code.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The length `text` has once escaped (for splitting to Slack's limits before escaping). */
export function escapedLength(text: string): number {
  let length = text.length;
  for (const character of text) {
    if (character === '&') length += 4;
    else if (character === '<' || character === '>') length += 3;
  }
  return length;
}

/**
 * A link whose visible text names where it goes: `[Jira](https://evil.example)` becomes
 * `<https://evil.example|Jira (evil.example)>`. Anything but http(s) is shown as text, never linked.
 */
export function safeLink(url: string, label?: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return escapeMrkdwn(label ? `${label} (${url})` : url);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return escapeMrkdwn(label ? `${label} (${url})` : url);
  }
  // `|` and `>` would end the link's URL part early; percent-encoded they mean the same URL.
  const target = parsed.href.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C');
  const host = parsed.host;
  const shown = label?.trim();
  if (!shown || shown === url || shown === parsed.href || shown === host) return `<${target}>`;
  const text = escapeMrkdwn(`${shown} (${host})`).replace(/\|/g, '¦');
  return `<${target}|${text}>`;
}

const INLINE =
  /(`[^`\n]+`)|\[([^\]\n]{1,500})\]\(([^)\s]{1,3000})\)|(?<!<)(https?:\/\/[^\s<>()|]+[^\s<>()|.,;:!?'"])/g;
const BOLD = '\u0001';

/** One line of markdown (outside code blocks) as mrkdwn: escaped text, converted emphasis, safe links. */
function convertLine(line: string): string {
  const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading) return `${BOLD}${convertInline(heading[1] ?? '')}${BOLD}`.replaceAll(BOLD, '*');
  const quote = /^\s{0,3}>\s?(.*)$/.exec(line);
  if (quote) return `>${convertLine(quote[1] ?? '')}`;
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return `${bullet[1] ?? ''}• ${convertInline(bullet[2] ?? '')}`;
  if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) return '───';
  return convertInline(line);
}

function convertInline(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const index = match.index ?? 0;
    out += emphasis(escapeMrkdwn(text.slice(last, index)));
    const [all, code, label, url, bare] = match;
    if (code) out += escapeMrkdwn(code);
    else if (label !== undefined && url !== undefined) out += safeLink(url, label);
    else if (bare) out += safeLink(bare);
    else out += emphasis(escapeMrkdwn(all));
    last = index + all.length;
  }
  out += emphasis(escapeMrkdwn(text.slice(last)));
  return out;
}

// Markdown's **bold** is Slack's *bold*, and markdown's *italic* is Slack's _italic_.
function emphasis(text: string): string {
  return text
    .replace(/\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__/g, (_all, a, b) => `${BOLD}${a ?? b}${BOLD}`)
    .replace(/(^|[^\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?!\w)/g, '$1_$2_')
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, '~$1~')
    .replaceAll(BOLD, '*');
}

/** Markdown (from a skill or the model) → mrkdwn lines; code blocks are kept, their content escaped. */
export function markdownToMrkdwn(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let inCode = false;
  for (const line of lines) {
    if (/^\s{0,3}(```|~~~)/.test(line)) {
      inCode = !inCode;
      out.push('```');
      continue;
    }
    out.push(inCode ? escapeMrkdwn(line) : convertLine(line));
  }
  if (inCode) out.push('```');
  return out.join('\n');
}
