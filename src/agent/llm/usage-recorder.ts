import type { TokenUsage } from '../../core/language-model.ts';
import type { Logger } from '../../core/ports.ts';
import type { UsageEntry } from '../../db/usage-ledger.ts';
import type { LlmMetrics } from './llm-metrics.ts';
import type { PriceTable } from './prices.ts';

/** Where usage rows go (the UsageLedger table; tests pass an array). */
export interface UsageSink {
  record(entry: UsageEntry): Promise<void>;
}

export interface UsageSample {
  taskId: string | null;
  tenantId: string;
  purpose: string;
  model: string;
  usage: TokenUsage;
  durationMs: number;
}

/**
 * Records every model call: tokens and estimated cost in the database (per task) and in the Prometheus
 * metrics. Recording never fails the task: a lost row is logged, the answer still goes out.
 */
export class UsageRecorder {
  readonly #ledger: UsageSink;
  readonly #prices: PriceTable;
  readonly #metrics: LlmMetrics;
  readonly #log: Logger;
  readonly #unpriced = new Set<string>();

  constructor(ledger: UsageSink, prices: PriceTable, metrics: LlmMetrics, log: Logger) {
    this.#ledger = ledger;
    this.#prices = prices;
    this.#metrics = metrics;
    this.#log = log;
  }

  async record(sample: UsageSample): Promise<number> {
    const estimated = this.#prices.estimate(sample.model, sample.usage);
    if (estimated === null && !this.#unpriced.has(sample.model)) {
      this.#unpriced.add(sample.model);
      this.#log.warn('model-price-unknown', {
        model: sample.model,
        remedy: 'Set ANTHROPIC_PRICES (USD per million tokens) to estimate its cost.',
      });
    }
    const costUsd = estimated ?? 0;
    this.#metrics.observeCall({ ...sample, costUsd, seconds: sample.durationMs / 1000 });
    await this.#ledger.record({ ...sample, costUsd }).catch((error: unknown) => {
      this.#log.warn('model-usage-not-recorded', { error, taskId: sample.taskId });
    });
    return costUsd;
  }
}
