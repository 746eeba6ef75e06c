import type Anthropic from '@anthropic-ai/sdk';
import nock from 'nock';
import { headerProblems, type MessagesRequest, MessagesRequestSchema } from './anthropic-shape.ts';

/**
 * Replays Messages API answers with nock and checks every request we send against the documented shape
 * (anthropic-shape.ts). Answers are typed as the SDK's own `Message`, so a fixture that drifts from the
 * API's response type fails the typecheck. Problems are collected and reported by `expectClean()` (throwing
 * inside nock looks like a network error, which the client would retry).
 */
export const FAKE_ANTHROPIC_KEY = 'sk-ant-test-FAKE-not-a-real-key-000000';
export const ANTHROPIC_URL = 'https://api.anthropic.com';

export type MockAnswer =
  | { message: Anthropic.Messages.Message; stream?: boolean; delayMs?: number }
  | { status: number; type: string; detail?: string; headers?: Record<string, string> };

export interface RecordedRequest {
  body: MessagesRequest;
  headers: Headers;
}

export class AnthropicMock {
  readonly requests: RecordedRequest[] = [];
  readonly problems: string[] = [];
  readonly #scope: nock.Scope;

  constructor(baseUrl = ANTHROPIC_URL) {
    this.#scope = nock(baseUrl);
    this.#scope.on('request', (request: Request, _interceptor: unknown, body: string) => {
      this.#check(request, body);
    });
  }

  /** Queues answers, one per request, in order. */
  answer(...answers: MockAnswer[]): this {
    for (const answer of answers) {
      const interceptor = this.#scope.post('/v1/messages');
      if ('status' in answer) {
        interceptor.reply(
          answer.status,
          { type: 'error', error: { type: answer.type, message: answer.detail ?? answer.type } },
          { 'content-type': 'application/json', 'request-id': 'req_fake', ...answer.headers },
        );
        continue;
      }
      if (answer.delayMs) interceptor.delay(answer.delayMs);
      if (answer.stream) {
        interceptor.reply(200, sseBody(answer.message), { 'content-type': 'text/event-stream' });
      } else {
        interceptor.reply(200, answer.message, {
          'content-type': 'application/json',
          'request-id': 'req_fake',
        });
      }
    }
    return this;
  }

  get pending(): string[] {
    return this.#scope.pendingMocks();
  }

  /** Every answer was asked for, and every request had the documented shape. */
  expectClean(): void {
    const problems = [...this.problems];
    if (!this.#scope.isDone()) problems.push(`unused answers: ${this.#scope.pendingMocks().join(', ')}`);
    if (problems.length > 0) throw new Error(`Anthropic contract problems:\n${problems.join('\n')}`);
  }

  #check(request: Request, body: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      this.problems.push(`request body is not JSON: ${body.slice(0, 80)}`);
      return;
    }
    const result = MessagesRequestSchema.safeParse(parsed);
    if (!result.success) {
      for (const issue of result.error.issues)
        this.problems.push(`${issue.path.join('.')}: ${issue.message}`);
      return;
    }
    for (const problem of headerProblems(request.headers)) this.problems.push(problem);
    this.requests.push({ body: result.data, headers: request.headers });
  }
}

let nextId = 0;

/** A complete assistant message with the given content. */
export function assistantMessage(
  content: Anthropic.Messages.ContentBlock[],
  options: {
    model?: string;
    stop?: Anthropic.Messages.StopReason;
    usage?: Partial<Anthropic.Messages.Usage>;
  } = {},
): Anthropic.Messages.Message {
  nextId += 1;
  return {
    id: `msg_fake${String(nextId).padStart(4, '0')}`,
    type: 'message',
    role: 'assistant',
    model: options.model ?? 'claude-sonnet-5-5',
    content,
    container: null,
    diagnostics: null,
    stop_details: null,
    stop_reason:
      options.stop ?? (content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: {
      cache_creation: null,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      inference_geo: null,
      input_tokens: 100,
      output_tokens: 20,
      output_tokens_details: null,
      server_tool_use: null,
      service_tier: 'standard',
      ...options.usage,
    } as Anthropic.Messages.Usage,
  };
}

export function text(value: string): Anthropic.Messages.TextBlock {
  return { type: 'text', text: value, citations: null };
}

export function toolUse(
  id: string,
  name: string,
  input: Record<string, unknown>,
): Anthropic.Messages.ToolUseBlock {
  return { type: 'tool_use', id, name, input, caller: { type: 'direct' } };
}

/** The server-sent events the streaming API sends for a message (text in small deltas, tool input as JSON). */
export function sseBody(message: Anthropic.Messages.Message): string {
  const events: [string, unknown][] = [];
  const { content, usage, stop_reason, stop_sequence, ...rest } = message;
  events.push([
    'message_start',
    {
      type: 'message_start',
      message: {
        ...rest,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    },
  ]);
  content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push([
        'content_block_start',
        { type: 'content_block_start', index, content_block: { ...block, text: '' } },
      ]);
      for (const piece of block.text.match(/.{1,12}/gs) ?? []) {
        events.push([
          'content_block_delta',
          { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } },
        ]);
      }
    } else if (block.type === 'tool_use') {
      events.push([
        'content_block_start',
        { type: 'content_block_start', index, content_block: { ...block, input: {} } },
      ]);
      const json = JSON.stringify(block.input);
      for (const piece of json.match(/.{1,10}/gs) ?? []) {
        events.push([
          'content_block_delta',
          { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } },
        ]);
      }
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  events.push([
    'message_delta',
    {
      type: 'message_delta',
      delta: { stop_reason, stop_sequence, stop_details: null, container: null },
      usage: {
        output_tokens: usage.output_tokens,
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        output_tokens_details: null,
        server_tool_use: null,
      },
    },
  ]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');
}
