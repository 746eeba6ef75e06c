import { ChatOpsError } from '../../core/errors.ts';
import type { TokenUsage } from '../../core/language-model.ts';

/**
 * What one task may spend on the model: tokens (input + output of every call, cached input included) and
 * wall time. The supervisor checks before each call and aborts a call that outlives the time budget, so a
 * model stuck in a tool loop, or content that makes it ramble, cannot run up the bill.
 */
export class TaskBudget {
  readonly tokenLimit: number;
  readonly timeLimitMs: number;
  readonly #startedAt: number;
  readonly #now: () => number;
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #used = 0;

  constructor(options: { tokens: number; timeMs: number; now?: () => number }) {
    this.tokenLimit = options.tokens;
    this.timeLimitMs = options.timeMs;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
  }

  get tokensUsed(): number {
    return this.#used;
  }

  remainingMs(): number {
    return Math.max(0, this.timeLimitMs - (this.#now() - this.#startedAt));
  }

  /** Aborts when the time budget runs out (armed on first use, released by `close`). */
  get signal(): AbortSignal {
    if (!this.#timer && !this.#controller.signal.aborted) {
      this.#timer = setTimeout(
        () => this.#controller.abort(new Error('time budget exhausted')),
        this.remainingMs(),
      );
      this.#timer.unref();
    }
    return this.#controller.signal;
  }

  charge(usage: TokenUsage): void {
    this.#used += usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  }

  /** Throws BUDGET_EXCEEDED when the task has spent its tokens or its time. */
  assertAvailable(): void {
    if (this.#used >= this.tokenLimit) {
      throw new ChatOpsError(
        'BUDGET_EXCEEDED',
        `This task used its model budget of ${this.tokenLimit.toLocaleString('en-US')} tokens.`,
        { remedy: 'Ask a narrower question or split it up; an operator can raise LLM_TASK_TOKEN_BUDGET.' },
      );
    }
    if (this.remainingMs() <= 0) {
      throw new ChatOpsError(
        'BUDGET_EXCEEDED',
        `This task used its model time budget of ${Math.round(this.timeLimitMs / 1000)} s.`,
        { remedy: 'Ask a narrower question; an operator can raise LLM_TASK_TIME_BUDGET_MS.' },
      );
    }
  }

  close(): void {
    clearTimeout(this.#timer);
  }
}
