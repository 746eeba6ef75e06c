import type { TokenUsage } from '../../core/language-model.ts';

/** USD per million tokens. `cache_write` is the 5-minute cache write, the kind the supervisor uses. */
export interface ModelPrice {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

// Anthropic's published list prices (platform.claude.com pricing page, November 2026). Models missing here
// are estimated at zero and reported as unpriced: set ANTHROPIC_PRICES for them.
const PRICES: Record<string, ModelPrice> = {
  'claude-fable-5-1': { input: 10, output: 50, cache_read: 0.25, cache_write: 12.5 },
  'claude-mythos-5-1': { input: 10, output: 50, cache_read: 0.25, cache_write: 12.5 },
  'claude-fable-5': { input: 10, output: 50, cache_read: 1, cache_write: 12.5 },
  'claude-mythos-5': { input: 10, output: 50, cache_read: 1, cache_write: 12.5 },
  'claude-opus-5-5': { input: 4, output: 20, cache_read: 0.2, cache_write: 5 },
  'claude-opus-5': { input: 5, output: 25, cache_read: 0.5, cache_write: 6.25 },
  'claude-opus-4-8': { input: 5, output: 25, cache_read: 0.5, cache_write: 6.25 },
  'claude-opus-4-7': { input: 5, output: 25, cache_read: 0.5, cache_write: 6.25 },
  'claude-opus-4-6': { input: 5, output: 25, cache_read: 0.5, cache_write: 6.25 },
  'claude-opus-4-5': { input: 5, output: 25, cache_read: 0.5, cache_write: 6.25 },
  'claude-sonnet-5-5': { input: 2, output: 10, cache_read: 0.2, cache_write: 2.5 },
  'claude-sonnet-5': { input: 2, output: 10, cache_read: 0.2, cache_write: 2.5 },
  'claude-sonnet-4-6': { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 },
  'claude-sonnet-4-5': { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cache_read: 0.1, cache_write: 1.25 },
};

export class PriceTable {
  readonly #override: Partial<ModelPrice> | undefined;

  constructor(override?: Readonly<Record<string, number>>) {
    this.#override = override as Partial<ModelPrice> | undefined;
  }

  /** The price of a model (dated ids such as `claude-haiku-4-5-20251001` use their alias's price). */
  priceOf(model: string): ModelPrice | null {
    const listed = PRICES[model] ?? PRICES[model.replace(/-\d{8}$/, '')] ?? null;
    if (!this.#override) return listed;
    const base = listed ?? { input: 0, output: 0, cache_read: 0, cache_write: 0 };
    return { ...base, ...this.#override };
  }

  /** Estimated cost in USD, or null when the model has no known price. */
  estimate(model: string, usage: TokenUsage): number | null {
    const price = this.priceOf(model);
    if (!price) return null;
    const dollars =
      usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cacheReadTokens * price.cache_read +
      usage.cacheWriteTokens * price.cache_write;
    return dollars / 1_000_000;
  }
}
