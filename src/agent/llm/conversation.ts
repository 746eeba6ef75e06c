import type Anthropic from '@anthropic-ai/sdk';
import type { TokenUsage } from '../../core/language-model.ts';

/**
 * The supervisor's view of the Messages API: a stable prefix (system prompt + tool definitions, cached),
 * the conversation so far, and one model turn back. Skills see only the simpler LanguageModel port.
 */
export type MessageParam = Anthropic.Messages.MessageParam;
export type ContentBlock = Anthropic.Messages.ContentBlock;
export type ContentBlockParam = Anthropic.Messages.ContentBlockParam;

/** A tool the model may call, with its JSON Schema. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ConversationRequest {
  /** What the call is for, recorded with its usage: `supervisor.turn`, `memory.summary`, `kb.answer`. */
  purpose: string;
  /** Stable instructions: with the tools, the cached prompt prefix. */
  system: string;
  tools: readonly ToolSpec[];
  messages: readonly MessageParam[];
  maxTokens?: number;
  /** `any` forces a tool call; `auto` (default when tools are given) lets the model answer in text. */
  toolChoice?: 'auto' | 'any' | 'none';
  /**
   * Also cache the conversation so far (a breakpoint on the last message): worth it in a tool loop, where
   * the next turn re-sends all of it.
   */
  cacheConversation?: boolean;
  /** Streams the answer: called with the text so far as it grows. */
  onText?: (textSoFar: string) => void;
  /** Aborts the call (the task's time budget). */
  signal?: AbortSignal;
}

export interface ToolUse {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ModelTurn {
  /** The model that answered (the fallback, when the main one was unavailable). */
  model: string;
  /** The assistant content exactly as returned: appended to the conversation for the next turn. */
  content: ContentBlock[];
  text: string;
  toolUses: ToolUse[];
  stopReason: string | null;
  usage: TokenUsage;
  durationMs: number;
}

/** What the supervisor needs from a model: one turn of a conversation with tools. */
export interface ConversationModel {
  readonly model: string;
  converse(request: ConversationRequest): Promise<ModelTurn>;
}
