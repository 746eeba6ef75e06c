import nock from 'nock';
import { Registry } from 'prom-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { skills as installedSkills } from '../../skills/index.ts';
import { ClaudeClient } from '../../src/agent/llm/claude-client.ts';
import { createLlmMetrics } from '../../src/agent/llm/llm-metrics.ts';
import { PriceTable } from '../../src/agent/llm/prices.ts';
import { UsageRecorder } from '../../src/agent/llm/usage-recorder.ts';
import { Policy } from '../../src/agent/policy.ts';
import { Agent } from '../../src/agent/supervisor/agent.ts';
import { ThreadMemory, type ThreadSource } from '../../src/agent/supervisor/memory.ts';
import { OfflineRouter } from '../../src/agent/supervisor/offline-router.ts';
import { manifestOf } from '../../src/core/skill.ts';
import { SkillCatalog } from '../../src/core/skill-catalog.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { fakeTask } from '../fakes/skill-context.ts';
import { ROUTING_TABLE } from '../fixtures/routing-table.ts';
import { fixtureSkills } from '../fixtures/skills/manifests.ts';
import { AnthropicMock, assistantMessage, FAKE_ANTHROPIC_KEY, toolUse } from '../support/anthropic-mock.ts';

// The routing table: every request in test/fixtures/routing-table.ts must reach its skill, through the
// Claude router (its recorded reply replayed, and the request we send checked) and through the offline
// router (no model), whose accuracy is printed and held to a floor.
const catalog = new SkillCatalog([...installedSkills, ...fixtureSkills]);
const emptyThread: ThreadSource = {
  recent: async () => [],
  between: async () => [],
  summary: async () => null,
  saveSummary: async () => {},
  stickySkill: async () => null,
};

describe('routing table', () => {
  it('has 40 or more requests, covering every skill', () => {
    expect(ROUTING_TABLE.length).toBeGreaterThanOrEqual(40);
    const covered = new Set(ROUTING_TABLE.map((row) => row.expected));
    // `run` is for people who name a tool; `workflows` is reached only through its buttons and approvals.
    for (const skill of catalog.skills.filter((candidate) => !['run', 'workflows'].includes(candidate.id))) {
      expect(covered, skill.id).toContain(skill.id);
    }
  });

  describe('through the Claude router (recorded replies)', () => {
    let mock: AnthropicMock;
    const agent = new Agent({
      catalog,
      memory: new ThreadMemory(emptyThread, silentLogger),
      policy: new Policy(),
      model: new ClaudeClient({
        apiKey: FAKE_ANTHROPIC_KEY,
        baseUrl: 'https://api.anthropic.com',
        model: 'claude-sonnet-5-5',
        maxRetries: 0,
        timeoutMs: 5_000,
        maxOutputTokens: 1024,
        log: silentLogger,
      }),
      recorder: new UsageRecorder(
        { record: async () => {} },
        new PriceTable(),
        createLlmMetrics(new Registry()),
        silentLogger,
      ),
      gateway: null,
      budgets: { tokens: 100_000, timeMs: 60_000, maxTurns: 4 },
      log: silentLogger,
    });
    afterEach(() => {
      try {
        mock?.expectClean();
      } finally {
        nock.cleanAll();
      }
    });

    it.each(ROUTING_TABLE.map((row, index) => [index + 1, row.text, row] as const))(
      '%i. "%s"',
      async (index, text, row) => {
        mock = new AnthropicMock().answer({
          message: assistantMessage([toolUse(`toolu_route${index}`, row.claude.tool, row.claude.input)]),
        });
        const task = fakeTask({ id: `0190f000-0000-7000-8000-${String(index).padStart(12, '0')}`, text });
        const run = agent.begin(task, { id: 'alice', name: 'alice', roles: async () => [] }, silentLogger);
        try {
          const route = await run.route();
          expect(route.skill.id).toBe(row.expected);
          expect(route.via).toBe('model');
        } finally {
          run.close();
        }
        const sent = mock.requests[0]?.body;
        expect(sent?.tools?.map((tool) => tool.name)).toEqual([
          'help',
          'status',
          'approvals',
          'ask',
          'kb',
          'jira',
          'digest',
          'deploy-cluster',
          'rfp',
          'hr',
          'deploy-service',
        ]);
        expect(JSON.stringify(sent?.messages.at(-1))).toContain(`alice: ${text}`);
      },
    );
  });

  describe('through the offline router', () => {
    const router = new OfflineRouter();
    const manifests = catalog.skills.map(manifestOf);
    const results = ROUTING_TABLE.map((row) => ({ row, choice: router.choose(row.text, manifests) }));
    const correct = results.filter(({ row, choice }) => choice?.skillId === row.expected);

    afterAll(() => {
      const misses = results.filter((result) => !correct.includes(result));
      console.log(
        `offline router: ${correct.length}/${results.length} correct (${((100 * correct.length) / results.length).toFixed(1)}%)` +
          misses
            .map(
              ({ row, choice }) =>
                `\n  miss: "${row.text}" → ${choice?.skillId ?? 'none'} (expected ${row.expected})`,
            )
            .join(''),
      );
    });

    it('routes at least 80% of the table correctly', () => {
      expect(correct.length / results.length).toBeGreaterThanOrEqual(0.8);
    });

    it('is strong on explicit signals: commands mentioned in the text and manifest keywords', () => {
      expect(router.choose('can you run /digest for me', manifests)).toMatchObject({
        skillId: 'digest',
        strong: true,
      });
      expect(router.choose('deploying payments tomorrow?', manifests)).toMatchObject({
        skillId: 'deploy-service',
        strong: true,
      });
      expect(router.choose('thanks!', manifests)).toBeNull();
      expect(router.choose('and what about last week?', manifests)?.strong ?? false).toBe(false);
    });
  });
});
