import {
  ChatOpsError,
  defineSkill,
  JIRA_REPORTS,
  type JiraPort,
  type JiraReportResult,
  REPLY_VERSION,
  type Reply,
  ReplySchema,
  type SkillContext,
} from '../../src/core/index.ts';
import { configReply, helpReply } from './config-reply.ts';
import { jiraSprintDigest } from './digest.ts';
import { narrate } from './narrate.ts';
import { USAGE, understand } from './request.ts';

/**
 * Jira analytics in chat: the sprint's progress, velocity, cycle time, blockers, workload and forecasts,
 * with the definitions behind every number and a chart. The engine (src/integrations/jira, reached as
 * `ctx.jira`) computes every number from a synced snapshot of Jira; the model, when there is one, only
 * writes a few sentences around numbers it is given (narrate.ts checks it used no others).
 */
export const jiraSkill = defineSkill({
  id: 'jira',
  description:
    'Jira analytics: sprint progress and burndown, velocity, cycle and lead time, blockers, workload per person and delivery forecasts, computed from Jira history with the definitions shown.',
  commands: [
    {
      name: 'jira',
      description:
        "Jira reports (sprint, velocity, cycle-time, blockers, workload, forecast); `config` sets this channel's board and project.",
      usage:
        '/jira <sprint|velocity|cycle-time|blockers|workload|forecast|config|sync> [board=<id>] [project=<KEY>] [sprint=<name>] [sprints=<n>] [days=<n>] [items=<n>]',
      examples: [
        '/jira sprint',
        '/jira velocity sprints=8',
        '/jira cycle-time project=OPS days=60',
        '/jira blockers project=OPS',
        '/jira forecast items=25',
        '/jira config board=12 project=OPS',
      ],
      arguments: [
        {
          name: 'report',
          description: 'Which report (or config / sync).',
          choices: [...JIRA_REPORTS, 'config', 'sync'],
        },
        {
          name: 'board',
          description: 'Jira board id (sprint and velocity; else the channel default).',
          pattern: '[0-9]{1,10}',
        },
        {
          name: 'project',
          description: 'Jira project key, e.g. OPS (else the channel default).',
          pattern: '[A-Za-z][A-Za-z0-9_]{0,19}',
        },
        {
          name: 'sprint',
          description: 'A sprint by number or name (default: the active sprint).',
          pattern: '[A-Za-z0-9 ._#-]{1,60}',
        },
        {
          name: 'sprints',
          description: 'How many closed sprints the velocity covers (default 6).',
          pattern: '[1-9][0-9]?',
        },
        {
          name: 'days',
          description: 'How many days of finished work cycle time and forecasts use (default 90).',
          pattern: '[1-9][0-9]{0,3}',
        },
        {
          name: 'items',
          description: 'How many items the forecast is for (default 10).',
          pattern: '[1-9][0-9]{0,4}',
        },
        {
          name: 'started',
          description: 'config: status names that count as started, comma-separated ("" resets).',
        },
        {
          name: 'done',
          description: 'config: status names that count as done, comma-separated ("" resets).',
        },
        { name: 'timezone', description: 'config: the time zone days are counted in, e.g. Europe/Berlin.' },
      ],
    },
  ],
  digests: [jiraSprintDigest],
  keywords: [
    'jira',
    'sprint',
    'velocity',
    'burndown',
    'story points',
    'cycle time',
    'lead time',
    'throughput',
    'blocked',
    'blocking',
    'blockers',
    'workload',
    'work in progress',
    'tickets',
    'bugs',
    'backlog',
    'epic',
    'forecast',
  ],
  examples: [
    "how's sprint 42 going?",
    "what's blocking OPS?",
    "what's our velocity?",
    'how long do tickets take from start to done?',
    'who has the most work in progress?',
    'when will the next 20 tickets be done?',
    'show the burndown for the current sprint',
    'which bugs have been open the longest?',
  ],
  async handle(ctx) {
    const jira = ctx.jira;
    if (!jira) {
      throw new ChatOpsError('DEPENDENCY_UNAVAILABLE', 'Jira is not connected to this bot.', {
        remedy:
          'An administrator sets JIRA_HOST (e.g. https://acme.atlassian.net), JIRA_EMAIL and JIRA_API_TOKEN and restarts the workers.',
        retryable: false,
      });
    }
    const understood = understand(ctx.task, await jira.projectKeys());
    if (understood.what === 'help') {
      await ctx.reply(helpReply(await jira.settings()));
      return;
    }
    if (understood.what === 'config') return configure(ctx, jira, understood);
    if (understood.what === 'sync') {
      await ctx.progress('Syncing from Jira…');
      const synced = await jira.sync({ ...understood.request, full: understood.full });
      await ctx.reply(
        synced
          .map(
            (entry) =>
              `${entry.scope}: ${entry.ran ? `${entry.full ? 'full' : 'incremental'} sync, ${entry.issues} issues read in ${(entry.durationMs / 1000).toFixed(1)} s` : 'another worker was syncing it; it is up to date now'}.`,
          )
          .join('\n'),
      );
      return;
    }
    await ctx.progress(`Reading Jira for the ${understood.what} report…`);
    const result = await jira.report({ report: understood.what, ...understood.request });
    await ctx.reply(await withProse(ctx, result, understood.readAs));
  },
});

async function configure(ctx: SkillContext, jira: JiraPort, understood: ReturnType<typeof understand>) {
  const { request, settings } = understood;
  const list = (value: string | undefined) =>
    value === undefined
      ? undefined
      : value
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean);
  const changes = {
    ...(request.board !== undefined ? { board: request.board } : {}),
    ...(request.project ? { project: request.project } : {}),
    ...(settings.started !== undefined ? { started: list(settings.started) ?? [] } : {}),
    ...(settings.done !== undefined ? { done: list(settings.done) ?? [] } : {}),
    ...(settings.timezone ? { timezone: settings.timezone } : {}),
  };
  const saved = Object.keys(changes).length > 0 ? await jira.configure(changes) : await jira.settings();
  await ctx.reply(configReply(saved, Object.keys(changes).length > 0));
}

/** The report, with the model's sentences in front of it when it wrote some that cite only the facts. */
async function withProse(ctx: SkillContext, result: JiraReportResult, readAs: string | null): Promise<Reply> {
  const blocks = [...result.reply.blocks];
  if (readAs) blocks.push({ type: 'context', text: readAs });
  const prose = ctx.llm ? await narrate(ctx.llm, ctx.task.text, result, ctx.log) : null;
  if (prose) {
    blocks.unshift(
      { type: 'markdown', text: prose },
      {
        type: 'context',
        text: `Summary by ${ctx.llm?.model ?? 'the model'}; every number below is computed from Jira.`,
      },
    );
  }
  return ReplySchema.parse({ ...result.reply, v: REPLY_VERSION, blocks, text: prose ?? result.reply.text });
}

export { USAGE };
