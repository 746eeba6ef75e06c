import { describe, expect, it } from 'vitest';
import { approvalsDigest, buildApprovalsDigest } from '../../skills/approvals/digest.ts';
import { buildKnowledgeDigest } from '../../skills/knowledge/digest.ts';
import { buildUsageDigest } from '../../skills/status/digest.ts';
import { DigestKindSpecSchema } from '../../src/core/digests.ts';
import type {
  DigestContext,
  DigestSources,
  KnowledgeActivity,
  PendingApprovalCard,
  UsageSummary,
} from '../../src/core/index.ts';
import { checkDigestOptions } from '../../src/digests/digest-options.ts';
import { silentLogger } from '../../src/observability/logger.ts';

// The three digest kinds on fake sources: numbers computed in code, the quiet period, what people read.
const END = new Date('2026-12-08T08:00:00Z');
const START = new Date('2026-12-07T08:00:00Z');

function context(sources: DigestSources, options: Record<string, string> = {}): DigestContext {
  return {
    tenantId: 'acme',
    platform: 'slack',
    channel: 'C0OPS000001',
    createdBy: 'U0ALICE0001',
    period: { start: START, end: END, timeZone: 'Europe/Berlin' },
    options,
    sources,
    log: silentLogger,
  };
}

function approval(
  id: string,
  createdAt: string,
  expiresAt: string,
  title = `Release ${id}`,
): PendingApprovalCard {
  return {
    approvalId: id,
    title,
    requestedBy: 'alice',
    channel: 'C0DEPLOYS01',
    thread: '1765180000.000100',
    createdAt,
    expiresAt,
    approvalsGiven: 0,
    approvalsRequired: 1,
    card: { type: 'approval', approvalId: id, title, summary: [], status: 'pending', decisions: [] },
  };
}

describe('approvals digest', () => {
  it('shows the channel’s own requests unless an operator asks for every channel’s', () => {
    // Requests from other channels may come from places this channel's members cannot read.
    const spec = DigestKindSpecSchema.parse(approvalsDigest);
    expect(checkDigestOptions(spec, {}, { operator: false }).from).toBe('here');
    expect(() => checkDigestOptions(spec, { from: 'all' }, { operator: false })).toThrow(/for operators/);
    expect(checkDigestOptions(spec, { from: 'all' }, { operator: true }).from).toBe('all');
  });

  it('lists what waits, oldest first, with each card (its buttons), and counts new and expiring ones', async () => {
    const pending = [
      approval('a1', '2026-12-05T08:00:00Z', '2026-12-08T09:00:00Z', 'Deploy payments to prod'),
      approval('a2', '2026-12-07T20:00:00Z', '2026-12-09T08:00:00Z'),
    ];
    const asked: { channel?: string }[] = [];
    const sources: DigestSources = {
      approvals: {
        pending: async (filter) => {
          asked.push(filter);
          return pending;
        },
      },
    };
    const digest = await buildApprovalsDigest(context(sources, { from: 'all' }));
    expect(digest.headline).toBe(
      '*2* approvals are waiting; the oldest, “Deploy payments to prod”, for 3 days. 1 new since the last digest, 1 expires within 2 h.',
    );
    expect(digest.figures).toEqual({
      pending: 2,
      newInPeriod: 1,
      expiringSoon: 1,
      oldestWaitingMinutes: 4320,
    });
    expect(
      digest.blocks.filter((block) => block.type === 'approval').map((block) => block.approvalId),
    ).toEqual(['a1', 'a2']);
    expect(digest.quiet).toBe(false);
    expect(asked).toEqual([{}]);
    await buildApprovalsDigest(context(sources, { from: 'here' }));
    expect(asked[1]).toEqual({ channel: 'C0OPS000001' });
  });

  it('is quiet when nothing waits, and lists what does not fit as cards in a table', async () => {
    const none = await buildApprovalsDigest(context({ approvals: { pending: async () => [] } }));
    expect(none).toMatchObject({ quiet: true, headline: 'No approvals are waiting.', blocks: [] });
    const many = Array.from({ length: 11 }, (_v, index) =>
      approval(`b${index}`, '2026-12-07T09:00:00Z', '2026-12-10T09:00:00Z'),
    );
    const full = await buildApprovalsDigest(context({ approvals: { pending: async () => many } }));
    expect(full.blocks.filter((block) => block.type === 'approval')).toHaveLength(8);
    const table = full.blocks.find((block) => block.type === 'table');
    expect(table?.type === 'table' && table.rows).toHaveLength(3);
  });
});

describe('knowledge digest', () => {
  const activity: KnowledgeActivity = {
    documents: [
      {
        collection: 'runbooks',
        title: 'Rotate DB credentials',
        uri: 'x',
        change: 'added',
        version: 1,
        at: END.toISOString(),
      },
      {
        collection: 'runbooks',
        title: 'On-call',
        uri: 'y',
        change: 'updated',
        version: 3,
        at: END.toISOString(),
      },
    ],
    unanswered: [{ question: 'how do I reset the VPN?', at: END.toISOString(), votes: 0 }],
    unansweredElsewhere: 2,
    downvoted: [{ question: 'where is the DR plan?', at: END.toISOString(), votes: 2 }],
    downvotedElsewhere: 0,
  };

  it('tells what changed and where the gaps are; questions from elsewhere are counted, not shown', async () => {
    const asked: string[] = [];
    const digest = await buildKnowledgeDigest(
      context({
        knowledge: {
          activity: async (_period, options) => {
            asked.push(options.questionsFrom);
            return activity;
          },
        },
      }),
    );
    expect(digest.headline).toBe(
      '1 document added, 1 updated; 3 questions went unanswered; 1 answer got a 👎.',
    );
    expect(digest.figures).toEqual({ documentsAdded: 1, documentsUpdated: 1, unanswered: 3, downvoted: 1 });
    const text = JSON.stringify(digest.blocks);
    expect(text).toContain('how do I reset the VPN?');
    expect(text).toContain('where is the DR plan? (2 👎)');
    expect(text).toContain('2 more in other channels (their texts stay there)');
    expect(asked).toEqual(['here']);
  });

  it('is quiet when nothing changed and every question found an answer', async () => {
    const empty = {
      documents: [],
      unanswered: [],
      unansweredElsewhere: 0,
      downvoted: [],
      downvotedElsewhere: 0,
    };
    const digest = await buildKnowledgeDigest(context({ knowledge: { activity: async () => empty } }));
    expect(digest).toMatchObject({ quiet: true, blocks: [] });
  });
});

describe('usage digest', () => {
  const summary = (tasks: number, failed: number, cost: number): UsageSummary => ({
    tasks,
    failed,
    bySkill: [
      { skill: 'knowledge', tasks: tasks - 2, failed },
      { skill: 'digest', tasks: 2, failed: 0 },
    ],
    failures: failed > 0 ? [{ code: 'DEPENDENCY_UNAVAILABLE', count: failed }] : [],
    model: {
      calls: 10,
      inputTokens: 1_000_000,
      outputTokens: 150_000,
      cacheReadTokens: 50_000,
      cacheWriteTokens: 0,
      costUsd: cost,
    },
  });

  it('compares the period with the one before, per skill, with failures, tokens and cost', async () => {
    const periods: { start: string; end: string }[] = [];
    const digest = await buildUsageDigest(
      context({
        usage: {
          summary: async (period) => {
            periods.push({ start: period.start.toISOString(), end: period.end.toISOString() });
            return period.end.getTime() === END.getTime() ? summary(40, 3, 4.2) : summary(32, 0, 3);
          },
        },
      }),
    );
    expect(periods).toEqual([
      { start: START.toISOString(), end: END.toISOString() },
      { start: '2026-12-06T08:00:00.000Z', end: START.toISOString() },
    ]);
    expect(digest.headline).toBe(
      '*40* tasks (+25% on the period before), 3 failed (7.5%), 1.2 M tokens in 10 model calls, about $4.20 (+40% on the period before).',
    );
    expect(digest.figures).toMatchObject({
      tasks: 40,
      failed: 3,
      previousTasks: 32,
      tokens: 1_200_000,
      costUsd: 4.2,
    });
    const table = digest.blocks.find((block) => block.type === 'table');
    expect(table?.type === 'table' && table.rows).toEqual([
      ['knowledge', '38', '30', '3 (7.9%)'],
      ['digest', '2', '2', '0'],
    ]);
    expect(JSON.stringify(digest.blocks)).toContain('DEPENDENCY_UNAVAILABLE ×3');
  });

  it('is quiet when nothing ran', async () => {
    const idle: UsageSummary = {
      tasks: 0,
      failed: 0,
      bySkill: [],
      failures: [],
      model: {
        calls: 0,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: 0,
      },
    };
    const digest = await buildUsageDigest(context({ usage: { summary: async () => idle } }));
    expect(digest).toMatchObject({ quiet: true, headline: 'No tasks ran and no model was called.' });
  });
});
