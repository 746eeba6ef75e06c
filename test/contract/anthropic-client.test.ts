import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskBudget } from '../../src/agent/llm/budget.ts';
import { ClaudeClient, type ClaudeClientOptions } from '../../src/agent/llm/claude-client.ts';
import type { MessageParam, ToolSpec } from '../../src/agent/llm/conversation.ts';
import { createLlmMetrics } from '../../src/agent/llm/llm-metrics.ts';
import { PriceTable } from '../../src/agent/llm/prices.ts';
import { TaskModel } from '../../src/agent/llm/task-model.ts';
import { UsageRecorder } from '../../src/agent/llm/usage-recorder.ts';
import type { UsageEntry } from '../../src/db/usage-ledger.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import {
  ANTHROPIC_URL,
  AnthropicMock,
  assistantMessage,
  FAKE_ANTHROPIC_KEY,
  text,
  toolUse,
} from '../support/anthropic-mock.ts';

// The Claude client against replayed Messages API answers: the tool loop's wire format, streaming, retries
// (429 with retry-after, 529, timeouts), the fallback model, prompt caching and usage accounting. Every
// request is checked against the documented request shape.
const SYSTEM = 'You are the supervisor of a chat-ops bot.';
const TOOLS: ToolSpec[] = [
  {
    name: 'everything__echo',
    description: 'Echoes back the input.',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
  },
  {
    name: 'knowledge',
    description: 'Answers questions from the knowledge base.',
    inputSchema: { type: 'object', properties: { request: { type: 'string' } }, required: ['request'] },
  },
];

let mock: AnthropicMock;
const sleeps: number[] = [];

function client(overrides: Partial<ClaudeClientOptions> = {}): ClaudeClient {
  return new ClaudeClient({
    apiKey: FAKE_ANTHROPIC_KEY,
    baseUrl: ANTHROPIC_URL,
    model: 'claude-sonnet-5-5',
    maxRetries: 2,
    timeoutMs: 5_000,
    maxOutputTokens: 1024,
    log: silentLogger,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
}

afterEach(() => {
  try {
    mock?.expectClean();
    mock = new AnthropicMock();
  } finally {
    nock.cleanAll();
    sleeps.length = 0;
  }
});

describe('Claude client against the Messages API', () => {
  it('sends tools, the cached prefix and the history through a tool_use → tool_result → answer loop', async () => {
    mock = new AnthropicMock().answer(
      {
        message: assistantMessage([
          text('Let me check.'),
          toolUse('toolu_01', 'everything__echo', { message: 'hi' }),
        ]),
      },
      {
        message: assistantMessage([text('The echo said: hi')], {
          usage: {
            input_tokens: 40,
            output_tokens: 8,
            cache_read_input_tokens: 900,
            cache_creation_input_tokens: 0,
          },
        }),
      },
    );
    const claude = client();
    const messages: MessageParam[] = [
      { role: 'user', content: 'earlier question' },
      { role: 'assistant', content: 'earlier answer' },
      { role: 'user', content: 'echo hi please' },
    ];
    const first = await claude.converse({
      purpose: 'supervisor.turn',
      system: SYSTEM,
      tools: TOOLS,
      messages,
      cacheConversation: true,
    });
    expect(first.toolUses).toEqual([{ id: 'toolu_01', name: 'everything__echo', input: { message: 'hi' } }]);
    expect(first.stopReason).toBe('tool_use');

    const second = await claude.converse({
      purpose: 'supervisor.turn',
      system: SYSTEM,
      tools: TOOLS,
      cacheConversation: true,
      messages: [
        ...messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'hi' }] },
      ],
    });
    expect(second.text).toBe('The echo said: hi');
    expect(second.usage).toEqual({
      inputTokens: 40,
      outputTokens: 8,
      cacheReadTokens: 900,
      cacheWriteTokens: 0,
    });

    const [request1, request2] = mock.requests.map((request) => request.body);
    expect(request1?.model).toBe('claude-sonnet-5-5');
    expect(request1?.tools?.map((tool) => tool.name)).toEqual(['everything__echo', 'knowledge']);
    // The stable prefix is cached: a breakpoint on the last tool and on the system prompt.
    expect(request1?.tools?.[0]?.cache_control).toBeUndefined();
    expect(request1?.tools?.[1]?.cache_control).toEqual({ type: 'ephemeral' });
    expect(request1?.system).toEqual([{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }]);
    expect(request1?.tool_choice).toEqual({ type: 'auto' });
    // History goes in order, and the conversation so far is cached within the loop.
    expect(request2?.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);
    expect(request2?.messages[3]?.content).toEqual([
      { type: 'text', text: 'Let me check.', citations: null },
      {
        type: 'tool_use',
        id: 'toolu_01',
        name: 'everything__echo',
        input: { message: 'hi' },
        caller: { type: 'direct' },
      },
    ]);
    expect(request2?.messages[4]?.content).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_01', content: 'hi', cache_control: { type: 'ephemeral' } },
    ]);
    expect(mock.requests[0]?.headers.get('authorization')).toBe(`Bearer ${FAKE_ANTHROPIC_KEY}`);
  });

  it('streams the answer as server-sent events', async () => {
    const answer = 'Deploys go through an approval: an SRE clicks Approve, then the pipeline runs.';
    mock = new AnthropicMock().answer({ message: assistantMessage([text(answer)]), stream: true });
    const snapshots: string[] = [];
    const turn = await client().converse({
      purpose: 'supervisor.turn',
      system: SYSTEM,
      tools: TOOLS,
      messages: [{ role: 'user', content: 'how do deploys work?' }],
      onText: (soFar) => snapshots.push(soFar),
    });
    expect(turn.text).toBe(answer);
    expect(snapshots.length).toBeGreaterThan(3);
    expect(snapshots.at(-1)).toBe(answer);
    expect(mock.requests[0]?.body.stream).toBe(true);
  });

  it('streams tool calls too', async () => {
    mock = new AnthropicMock().answer({
      message: assistantMessage([toolUse('toolu_07', 'knowledge', { request: 'vacation policy' })]),
      stream: true,
    });
    const turn = await client().converse({
      purpose: 'supervisor.turn',
      system: SYSTEM,
      tools: TOOLS,
      messages: [{ role: 'user', content: 'how many vacation days do I get?' }],
      onText: () => {},
    });
    expect(turn.toolUses).toEqual([
      { id: 'toolu_07', name: 'knowledge', input: { request: 'vacation policy' } },
    ]);
  });

  it('waits as long as retry-after says on 429, then succeeds', async () => {
    mock = new AnthropicMock().answer(
      { status: 429, type: 'rate_limit_error', headers: { 'retry-after': '7' } },
      { message: assistantMessage([text('ok')]) },
    );
    const turn = await client().converse({
      purpose: 'test',
      system: SYSTEM,
      tools: [],
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(turn.text).toBe('ok');
    expect(sleeps).toEqual([7000]);
  });

  it('backs off with jitter on 529 and falls back to the other model when the main one stays overloaded', async () => {
    mock = new AnthropicMock().answer(
      { status: 529, type: 'overloaded_error' },
      { status: 529, type: 'overloaded_error' },
      { message: assistantMessage([text('from the fallback')], { model: 'claude-haiku-4-5' }) },
    );
    const attempts: string[] = [];
    const turn = await client({
      maxRetries: 1,
      fallbackModel: 'claude-haiku-4-5',
      onAttempt: (attempt) => attempts.push(`${attempt.model}:${attempt.outcome}:${attempt.status ?? ''}`),
    }).converse({ purpose: 'test', system: SYSTEM, tools: [], messages: [{ role: 'user', content: 'hi' }] });
    expect(turn).toMatchObject({ text: 'from the fallback', model: 'claude-haiku-4-5' });
    expect(mock.requests.map((request) => request.body.model)).toEqual([
      'claude-sonnet-5-5',
      'claude-sonnet-5-5',
      'claude-haiku-4-5',
    ]);
    // Exponential backoff with jitter: 500 ms × (0.5 + 0.5 × random).
    expect(sleeps).toEqual([375]);
    expect(attempts).toEqual([
      'claude-sonnet-5-5:retry:529',
      'claude-sonnet-5-5:retry:529',
      'claude-haiku-4-5:ok:',
    ]);
  });

  it('retries a request that times out, and reports a retryable outage when it keeps timing out', async () => {
    // A real socket that answers too late (nock's delay does not honour the client's abort signal).
    const answers = [2_000, 0, 2_000, 2_000];
    const server = createServer((_req, res) => {
      const delay = answers.shift() ?? 0;
      const timer = setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(assistantMessage([text(delay ? 'late' : 'on time')])));
      }, delay);
      res.on('close', () => clearTimeout(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const request = {
        purpose: 'test',
        system: SYSTEM,
        tools: [],
        messages: [{ role: 'user' as const, content: 'hi' }],
      };
      const turn = await client({ baseUrl, timeoutMs: 200 }).converse(request);
      expect(turn.text).toBe('on time');
      const failure = await client({ baseUrl, timeoutMs: 200, maxRetries: 1 })
        .converse(request)
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', retryable: true });
      expect(String((failure as Error).message)).toContain('2 attempts');
      expect(sleeps).toHaveLength(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('does not retry a rejected key, and says which setting to fix', async () => {
    mock = new AnthropicMock().answer({ status: 401, type: 'authentication_error' });
    const failure = await client()
      .converse({ purpose: 'test', system: SYSTEM, tools: [], messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'CONFIG_INVALID', retryable: false });
    expect((failure as { remedy: string }).remedy).toContain('ANTHROPIC_API_KEY');
    expect(sleeps).toEqual([]);
  });
});

describe('per-task model accounting', () => {
  function taskModel(tokens = 10_000) {
    const rows: UsageEntry[] = [];
    const registry = new Registry();
    const recorder = new UsageRecorder(
      { record: async (entry) => void rows.push(entry) },
      new PriceTable(),
      createLlmMetrics(registry),
      silentLogger,
    );
    const budget = new TaskBudget({ tokens, timeMs: 60_000 });
    const model = new TaskModel(client(), budget, recorder, {
      id: '0190f000-0000-7000-8000-000000000001',
      tenantId: 'acme',
    });
    return { model, rows, registry, budget };
  }

  it('records tokens and estimated cost per task, and exports them as metrics', async () => {
    mock = new AnthropicMock().answer({
      message: assistantMessage([text('Three open incidents.')], {
        usage: {
          input_tokens: 1000,
          output_tokens: 200,
          cache_read_input_tokens: 4000,
          cache_creation_input_tokens: 2000,
        },
      }),
    });
    const { model, rows, registry } = taskModel();
    const completion = await model.complete({
      purpose: 'kb.answer',
      messages: [{ role: 'user', content: 'incidents?' }],
    });
    expect(completion.text).toBe('Three open incidents.');
    // claude-sonnet-5-5 list price: $2 in, $10 out, $0.20 cache read, $2.50 cache write per million tokens.
    const expected = (1000 * 2 + 200 * 10 + 4000 * 0.2 + 2000 * 2.5) / 1_000_000;
    expect(rows).toEqual([
      expect.objectContaining({
        taskId: '0190f000-0000-7000-8000-000000000001',
        tenantId: 'acme',
        purpose: 'kb.answer',
        model: 'claude-sonnet-5-5',
        usage: { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 4000, cacheWriteTokens: 2000 },
        costUsd: expect.closeTo(expected, 10),
      }),
    ]);
    const metrics = await registry.metrics();
    expect(metrics).toContain(
      'chatops_llm_tokens_total{model="claude-sonnet-5-5",purpose="kb.answer",type="cache_read"} 4000',
    );
    expect(metrics).toMatch(
      /chatops_llm_cost_usd_total\{model="claude-sonnet-5-5",purpose="kb.answer"\} 0\.0098/,
    );
  });

  it('refuses further calls once the task has spent its token budget', async () => {
    mock = new AnthropicMock().answer({
      message: assistantMessage([text('long answer')], { usage: { input_tokens: 900, output_tokens: 200 } }),
    });
    const { model, budget } = taskModel(1000);
    await model.complete({ purpose: 'test', messages: [{ role: 'user', content: 'hi' }] });
    expect(budget.tokensUsed).toBe(1100);
    await expect(
      model.complete({ purpose: 'test', messages: [{ role: 'user', content: 'again' }] }),
    ).rejects.toMatchObject({
      code: 'BUDGET_EXCEEDED',
    });
    budget.close();
  });
});
