import { Counter, Histogram, type Registry } from 'prom-client';
import type { TokenUsage } from '../../core/language-model.ts';

/** The model's Prometheus metrics, on the process's registry (exported at /metrics). */
export interface LlmMetrics {
  observeCall(entry: {
    model: string;
    purpose: string;
    usage: TokenUsage;
    costUsd: number;
    seconds: number;
  }): void;
  observeAttempt(attempt: { model: string; outcome: 'ok' | 'retry' | 'error'; status?: number }): void;
}

export function createLlmMetrics(registry: Registry): LlmMetrics {
  const tokens = new Counter({
    name: 'chatops_llm_tokens_total',
    help: 'Model tokens by model, purpose and type (input, output, cache_read, cache_write).',
    labelNames: ['model', 'purpose', 'type'],
    registers: [registry],
  });
  const cost = new Counter({
    name: 'chatops_llm_cost_usd_total',
    help: 'Estimated model cost in USD (list prices; ANTHROPIC_PRICES overrides them).',
    labelNames: ['model', 'purpose'],
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'chatops_llm_requests_total',
    help: 'Model request attempts by outcome (ok, retry, error) and HTTP status.',
    labelNames: ['model', 'outcome', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'chatops_llm_request_seconds',
    help: 'Duration of successful model requests.',
    labelNames: ['model', 'purpose'],
    buckets: [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120],
    registers: [registry],
  });
  return {
    observeCall({ model, purpose, usage, costUsd, seconds }) {
      tokens.inc({ model, purpose, type: 'input' }, usage.inputTokens);
      tokens.inc({ model, purpose, type: 'output' }, usage.outputTokens);
      tokens.inc({ model, purpose, type: 'cache_read' }, usage.cacheReadTokens);
      tokens.inc({ model, purpose, type: 'cache_write' }, usage.cacheWriteTokens);
      cost.inc({ model, purpose }, costUsd);
      duration.observe({ model, purpose }, seconds);
    },
    observeAttempt({ model, outcome, status }) {
      attempts.inc({ model, outcome, status: status === undefined ? 'none' : String(status) });
    },
  };
}
