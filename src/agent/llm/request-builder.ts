import type Anthropic from '@anthropic-ai/sdk';
import type { ContentBlockParam, ConversationRequest, MessageParam } from './conversation.ts';

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * Builds the Messages API request (pure). The stable prefix is cached: the API caches in the order tools →
 * system → messages, so one breakpoint on the last tool and one on the system prompt cover everything that
 * repeats across tasks; a third on the last message caches the conversation within a tool loop. The API
 * allows four breakpoints.
 */
export function buildMessagesParams(
  request: ConversationRequest,
  model: string,
  maxTokens: number,
): Anthropic.Messages.MessageCreateParamsNonStreaming {
  const tools = request.tools.map(
    (tool, index): Anthropic.Messages.Tool => ({
      name: tool.name,
      description: tool.description,
      input_schema: tool.inputSchema as Anthropic.Messages.Tool.InputSchema,
      ...(index === request.tools.length - 1 ? { cache_control: EPHEMERAL } : {}),
    }),
  );
  const messages = request.cacheConversation
    ? withBreakpointOnLastMessage(request.messages)
    : [...request.messages];
  return {
    model,
    max_tokens: request.maxTokens ?? maxTokens,
    system: [{ type: 'text', text: request.system, cache_control: EPHEMERAL }],
    messages,
    ...(tools.length > 0 ? { tools, tool_choice: { type: request.toolChoice ?? 'auto' } } : {}),
  };
}

function withBreakpointOnLastMessage(messages: readonly MessageParam[]): MessageParam[] {
  const copy = [...messages];
  const last = copy.at(-1);
  if (!last) return copy;
  const blocks: ContentBlockParam[] =
    typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : [...last.content];
  const index = lastCacheableIndex(blocks);
  if (index < 0) return copy;
  blocks[index] = { ...blocks[index], cache_control: EPHEMERAL } as ContentBlockParam;
  copy[copy.length - 1] = { ...last, content: blocks } as MessageParam;
  return copy;
}

// Thinking blocks cannot carry a breakpoint; text, tool_use and tool_result blocks can.
function lastCacheableIndex(blocks: readonly ContentBlockParam[]): number {
  for (let index = blocks.length - 1; index >= 0; index -= 1) {
    const type = blocks[index]?.type;
    if (type !== 'thinking' && type !== 'redacted_thinking') return index;
  }
  return -1;
}
