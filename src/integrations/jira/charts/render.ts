import { createRequire } from 'node:module';
import type * as Canvas from '@napi-rs/canvas';
import type * as ChartJs from 'chart.js';
import type { ChartConfiguration, Plugin } from 'chart.js';
import { encodePalettePng } from './palette-png.ts';

/**
 * Charts as PNG on the server: Chart.js (the widely kept charting library) drawing on @napi-rs/canvas
 * (Skia, prebuilt binaries from npm, no system libraries), with DejaVu Sans shipped by the
 * `dejavu-fonts-ttf` package (Bitstream Vera licence, see its LICENSE) so text renders the same on a slim
 * container as on a laptop. The PNG is re-encoded with a palette (palette-png.ts) to stay small.
 */
export const CHART_FONT = 'DejaVu Sans';
export const CHART_WIDTH = 720;
export const CHART_HEIGHT = 360;

export const COLOURS = {
  primary: '#1f6feb',
  secondary: '#9db7d9',
  accent: '#d1495b',
  muted: '#8c8c8c',
  good: '#2e8540',
  warning: '#e09f3e',
} as const;

/** Teams shows a card image inline up to ~20,000 base64 characters (about 15,000 bytes of PNG). */
export const INLINE_PNG_BYTES = 14_500;

let libraries: { canvas: typeof Canvas; chart: typeof ChartJs } | null = null;

/**
 * Loaded on the first chart, not at start-up: every `chatops` process imports this module, and only the
 * processes that draw need Skia and Chart.js (both ship CommonJS builds, so loading stays synchronous).
 */
function setUp(): { canvas: typeof Canvas; chart: typeof ChartJs } {
  if (libraries) return libraries;
  const require = createRequire(import.meta.url);
  const canvas = require('@napi-rs/canvas') as typeof Canvas;
  const chart = require('chart.js') as typeof ChartJs;
  canvas.GlobalFonts.registerFromPath(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'), CHART_FONT);
  canvas.GlobalFonts.registerFromPath(
    require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
    CHART_FONT,
  );
  chart.Chart.register(...chart.registerables);
  chart.Chart.defaults.font.family = CHART_FONT;
  chart.Chart.defaults.font.size = 12;
  chart.Chart.defaults.color = '#333333';
  libraries = { canvas, chart };
  return libraries;
}

// Chart.js clears the canvas to transparent; chat clients in dark mode would then show black text on black.
const whiteBackground: Plugin = {
  id: 'chatops-background',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Renders a chart to PNG bytes (no animation, no responsiveness: one frame, drawn at once). */
export function renderChart(
  configuration: ChartConfiguration,
  size: { width: number; height: number } = { width: CHART_WIDTH, height: CHART_HEIGHT },
): Buffer {
  const { canvas: skia, chart: charts } = setUp();
  const canvas = skia.createCanvas(size.width, size.height);
  const context = canvas.getContext('2d');
  const chart = new charts.Chart(
    context as unknown as CanvasRenderingContext2D,
    {
      ...configuration,
      options: {
        ...configuration.options,
        responsive: false,
        animation: false,
        devicePixelRatio: 1,
        events: [],
      },
      plugins: [...(configuration.plugins ?? []), whiteBackground],
    } as ChartConfiguration,
  );
  try {
    const pixels = context.getImageData(0, 0, size.width, size.height);
    // Busy charts (a scatter of hundreds of points) have many edge shades: fewer colours keep them inline.
    let png = encodePalettePng(pixels.data, size.width, size.height);
    for (const colours of [64, 24]) {
      if (png.length <= INLINE_PNG_BYTES) break;
      png = encodePalettePng(pixels.data, size.width, size.height, colours);
    }
    return png;
  } finally {
    chart.destroy();
  }
}
