/**
 * Splits mrkdwn into pieces of at most `limit` characters for Slack's per-block limits (3,000 for a
 * section). Nothing is dropped: pieces break between lines where possible, then at spaces, and never
 * inside `<…>` markup or an `&…;` entity. A code block cut in two is closed and reopened, so both halves
 * still show as code.
 */
export function splitMrkdwn(text: string, limit: number): string[] {
  if (text.length <= limit) return [text];
  const fence = '```';
  // Room for a closing fence, should a piece end inside a code block.
  const room = limit - fence.length - 1;
  const pieces: string[] = [];
  let current = '';
  let inCode = false;
  const close = (piece: string) => (inCode ? `${piece}\n${fence}` : piece);
  for (const line of text.split('\n')) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (candidate.length <= room) {
      current = candidate;
    } else {
      if (current !== '') pieces.push(close(current));
      current = inCode ? `${fence}\n${line}` : line;
      // A line longer than a whole piece is cut at a safe place.
      while (current.length > room) {
        const cut = safeCut(current, room);
        pieces.push(close(current.slice(0, cut)));
        const rest = current.slice(cut).replace(/^ /, '');
        current = inCode ? `${fence}\n${rest}` : rest;
      }
    }
    if (line.trim() === fence) inCode = !inCode;
  }
  if (current !== '' && current !== fence) pieces.push(current);
  return pieces;
}

/** The last position ≤ limit that is outside `<…>` and entities, preferring a space. */
function safeCut(text: string, limit: number): number {
  let depth = 0;
  let entity = false;
  let lastSpace = -1;
  let lastSafe = 0;
  for (let index = 0; index < limit && index < text.length; index += 1) {
    const character = text[index];
    if (character === '<') depth += 1;
    else if (character === '>' && depth > 0) depth -= 1;
    else if (character === '&') entity = true;
    else if (character === ';') entity = false;
    const safeAfter = depth === 0 && !entity;
    if (safeAfter) lastSafe = index + 1;
    if (safeAfter && character === ' ') lastSpace = index;
  }
  if (lastSpace > limit / 2) return lastSpace;
  return lastSafe > 0 ? lastSafe : limit;
}
