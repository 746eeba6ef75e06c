import { describe, expect, it } from 'vitest';
import { strayNumbers } from '../../skills/jira/narrate.ts';
import { understand } from '../../skills/jira/request.ts';
import { jiraSkill } from '../../skills/jira/skill.ts';
import type {
  JiraChannelSettings,
  JiraPort,
  JiraReportRequest,
  JiraReportResult,
  LanguageModel,
  Task,
} from '../../src/core/index.ts';
import { REPLY_VERSION } from '../../src/core/index.ts';
import { RecordingApprovals } from '../fakes/recording-approvals.ts';
import { fakeContext, fakeTask } from '../fakes/skill-context.ts';

// The chat surface of Jira analytics: a slash command is parsed as a command, free text is understood as
// free text (never its first word as a subcommand), the model's tool arguments come first, and prose from
// the model goes out only when every number in it is one the report computed.
const slash = (text: string, args: Record<string, string> = {}) =>
  fakeTask({ kind: 'command', command: 'jira', text, args, platform: 'slack' });
const said = (text: string, extra: Partial<Task> = {}) => fakeTask({ kind: 'mention', text, ...extra });

describe('understanding a request', () => {
  it('parses a slash command: the report first, then a board, a project key and --options', () => {
    expect(understand(slash('velocity 12 --sprints 8'), [])).toMatchObject({
      what: 'velocity',
      request: { board: 12, sprints: 8 },
    });
    expect(understand(slash('cycle-time OPS', { days: '30' }), [])).toMatchObject({
      what: 'cycle-time',
      request: { project: 'OPS', days: 30 },
    });
    expect(understand(slash(''), []).what).toBe('help');
    expect(() => understand(slash('burndowns please'), [])).toThrow(/"burndowns" is not a Jira report/);
    expect(() => understand(slash('velocity', { sprints: '0' }), [])).toThrow(/whole number from 1 to 50/);
  });

  it('understands free text by what it is about, never by its first word', () => {
    expect(understand(said("how's sprint 42 going?"), ['OPS'])).toMatchObject({
      what: 'sprint',
      request: { sprint: '42' },
      readAs: null,
    });
    // A subcommand parser would read "sprint"; the question is about velocity.
    expect(understand(said('sprint velocity for the last 8 sprints?'), [])).toMatchObject({
      what: 'velocity',
      request: { sprints: 8 },
    });
    expect(understand(said("what's blocking OPS?"), ['OPS', 'PAY'])).toMatchObject({
      what: 'blockers',
      request: { project: 'OPS' },
    });
    expect(understand(said('when will the next 25 tickets in PAY be done?'), ['OPS', 'PAY'])).toMatchObject({
      what: 'forecast',
      request: { items: 25, project: 'PAY' },
    });
    expect(understand(said('how long do tickets take? last 6 weeks please'), [])).toMatchObject({
      what: 'cycle-time',
      request: { days: 42 },
    });
    // Words that name an action in a slash command do nothing in free text.
    const config = understand(said('config board 5 please, and sync'), []);
    expect(config.what).toBe('sprint');
    expect(config.readAs).toMatch(/I read this as a question about the current sprint/);
  });

  it("takes the model's arguments over the words, and reads an MCP client's request as free text", () => {
    expect(
      understand(
        said('and for the payments team?', {
          kind: 'mention',
          args: { report: 'cycle-time', project: 'PAY', days: '30' },
        }),
        [],
      ),
    ).toMatchObject({ what: 'cycle-time', request: { project: 'PAY', days: 30 }, readAs: null });
    const mcp = fakeTask({
      platform: 'mcp',
      kind: 'command',
      command: 'jira',
      text: 'who holds the work in progress',
      args: { report: 'workload', project: 'OPS' },
    });
    expect(understand(mcp, [])).toMatchObject({ what: 'workload', request: { project: 'OPS' } });
  });
});

function fakeJira(result?: Partial<JiraReportResult>) {
  const asked: JiraReportRequest[] = [];
  const configured: JiraChannelSettings[] = [];
  const port: JiraPort = {
    report: async (request) => {
      asked.push(request);
      return {
        report: request.report,
        reply: {
          v: REPLY_VERSION,
          text: 'Velocity: 21 points',
          blocks: [{ type: 'markdown', text: '**Velocity: 21 points**' }],
          visibility: 'channel',
          feedback: false,
        },
        numbers: { averageCompleted: 21 },
        facts: [
          { label: 'velocity', value: 21 },
          { label: 'closed sprints', value: 6 },
        ],
        definitions: ['Done: Done.'],
        ...result,
      };
    },
    settings: async () => ({ board: 12, project: 'OPS', timezone: 'UTC' }),
    configure: async (changes) => {
      configured.push(changes);
      return { board: 12, project: 'OPS', timezone: 'UTC', ...changes };
    },
    sync: async () => [{ scope: 'board:12', full: false, issues: 3, durationMs: 1200, ran: true }],
    projectKeys: async () => ['OPS'],
  };
  return { port, asked, configured };
}

function model(answer: string | Error): LanguageModel {
  return {
    model: 'claude-test',
    complete: async () => {
      if (answer instanceof Error) throw answer;
      return {
        text: answer,
        model: 'claude-test',
        usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
      };
    },
  };
}

async function run(task: Task, jira: JiraPort | undefined, llm: LanguageModel | null = null) {
  const context = fakeContext({ task, approvals: new RecordingApprovals().port(task) });
  Object.assign(context, { llm, ...(jira ? { jira } : {}) });
  await jiraSkill.handle(context);
  return context;
}

describe('the Jira skill', () => {
  it('runs the report asked for and posts its reply', async () => {
    const jira = fakeJira();
    const context = await run(slash('velocity --sprints 4'), jira.port);
    expect(jira.asked).toEqual([{ report: 'velocity', sprints: 4 }]);
    expect(context.replies[0]?.text).toBe('Velocity: 21 points');
  });

  it("puts the model's sentences first when every number in them is a computed one", async () => {
    const prose = 'Velocity is 21 points per sprint over the last 6 sprints.';
    const context = await run(said("what's our velocity?"), fakeJira().port, model(prose));
    expect(context.replies[0]?.blocks[0]).toEqual({ type: 'markdown', text: prose });
    expect(context.replies[0]?.blocks[1]).toMatchObject({
      type: 'context',
      text: expect.stringContaining('every number below is computed from Jira'),
    });
  });

  it('drops prose with a number of its own (a percentage, a sum), and prose from a failing model', async () => {
    for (const answer of ['Velocity is 21 points, up 12% on last quarter.', new Error('overloaded')]) {
      const context = await run(said("what's our velocity?"), fakeJira().port, model(answer));
      expect(context.replies[0]?.blocks).toEqual([{ type: 'markdown', text: '**Velocity: 21 points**' }]);
    }
    expect(strayNumbers('21 points in 6 sprints, 3.5 a day', ['21', '6'])).toEqual(['3.5']);
  });

  it('stores channel settings from /jira config and shows them', async () => {
    const jira = fakeJira();
    const context = await run(
      slash('config', { board: '12', started: 'In Progress, In Review', done: '' }),
      jira.port,
    );
    expect(jira.configured).toEqual([{ board: 12, started: ['In Progress', 'In Review'], done: [] }]);
    expect(context.replies[0]?.text).toBe('Saved. This channel now uses:');
  });

  it('syncs on /jira sync, and lists the reports on /jira alone', async () => {
    const synced = await run(slash('sync'), fakeJira().port);
    expect(synced.replies[0]?.text).toBe('board:12: incremental sync, 3 issues read in 1.2 s.');
    const help = await run(slash(''), fakeJira().port);
    expect(help.replies[0]?.text).toContain('`forecast`: when N more items will be done');
  });

  it('says how to connect Jira when it is not configured', async () => {
    await expect(run(slash('sprint'), undefined)).rejects.toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
      remedy: expect.stringContaining('JIRA_HOST'),
    });
  });
});
