import type { Reply, ReplyBlock } from '../../src/core/index.ts';

/**
 * Splits a Reply into parts that each fit one Teams card, so a long answer is sent as several messages
 * instead of being cut: blocks are packed in order, and a block too big for a card on its own is divided
 * (a table by rows, each part with the header; text by lines; fields in groups). Buttons and feedback go
 * with the last part, where people finish reading.
 */
export function splitReply(reply: Reply, fits: (part: Reply) => boolean): Reply[] {
  const partOf = (blocks: ReplyBlock[]): Reply => ({ ...reply, blocks, feedback: false });
  if (fits(reply)) return [reply];
  const parts: ReplyBlock[][] = [];
  let current: ReplyBlock[] = [];
  for (const block of reply.blocks) {
    for (const piece of piecesOf(block, (blocks) => fits(partOf(blocks)))) {
      if (current.length === 0 || fits(partOf([...current, piece]))) {
        current.push(piece);
        continue;
      }
      parts.push(current);
      current = [piece];
    }
  }
  if (current.length > 0 || parts.length === 0) parts.push(current);
  return parts.map((blocks, index) => ({
    ...reply,
    blocks,
    feedback: index === parts.length - 1 ? reply.feedback : false,
  }));
}

type Fits = (blocks: ReplyBlock[]) => boolean;

function piecesOf(block: ReplyBlock, fits: Fits): ReplyBlock[] {
  if (fits([block])) return [block];
  switch (block.type) {
    case 'table':
      return pack(block.rows, (rows) => ({ ...block, rows }), fits);
    case 'fields':
      return pack(block.fields, (fields) => ({ ...block, fields }), fits);
    case 'markdown':
    case 'context':
      return pack(linesOf(block.text), (lines) => ({ ...block, text: lines.join('\n') }), fits);
    default:
      // Approvals, buttons, images and files are small; the card renderer shortens one that is not.
      return [block];
  }
}

/** Greedily packs items into as few blocks as fit, in order; an item too big alone still gets a block. */
function pack<Item>(items: readonly Item[], build: (items: Item[]) => ReplyBlock, fits: Fits): ReplyBlock[] {
  const blocks: ReplyBlock[] = [];
  let current: Item[] = [];
  for (const item of items) {
    if (current.length === 0 || fits([build([...current, item])])) {
      current.push(item);
      continue;
    }
    blocks.push(build(current));
    current = [item];
  }
  if (current.length > 0) blocks.push(build(current));
  return blocks;
}

/** Lines of text, with lines longer than a card can show cut at spaces into shorter ones. */
function linesOf(text: string, width = 2000): string[] {
  return text.split('\n').flatMap((line) => {
    const pieces: string[] = [];
    let rest = line;
    while (rest.length > width) {
      const space = rest.lastIndexOf(' ', width);
      const cut = space > width / 2 ? space : width;
      pieces.push(rest.slice(0, cut));
      rest = rest.slice(cut).replace(/^ /, '');
    }
    pieces.push(rest);
    return pieces;
  });
}
