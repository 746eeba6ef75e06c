/**
 * The language-model port. The Claude client (src/agent/llm) implements it; skills reach it as `ctx.llm`,
 * which is null when no model is configured, so every skill must also work without one.
 */
export interface ModelMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface CompletionRequest {
  /** Stable instructions (cached as the prompt prefix where the provider supports it). */
  system?: string;
  messages: ModelMessage[];
  maxTokens?: number;
  /** What the call is for, recorded with its token usage (e.g. `kb.answer`, `kb.rerank`). */
  purpose: string;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface Completion {
  text: string;
  model: string;
  usage: TokenUsage;
}

export interface LanguageModel {
  /** The model id answers come from, shown to people ("answered by claude-…"). */
  readonly model: string;
  complete(request: CompletionRequest): Promise<Completion>;
}
