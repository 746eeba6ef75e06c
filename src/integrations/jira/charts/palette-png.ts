import { crc32, deflateSync } from 'node:zlib';

/**
 * RGBA pixels → an indexed (palette) PNG. A chart is a few flat colours plus their anti-aliased edges, so
 * its 256 most frequent colours cover nearly every pixel exactly and the rest map to the nearest of them:
 * the file shrinks 3–5× (a burndown from 25 KB to 6 KB), which keeps it inline in a Teams card (Teams
 * caps a message at about 28 KB). Transparent pixels are composited over white first.
 */
const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

export function encodePalettePng(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  paletteSize = 256,
): Buffer {
  const pixels = width * height;
  const colours = new Uint32Array(pixels);
  const counts = new Map<number, number>();
  for (let pixel = 0; pixel < pixels; pixel += 1) {
    const offset = pixel * 4;
    const alpha = (rgba[offset + 3] ?? 255) / 255;
    const over = (value: number) => Math.round(value * alpha + 255 * (1 - alpha));
    const colour =
      (over(rgba[offset] ?? 0) << 16) | (over(rgba[offset + 1] ?? 0) << 8) | over(rgba[offset + 2] ?? 0);
    colours[pixel] = colour;
    counts.set(colour, (counts.get(colour) ?? 0) + 1);
  }
  const palette = [...counts.entries()]
    .sort((left, right) => right[1] - left[1] || left[0] - right[0])
    .slice(0, paletteSize)
    .map(([colour]) => colour);
  const index = new Map(palette.map((colour, position) => [colour, position]));
  const nearest = (colour: number) => {
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let position = 0; position < palette.length; position += 1) {
      const candidate = palette[position] ?? 0;
      const red = (colour >> 16) - (candidate >> 16);
      const green = ((colour >> 8) & 255) - ((candidate >> 8) & 255);
      const blue = (colour & 255) - (candidate & 255);
      // Weighted for the eye's sensitivity (green most, blue least).
      const distance = 3 * red * red + 4 * green * green + 2 * blue * blue;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = position;
      }
    }
    return best;
  };
  const raw = Buffer.alloc((width + 1) * height);
  for (let row = 0; row < height; row += 1) {
    raw[row * (width + 1)] = 0; // filter type: none (deflate does well on palette rows)
    for (let column = 0; column < width; column += 1) {
      const colour = colours[row * width + column] ?? 0;
      let position = index.get(colour);
      if (position === undefined) {
        position = nearest(colour);
        index.set(colour, position);
      }
      raw[row * (width + 1) + 1 + column] = position;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 3; // colour type: indexed
  const plte = Buffer.alloc(palette.length * 3);
  palette.forEach((colour, position) => {
    plte[position * 3] = colour >> 16;
    plte[position * 3 + 1] = (colour >> 8) & 255;
    plte[position * 3 + 2] = colour & 255;
  });
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('PLTE', plte),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, checksum]);
}
