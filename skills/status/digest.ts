import {
  type DigestContent,
  type DigestContext,
  type DigestKindDefinition,
  formatCount,
  type ReplyBlock,
  type UsageSummary,
} from '../../src/core/index.ts';

/**
 * The usage digest: tasks per skill and how many failed (and why), model tokens and estimated cost, each
 * compared with the period before (same length), computed from the task ledger and `llm_usage`. A period
 * without tasks or model calls is quiet.
 */
export const usageDigest: DigestKindDefinition = {
  kind: 'usage',
  description:
    'Tasks per skill, failures and why, model tokens and estimated cost, against the period before.',
  requires: ['usage'],
  build: buildUsageDigest,
};

export async function buildUsageDigest(ctx: DigestContext): Promise<DigestContent> {
  const source = ctx.sources.usage;
  if (!source) throw new Error('the usage digest needs the usage source');
  const { start, end } = ctx.period;
  const length = end.getTime() - start.getTime();
  const [now, before] = await Promise.all([
    source.summary({ start, end }),
    source.summary({ start: new Date(start.getTime() - length), end: start }),
  ]);
  const tokens = totalTokens(now);
  const figures = {
    tasks: now.tasks,
    failed: now.failed,
    previousTasks: before.tasks,
    modelCalls: now.model.calls,
    tokens,
    costUsd: Math.round(now.model.costUsd * 100) / 100,
  };
  if (now.tasks === 0 && now.model.calls === 0) {
    return { headline: 'No tasks ran and no model was called.', quiet: true, blocks: [], figures };
  }
  const failureRate = now.tasks > 0 ? ` (${percent(now.failed / now.tasks)})` : '';
  const headline = [
    `*${now.tasks}* task${now.tasks === 1 ? '' : 's'}${trend(now.tasks, before.tasks)}`,
    `${now.failed} failed${failureRate}`,
    now.model.calls > 0
      ? `${formatCount(tokens)} tokens in ${now.model.calls} model call${now.model.calls === 1 ? '' : 's'}, about $${now.model.costUsd.toFixed(2)}${trend(now.model.costUsd, before.model.costUsd)}`
      : 'no model calls',
  ].join(', ');
  const previous = new Map(before.bySkill.map((row) => [row.skill, row.tasks]));
  const blocks: ReplyBlock[] = [
    {
      type: 'table',
      columns: ['Skill', 'Tasks', 'Before', 'Failed'],
      rows: now.bySkill.map((row) => [
        row.skill,
        String(row.tasks),
        String(previous.get(row.skill) ?? 0),
        row.failed > 0 ? `${row.failed} (${percent(row.failed / row.tasks)})` : '0',
      ]),
    },
  ];
  if (now.failures.length > 0) {
    blocks.push({
      type: 'markdown',
      text: `*Why tasks failed:* ${now.failures.map((failure) => `${failure.code} ×${failure.count}`).join(', ')}`,
    });
  }
  if (now.model.calls > 0) {
    blocks.push({
      type: 'fields',
      fields: [
        { label: 'Input tokens', value: formatCount(now.model.inputTokens) },
        { label: 'Output tokens', value: formatCount(now.model.outputTokens) },
        {
          label: 'Cache read / write',
          value: `${formatCount(now.model.cacheReadTokens)} / ${formatCount(now.model.cacheWriteTokens)}`,
        },
        { label: 'Estimated cost', value: `$${now.model.costUsd.toFixed(2)}` },
      ],
    });
  }
  return { headline: `${headline}.`, quiet: false, blocks, figures };
}

function totalTokens(summary: UsageSummary): number {
  const { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens } = summary.model;
  return inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens;
}

/** " (+12% on the period before)", " (new)" or "" when unchanged. */
function trend(now: number, before: number): string {
  if (before === 0) return now > 0 ? ' (none the period before)' : '';
  const change = (now - before) / before;
  if (Math.abs(change) < 0.005) return ' (same as the period before)';
  return ` (${change > 0 ? '+' : '−'}${percent(Math.abs(change))} on the period before)`;
}

function percent(ratio: number): string {
  const value = ratio * 100;
  return `${value >= 10 || value === 0 ? Math.round(value) : value.toFixed(1)}%`;
}
