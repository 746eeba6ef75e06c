import Anthropic from '@anthropic-ai/sdk';
import type { Completion, CompletionRequest, LanguageModel, TokenUsage } from '../../core/language-model.ts';
import type { Logger } from '../../core/ports.ts';
import type { ContentBlock, ConversationModel, ConversationRequest, ModelTurn } from './conversation.ts';
import { buildMessagesParams } from './request-builder.ts';
import { DEFAULT_RETRY, isRetryable, modelError, type RetryPolicy, retryDelayMs } from './retry-policy.ts';

export interface ClaudeClientOptions {
  apiKey: string;
  baseUrl: string;
  model: string;
  fallbackModel?: string | undefined;
  maxRetries: number;
  timeoutMs: number;
  maxOutputTokens: number;
  log: Logger;
  /** Tests pass a sleep that records instead of waiting, and a fixed random. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Told about every attempt (metrics). */
  onAttempt?: (attempt: { model: string; outcome: 'ok' | 'retry' | 'error'; status?: number }) => void;
}

/**
 * Claude through `@anthropic-ai/sdk`. One model turn per call, with the stable prefix cached; bounded
 * retries with jitter that honour retry-after (the SDK's own retries are off so the policy, the fallback
 * model and the task's time budget are ours); streaming when the caller wants the text as it comes.
 */
export class ClaudeClient implements LanguageModel, ConversationModel {
  readonly model: string;
  readonly #client: Anthropic;
  readonly #options: ClaudeClientOptions;
  readonly #retry: RetryPolicy;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: ClaudeClientOptions) {
    this.model = options.model;
    this.#options = options;
    this.#client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseUrl,
      maxRetries: 0,
      timeout: options.timeoutMs,
      openTelemetry: false,
      logLevel: 'off',
    });
    this.#retry = { ...DEFAULT_RETRY, maxRetries: options.maxRetries, random: options.random ?? Math.random };
    this.#sleep = options.sleep ?? sleep;
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const turn = await this.converse(conversationOf(request));
    return { text: turn.text, model: turn.model, usage: turn.usage };
  }

  async converse(request: ConversationRequest): Promise<ModelTurn> {
    const models = [this.model, ...(this.#options.fallbackModel ? [this.#options.fallbackModel] : [])];
    let lastError: unknown;
    let attempts = 0;
    for (const model of models) {
      for (let attempt = 1; attempt <= this.#retry.maxRetries + 1; attempt += 1) {
        attempts += 1;
        const started = performance.now();
        try {
          const message = await this.#send(request, model);
          this.#options.onAttempt?.({ model, outcome: 'ok' });
          return toTurn(message, performance.now() - started);
        } catch (error) {
          lastError = error;
          const status = error instanceof Anthropic.APIError ? error.status : undefined;
          if (!isRetryable(error) || request.signal?.aborted) {
            this.#options.onAttempt?.({ model, outcome: 'error', ...(status ? { status } : {}) });
            throw modelError(error, model, attempts);
          }
          this.#options.onAttempt?.({ model, outcome: 'retry', ...(status ? { status } : {}) });
          if (attempt > this.#retry.maxRetries) break;
          const delay = retryDelayMs(error, attempt, this.#retry);
          this.#options.log.warn('model-retry-scheduled', { model, attempt, status, delayMs: delay });
          await this.#sleep(delay, request.signal);
        }
      }
      if (model !== models.at(-1))
        this.#options.log.warn('model-fallback', { from: model, to: models.at(-1) });
    }
    throw modelError(lastError, models.at(-1) ?? this.model, attempts);
  }

  async #send(request: ConversationRequest, model: string): Promise<Anthropic.Messages.Message> {
    const params = buildMessagesParams(request, model, this.#options.maxOutputTokens);
    const options = {
      timeout: this.#options.timeoutMs,
      ...(request.signal ? { signal: request.signal } : {}),
    };
    if (!request.onText) return this.#client.messages.create(params, options);
    const onText = request.onText;
    const stream = this.#client.messages.stream(params, options);
    stream.on('text', (_delta, snapshot) => onText(snapshot));
    return stream.finalMessage();
  }
}

/** A plain completion (the LanguageModel port) as a conversation without tools. */
export function conversationOf(request: CompletionRequest): ConversationRequest {
  return {
    purpose: request.purpose,
    system: request.system ?? 'You are a helpful assistant inside a chat-ops bot. Answer concisely.',
    tools: [],
    messages: request.messages,
    ...(request.maxTokens ? { maxTokens: request.maxTokens } : {}),
  };
}

function toTurn(message: Anthropic.Messages.Message, durationMs: number): ModelTurn {
  const content = message.content as ContentBlock[];
  const text = content
    .filter((block): block is Anthropic.Messages.TextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('\n')
    .trim();
  const toolUses = content
    .filter((block): block is Anthropic.Messages.ToolUseBlock => block.type === 'tool_use')
    .map((block) => ({ id: block.id, name: block.name, input: asObject(block.input) }));
  return {
    model: message.model,
    content,
    text,
    toolUses,
    stopReason: message.stop_reason,
    usage: usageOf(message.usage),
    durationMs: Math.round(durationMs),
  };
}

export function usageOf(usage: Anthropic.Messages.Usage): TokenUsage {
  return {
    inputTokens: usage.input_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
  };
}

function asObject(input: unknown): Record<string, unknown> {
  return input !== null && typeof input === 'object' && !Array.isArray(input)
    ? (input as Record<string, unknown>)
    : {};
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
