// Draws the Teams app icons (`node scripts/teams-icons.ts`): a 192x192 colour icon and a 32x32 outline
// icon, white on transparent, as Teams requires. Deterministic, so the committed PNGs can be regenerated.
import { writeFileSync } from 'node:fs';
import { encodePng, type Pixel } from './lib/png.ts';

const ACCENT: Pixel = [0x46, 0x4e, 0xb8, 0xff]; // Teams purple family
const WHITE: Pixel = [0xff, 0xff, 0xff, 0xff];
const CLEAR: Pixel = [0, 0, 0, 0];

/** The glyph on a unit square: a terminal prompt ">_" (the bot runs commands). */
function glyph(u: number, v: number, stroke: number): boolean {
  // ">" from (0.22,0.28) to (0.48,0.5) to (0.22,0.72)
  const distance = (ax: number, ay: number, bx: number, by: number) => {
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((u - ax) * dx + (v - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(u - (ax + t * dx), v - (ay + t * dy));
  };
  const chevron = Math.min(distance(0.22, 0.28, 0.48, 0.5), distance(0.48, 0.5, 0.22, 0.72)) <= stroke;
  const underscore = v >= 0.7 - stroke && v <= 0.7 + stroke && u >= 0.54 && u <= 0.8;
  return chevron || underscore;
}

function roundedSquare(u: number, v: number, radius: number): boolean {
  const cx = Math.min(Math.max(u, radius), 1 - radius);
  const cy = Math.min(Math.max(v, radius), 1 - radius);
  return Math.hypot(u - cx, v - cy) <= radius;
}

export function colorIcon(): Buffer {
  const size = 192;
  return encodePng(size, size, (x, y) => {
    const u = (x + 0.5) / size;
    const v = (y + 0.5) / size;
    if (!roundedSquare(u, v, 0.18)) return CLEAR;
    return glyph(u, v, 0.055) ? WHITE : ACCENT;
  });
}

export function outlineIcon(): Buffer {
  const size = 32;
  return encodePng(size, size, (x, y) => (glyph((x + 0.5) / size, (y + 0.5) / size, 0.07) ? WHITE : CLEAR));
}

if (import.meta.main) {
  const directory = new URL('../manifests/teams/', import.meta.url);
  writeFileSync(new URL('color.png', directory), colorIcon());
  writeFileSync(new URL('outline.png', directory), outlineIcon());
  console.log('wrote manifests/teams/color.png (192x192) and outline.png (32x32)');
}
