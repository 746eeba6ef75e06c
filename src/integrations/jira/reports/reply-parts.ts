import type { JiraFact, JiraReportName, JiraReportResult } from '../../../core/jira.ts';
import { REPLY_VERSION, type ReplyBlock, ReplySchema } from '../../../core/reply.ts';
import type { Snapshot } from '../model.ts';

/**
 * The shape every report answer shares: a headline, the key numbers as fields, a details table, the
 * chart as a PNG file block (Slack uploads it into the thread, Teams shows it inline in the card, the web
 * chat as an image), then the definitions behind the numbers and how fresh the snapshot is.
 */
export interface ReportParts {
  report: JiraReportName;
  headline: string;
  fields: { label: string; value: string }[];
  table?: { columns: string[]; rows: string[][] } | undefined;
  /** Issue lines in markdown (with links, which table cells cannot carry), shown under a heading. */
  list?: { heading: string; lines: string[] } | undefined;
  chart?: { name: string; png: Buffer; alt: string } | undefined;
  definitions: string[];
  facts: JiraFact[];
  numbers: Record<string, unknown>;
  snapshot: Pick<Snapshot, 'syncedAt'>;
  now: Date;
}

export function reportResult(parts: ReportParts): JiraReportResult {
  const blocks: ReplyBlock[] = [{ type: 'markdown', text: parts.headline }];
  if (parts.fields.length > 0) blocks.push({ type: 'fields', fields: parts.fields.slice(0, 50) });
  if (parts.chart) {
    blocks.push({
      type: 'file',
      name: parts.chart.name,
      mimeType: 'image/png',
      contentBase64: parts.chart.png.toString('base64'),
    });
  }
  if (parts.table && parts.table.rows.length > 0)
    blocks.push({ type: 'table', columns: parts.table.columns, rows: parts.table.rows.slice(0, 50) });
  if (parts.list && parts.list.lines.length > 0)
    blocks.push({
      type: 'markdown',
      text: [`**${parts.list.heading}**`, ...parts.list.lines.map((line) => `- ${line}`)].join('\n'),
    });
  blocks.push({
    type: 'context',
    text: [...parts.definitions, freshness(parts.snapshot.syncedAt, parts.now)].join(' '),
  });
  const reply = ReplySchema.parse({ v: REPLY_VERSION, text: plain(parts.headline), blocks });
  return {
    report: parts.report,
    reply,
    numbers: parts.numbers,
    facts: parts.facts,
    definitions: parts.definitions,
  };
}

export function freshness(syncedAt: string | null, now: Date): string {
  if (!syncedAt) return 'Not synced from Jira yet.';
  const minutes = Math.max(0, Math.round((now.getTime() - Date.parse(syncedAt)) / 60_000));
  const when = minutes === 0 ? 'just now' : minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
  return `Synced from Jira ${when} (${syncedAt.slice(0, 16).replace('T', ' ')} UTC).`;
}

/** `[OPS-12](https://acme.atlassian.net/browse/OPS-12)`. */
export function issueLink(browseBase: string, key: string): string {
  return `[${key}](${issueUrl(browseBase, key)})`;
}

export function issueUrl(browseBase: string, key: string): string {
  return `${browseBase}/browse/${encodeURIComponent(key)}`;
}

/** Numbers as people read them: at most one decimal, no trailing `.0`. */
export function number(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  const rounded = Math.round(value * 10) / 10;
  return `${rounded}${unit}`;
}

/** The first `limit` lines, then "… and N more". */
export function capped(lines: string[], limit: number): string[] {
  return lines.length <= limit ? lines : [...lines.slice(0, limit), `… and ${lines.length - limit} more`];
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function plain(markdown: string): string {
  return markdown.replace(/\*\*|__|`/g, '').replace(/\[([^\]]+)\]\([^)]+\)/g, '$1');
}
