import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { computePlan } from '../../skills/provisioning/plan.ts';
import { planReply, reviewPlan } from '../../skills/provisioning/replies.ts';
import { requestOf } from '../../skills/provisioning/request.ts';
import { ClaudeClient } from '../../src/agent/llm/claude-client.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { BUILT_IN_PRICES } from '../../src/provisioning/prices.ts';
import { AnthropicMock, assistantMessage, FAKE_ANTHROPIC_KEY, text } from '../support/anthropic-mock.ts';

// With a model configured, Claude reviews the /deploy-cluster plan (through the real client, its requests
// held to the Messages API's shape): its suggestions are labelled as the model's advice, risks marked and
// first, and a model that fails leaves the plan as it is, without suggestions.
const plan = computePlan(
  requestOf({ name: 'payments', platform: 'eks', env: 'prod', size: 'medium' }),
  { prices: BUILT_IN_PRICES },
  'alice',
);
const claude = () =>
  new ClaudeClient({
    apiKey: FAKE_ANTHROPIC_KEY,
    baseUrl: 'https://api.anthropic.com',
    model: 'claude-sonnet-5-5',
    maxRetries: 0,
    timeoutMs: 5_000,
    maxOutputTokens: 1024,
    log: silentLogger,
  });

describe('the model review of a deploy plan', () => {
  let mock: AnthropicMock | null = null;
  afterEach(() => {
    try {
      mock?.expectClean();
    } finally {
      mock = null;
      nock.cleanAll();
    }
  });

  it('adds the model suggestions to the plan, labelled, risks first', async () => {
    mock = new AnthropicMock().answer({
      message: assistantMessage([
        text(
          [
            '- Suggestion: pin the Kubernetes version.',
            '- Risk: the API endpoint is public in prod.',
            '- Suggestion: add a second availability zone.',
            '- Risk: three nodes leave no room for a node failure during upgrades.',
          ].join('\n'),
        ),
      ]),
    });
    const suggestions = await reviewPlan(claude(), plan, null, silentLogger);
    expect(suggestions).toEqual([
      '⚠️ Risk: the API endpoint is public in prod.',
      '⚠️ Risk: three nodes leave no room for a node failure during upgrades.',
      '💡 pin the Kubernetes version.',
      '💡 add a second availability zone.',
    ]);
    const sent = JSON.stringify(mock.requests[0]?.body);
    expect(sent).toContain('"name\\":\\"payments\\"');
    expect(sent).toContain('Risk: ');
    const reply = planReply(plan, null, suggestions, 2, 'sre');
    const markdown = reply.blocks.flatMap((block) => (block.type === 'markdown' ? [block.text] : []));
    const advice = markdown.find((entry) => entry.includes('Suggestions from the model'));
    expect(advice).toBe(
      [
        '🤖 *Suggestions from the model (advice, not part of the plan)*',
        '• ⚠️ Risk: the API endpoint is public in prod.',
        '• ⚠️ Risk: three nodes leave no room for a node failure during upgrades.',
        '• 💡 pin the Kubernetes version.',
        '• 💡 add a second availability zone.',
      ].join('\n'),
    );
    // The plan's own risks still come first in the reply, before the facts and the model's advice.
    expect(
      reply.blocks.findIndex((block) => block.type === 'markdown' && block.text.startsWith('⚠️ *Risks*')),
    ).toBe(1);
  });

  it('leaves the plan without suggestions when the model fails, and never blocks it', async () => {
    mock = new AnthropicMock().answer({ status: 500, type: 'api_error', detail: 'Internal server error' });
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (event: string) => void warnings.push(event) };
    const suggestions = await reviewPlan(claude(), plan, null, log as never);
    expect(suggestions).toEqual([]);
    expect(warnings).toEqual(['provisioning-review-failed']);
    const reply = planReply(plan, null, suggestions, 2, 'sre');
    expect(JSON.stringify(reply)).not.toContain('Suggestions from the model');
    expect(reply.text).toMatch(/^Plan for payments: 3 × m6i\.xlarge in eu-central-1/);
  });

  it('asks nothing without a model', async () => {
    expect(await reviewPlan(null, plan, null, silentLogger)).toEqual([]);
  });
});
