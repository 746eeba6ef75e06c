import { escapeMrkdwn } from './mrkdwn.ts';

const MAX_COLUMN_WIDTH = 40;

/**
 * A table as a code block with aligned columns: Slack's messages have no table layout that every client
 * shows, and a code block keeps columns lined up. Cells are escaped (code blocks show `&lt;` as `<`), so a
 * cell can never become markup. Wide cells are wrapped, not cut.
 */
export function tableText(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [columns, ...rows].map((row) => columns.map((_column, index) => flat(row[index] ?? '')));
  const widths = columns.map((_column, index) =>
    Math.min(MAX_COLUMN_WIDTH, Math.max(1, ...all.map((row) => (row[index] ?? '').length))),
  );
  const lines: string[] = [];
  all.forEach((row, rowIndex) => {
    const wrapped = row.map((cell, index) => wrap(cell, widths[index] ?? 1));
    const height = Math.max(...wrapped.map((cell) => cell.length));
    for (let line = 0; line < height; line += 1) {
      const cells = wrapped.map((cell, index) => (cell[line] ?? '').padEnd(widths[index] ?? 1));
      lines.push(cells.join(' | ').trimEnd());
    }
    if (rowIndex === 0) lines.push(widths.map((width) => '-'.repeat(width)).join('-+-'));
  });
  return ['```', ...lines.map(escapeMrkdwn), '```'].join('\n');
}

function flat(cell: string): string {
  return cell.replace(/\s+/g, ' ').trim();
}

/** Wraps between words where it can, so words stay readable (and searchable); a longer word is cut. */
function wrap(cell: string, width: number): string[] {
  if (cell.length <= width) return [cell];
  const lines: string[] = [];
  let current = '';
  for (const word of cell.split(' ')) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (candidate.length <= width) {
      current = candidate;
      continue;
    }
    if (current !== '') lines.push(current);
    current = word;
    while (current.length > width) {
      lines.push(current.slice(0, width));
      current = current.slice(width);
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}
