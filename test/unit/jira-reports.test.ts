import { loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { renderReply } from '../../adapters/slack/render.ts';
import { renderMessageActivities } from '../../adapters/teams/render.ts';
import { renderReplyHtml } from '../../adapters/web/render.ts';
import { ReplySchema } from '../../src/core/index.ts';
import { workflowOf } from '../../src/integrations/jira/analytics/workflow.ts';
import type { Snapshot } from '../../src/integrations/jira/model.ts';
import { cycleTimeReport, forecastReport } from '../../src/integrations/jira/reports/flow-reports.ts';
import { sprintReport } from '../../src/integrations/jira/reports/sprint-report.ts';
import { velocityReport } from '../../src/integrations/jira/reports/velocity-report.ts';
import { blockersReport, workloadReport } from '../../src/integrations/jira/reports/wip-reports.ts';
import { STATUSES } from '../fixtures/jira/snapshot-builder.ts';
import { BOARD, ISSUES, NOW, SPRINTS } from '../fixtures/jira/sprint-scenario.ts';

// Reports as people see them: the numbers of the hand-built scenario in the headline and fields, the
// definitions under them, and the chart as a PNG small enough for a Teams card, uploaded by Slack and
// shown as a picture by the web chat.
const snapshot: Snapshot = {
  board: BOARD,
  project: null,
  issues: ISSUES,
  sprints: SPRINTS,
  statuses: STATUSES,
  commitments: new Map(),
  syncedAt: new Date(NOW - 90_000).toISOString(),
  browseBase: 'https://acme.atlassian.net',
};
const now = new Date(NOW);
const workflow = workflowOf(BOARD, STATUSES, {}, 'UTC');
const chartOf = (reply: ReturnType<typeof sprintReport>['reply']) => {
  const block = reply.blocks.find((candidate) => candidate.type === 'file');
  if (block?.type !== 'file' || !block.contentBase64) throw new Error('no chart');
  return block;
};

describe('sprint report', () => {
  const report = sprintReport(snapshot, { now, workflow });

  it('leads with the numbers and shows the definitions behind them', () => {
    expect(report.reply.text).toBe(
      'OPS Sprint 42 on OPS board: 11 of 20 committed points done (55% of committed points), 3 issues (7 points) still open.\n7 days left (5 working days), ends 2026-04-13.',
    );
    const fields = report.reply.blocks.find((block) => block.type === 'fields');
    expect(
      fields?.type === 'fields' && fields.fields.map((field) => `${field.label}: ${field.value}`),
    ).toEqual([
      'Committed: 6 issues, 20 points',
      'Completed: 3 issues, 11 points',
      'Added since start: 1 issue, 5 points',
      'Removed since start: 1 issue, 8 points',
      'Carried over from earlier sprints: 1 issue, 5 points',
      'Still open: 3 issues, 7 points',
      'Days: 8 of 15 (7 left, 5 working)',
    ]);
    const context = report.reply.blocks.at(-1);
    expect(context?.type === 'context' && context.text).toContain(
      'Started: In Progress, In Review (from the board\'s columns "In Progress", "Review").',
    );
    expect(context?.type === 'context' && context.text).toContain('rebuilt from the changelogs');
    expect(context?.type === 'context' && context.text).toContain('Synced from Jira 2 minutes ago');
    const numbers = JSON.parse(JSON.stringify(report.numbers));
    expect(numbers).toMatchObject({ committed: { points: 20 }, completed: { points: 11 } });
    expect(numbers.burndown[0]).toEqual({ day: '2026-03-30', remaining: 20, completed: 0, scope: 20 });
  });

  it('draws the burndown as a small PNG that every platform can show', async () => {
    const chart = chartOf(report.reply);
    const png = Buffer.from(chart.contentBase64 ?? '', 'base64');
    const image = await loadImage(png);
    expect([image.width, image.height]).toEqual([720, 360]);
    // Teams shows a card image inline only below ~20,000 base64 characters (its messages stop at ~28 KB).
    expect(chart.contentBase64?.length).toBeLessThan(20_000);
    expect(renderReply(report.reply, 'message-1').uploads).toEqual([
      { name: 'burndown-42.png', mimeType: 'image/png', contentBase64: chart.contentBase64 },
    ]);
    expect(JSON.stringify(renderMessageActivities(report.reply, 'message-1'))).toContain(
      `"url":"data:image/png;base64,${chart.contentBase64}"`,
    );
    expect(renderReplyHtml(report.reply, 'message-1')).toContain('<img src="data:image/png;base64,');
  });

  it('reports a sprint by number, and a closed sprint at its end', () => {
    const closed = sprintReport(snapshot, { now, workflow, sprint: '41' });
    expect(closed.reply.text).toMatch(/^OPS Sprint 41 on OPS board \(closed\): 8 of 8 committed points done/);
    expect(() => sprintReport(snapshot, { now, workflow, sprint: '77' })).toThrow(/no sprint "77"/);
  });
});

describe('the other reports', () => {
  it('velocity, cycle time, blockers, workload and forecast each answer with numbers, definitions and (where useful) a chart', async () => {
    const velocity = velocityReport(snapshot, { now, workflow, sprints: 6 });
    expect(velocity.reply.text).toMatch(/^Velocity of OPS board: 10\.5 points per sprint/);
    const cycle = cycleTimeReport(snapshot, { now, workflow, days: 60 });
    // C-1, C-2, B-1, B-2, A-7, A-1, A-4, A-5 (A-9 was reopened and A-8 is a sub-task).
    expect(cycle.numbers).toMatchObject({ finished: 8 });
    const blockers = blockersReport(snapshot, { now, workflow, reviewDays: 3 });
    expect(blockers.facts.find((fact) => fact.label === 'items needing attention')).toBeDefined();
    const workload = workloadReport(snapshot, { now, workflow });
    expect(workload.reply.text).toMatch(/in progress in OPS board/);
    const forecast = forecastReport(snapshot, { now, workflow, items: 5, days: 60 });
    expect(forecast.reply.text).toMatch(
      /^5 more items in OPS board: done by \d{4}-\d\d-\d\d at 50% likelihood/,
    );
    for (const result of [velocity, cycle, blockers, workload, forecast]) {
      expect(ReplySchema.safeParse(result.reply).success).toBe(true);
      expect(result.definitions.some((line) => line.startsWith('Done: Done'))).toBe(true);
      const chart = result.reply.blocks.find((block) => block.type === 'file');
      if (chart?.type === 'file') {
        const image = await loadImage(Buffer.from(chart.contentBase64 ?? '', 'base64'));
        expect(image.width).toBe(720);
        expect(chart.contentBase64?.length).toBeLessThan(20_000);
      }
    }
  });
});
