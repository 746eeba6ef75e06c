import { z } from 'zod';

/**
 * The Messages API request, as documented (platform.claude.com "Messages" reference) and as the pinned
 * `@anthropic-ai/sdk` types it. There is no official OpenAPI file to validate against (see
 * ../shared/specs/README.md), so this schema is strict about what we send: unknown fields, empty text, a
 * tool_use without its tool_result, too many cache breakpoints or a misplaced role all fail the test.
 */
const CacheControl = z.strictObject({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() });
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

const TextParam = z.strictObject({
  type: z.literal('text'),
  text: z.string().min(1),
  cache_control: CacheControl.nullish(),
  citations: z.array(z.unknown()).nullish(),
});
const ToolUseParam = z.strictObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().regex(TOOL_NAME),
  input: z.record(z.string(), z.unknown()),
  caller: z.strictObject({ type: z.literal('direct') }).optional(),
  cache_control: CacheControl.nullish(),
});
const ToolResultParam = z.strictObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(TextParam)]).optional(),
  is_error: z.boolean().optional(),
  cache_control: CacheControl.nullish(),
});
const ThinkingParam = z.strictObject({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string(),
});
const Block = z.discriminatedUnion('type', [TextParam, ToolUseParam, ToolResultParam, ThinkingParam]);
const MessageParam = z.strictObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string().min(1), z.array(Block).min(1)]),
});
const Tool = z.strictObject({
  name: z.string().regex(TOOL_NAME),
  description: z.string().min(1),
  input_schema: z.looseObject({ type: z.literal('object') }),
  cache_control: CacheControl.nullish(),
});
const ToolChoice = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('tool'), name: z.string() }),
]);

export const MessagesRequestSchema = z
  .strictObject({
    model: z.string().min(1),
    max_tokens: z.number().int().positive(),
    messages: z.array(MessageParam).min(1),
    system: z.union([z.string(), z.array(TextParam).min(1)]).optional(),
    tools: z.array(Tool).optional(),
    tool_choice: ToolChoice.optional(),
    stream: z.boolean().optional(),
    metadata: z.strictObject({ user_id: z.string().nullish() }).optional(),
  })
  .superRefine((request, context) => {
    const problem = (message: string) => context.addIssue({ code: 'custom', message });
    if (request.messages[0]?.role !== 'user') problem('the first message must come from the user');
    request.messages.forEach((message, index) => {
      const previous = request.messages[index - 1];
      if (previous && previous.role === message.role)
        problem(`messages ${index - 1} and ${index} share a role`);
      if (message.role !== 'assistant' || typeof message.content === 'string') return;
      const uses = message.content.filter((block) => block.type === 'tool_use').map((block) => block.id);
      const next = request.messages[index + 1];
      const answered =
        next && typeof next.content !== 'string'
          ? next.content.filter((block) => block.type === 'tool_result').map((block) => block.tool_use_id)
          : [];
      for (const id of uses) {
        if (!answered.includes(id) && index + 1 < request.messages.length)
          problem(`tool_use ${id} has no tool_result in the next message`);
      }
    });
    if (request.tool_choice && !request.tools?.length) problem('tool_choice without tools');
    const names = request.tools?.map((tool) => tool.name) ?? [];
    if (new Set(names).size !== names.length) problem('duplicate tool names');
    const breakpoints = JSON.stringify(request).match(/"cache_control":\{/g)?.length ?? 0;
    if (breakpoints > 4) problem(`${breakpoints} cache_control breakpoints (the API allows 4)`);
  });
export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;

/** Problems with the request headers the API requires. */
export function headerProblems(headers: Headers): string[] {
  const problems: string[] = [];
  if (!headers.get('anthropic-version')) problems.push('missing anthropic-version header');
  const auth = headers.get('authorization') ?? headers.get('x-api-key');
  if (!auth) problems.push('missing credentials (authorization / x-api-key)');
  if (!/^application\/json/.test(headers.get('content-type') ?? ''))
    problems.push('content-type is not JSON');
  return problems;
}
