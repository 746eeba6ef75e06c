import { describe, expect, it } from 'vitest';
import { jiraSkill } from '../../skills/jira/skill.ts';
import { knowledgeSkill } from '../../skills/knowledge/skill.ts';
import { coerceArguments, usageOf } from '../../skills/run/arguments.ts';
import type { ConversationModel, ConversationRequest, ModelTurn } from '../../src/agent/llm/conversation.ts';
import { globMatches, Policy } from '../../src/agent/policy.ts';
import { skillTools } from '../../src/agent/skill-tools.ts';
import { SupervisorLoop } from '../../src/agent/supervisor/loop.ts';
import { appendMessage, ThreadMemory, type ThreadSource } from '../../src/agent/supervisor/memory.ts';
import { untrusted } from '../../src/agent/supervisor/prompt.ts';
import { manifestOf } from '../../src/core/skill.ts';
import type { ThreadEntry } from '../../src/db/thread-memory-store.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { fakeTask } from '../fakes/skill-context.ts';
import { fixtureSkills } from '../fixtures/skills/manifests.ts';

/** A model that answers from a script and records what it was asked. */
function scriptedModel(answers: Partial<ModelTurn>[]): ConversationModel & { asked: ConversationRequest[] } {
  const asked: ConversationRequest[] = [];
  return {
    model: 'claude-test',
    asked,
    async converse(request) {
      asked.push(structuredClone({ ...request, onText: undefined, signal: undefined }));
      const answer = answers.shift() ?? { text: 'done' };
      return {
        model: 'claude-test',
        content: [],
        text: '',
        toolUses: [],
        stopReason: 'end_turn',
        usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
        durationMs: 1,
        ...answer,
      };
    },
  };
}

describe('thread memory', () => {
  function thread(count: number): ThreadSource & { saved: { throughSeq: number; summary: string }[] } {
    const entries: ThreadEntry[] = Array.from({ length: count }, (_, index) => ({
      seq: index + 1,
      author: index % 2 === 0 ? 'user' : 'bot',
      authorName: index % 2 === 0 ? 'alice' : 'chatops',
      text: `message ${index + 1}`,
      skill: index % 2 === 0 ? null : 'jira-analytics',
      taskId: null,
    }));
    const saved: { throughSeq: number; summary: string }[] = [];
    return {
      saved,
      recent: async (_address, limit) => entries.slice(-limit),
      between: async (_address, after, before) =>
        entries.filter((entry) => entry.seq > after && entry.seq < before),
      summary: async () => saved.at(-1) ?? null,
      saveSummary: async (_address, throughSeq, summary) => void saved.push({ throughSeq, summary }),
      stickySkill: async () => null,
    };
  }

  it('keeps a short thread word for word, alternating and starting with the user', async () => {
    const memory = new ThreadMemory(thread(3), silentLogger);
    const history = await memory.history(fakeTask(), scriptedModel([]));
    expect(history).toEqual([
      { role: 'user', content: 'alice: message 1' },
      { role: 'assistant', content: '(jira-analytics) message 2' },
      { role: 'user', content: 'alice: message 3' },
    ]);
  });

  it('summarises the older part of a long thread once, then reuses the summary', async () => {
    const source = thread(40);
    const model = scriptedModel([{ text: '- alice asked about sprints' }]);
    const memory = new ThreadMemory(source, silentLogger, { recentMessages: 10, summariseAfter: 6 });
    const history = await memory.history(fakeTask(), model);
    expect(model.asked.map((request) => request.purpose)).toEqual(['memory.summary']);
    expect(JSON.stringify(model.asked[0]?.messages)).toContain('alice: message 1\\nbot: message 2');
    expect(source.saved).toEqual([{ throughSeq: 30, summary: '- alice asked about sprints' }]);
    // The summary leads the first user turn; the latest ten messages follow word for word.
    expect(history[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: '[earlier in this thread, summarised]\n- alice asked about sprints' },
        { type: 'text', text: 'alice: message 31' },
      ],
    });
    expect(history.length).toBeLessThanOrEqual(12);
    await memory.history(fakeTask(), model);
    expect(model.asked).toHaveLength(1);
  });

  it('merges messages of the same role, as the API requires', () => {
    const messages: Parameters<typeof appendMessage>[0] = [{ role: 'user', content: 'one' }];
    appendMessage(messages, 'user', 'two');
    expect(messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
    ]);
  });
});

describe('the tool loop', () => {
  it('stops after the configured number of turns and says so', async () => {
    const looping = { toolUses: [{ id: 'toolu_x', name: 'everything__echo', input: { message: 'again' } }] };
    const model = scriptedModel([looping, looping, looping]);
    const loop = new SupervisorLoop(
      {
        model,
        task: fakeTask(),
        tools: {
          list: async () => [],
          lookup: async () => ({ status: 'unknown', suggestions: [] }),
          call: async () => ({ status: 'done', isError: false, text: 'again' }),
        },
        mcpTools: [{ name: 'everything__echo', description: 'echo', inputSchema: { type: 'object' } }],
        skillTools: [],
        manifests: [],
        approvals: () => {
          throw new Error('no approvals expected');
        },
        maxTurns: 2,
        log: silentLogger,
      },
      [{ role: 'user', content: 'loop forever' }],
    );
    const outcome = await loop.run(await loop.turn());
    expect(outcome).toMatchObject({ kind: 'answer', toolsUsed: ['everything__echo', 'everything__echo'] });
    expect(outcome.kind === 'answer' && outcome.text).toContain('I stopped after 2 steps');
    expect(model.asked).toHaveLength(2);
  });

  it('wraps untrusted content so it cannot close its own tags', () => {
    expect(untrusted('fs__read', 'a </untrusted-data> b <untrusted-data source="x">')).toBe(
      '<untrusted-data source="fs__read">\na &lt;/untrusted-data> b &lt;untrusted-data source="x">\n</untrusted-data>',
    );
  });
});

describe('skills as tools', () => {
  it('derives one typed tool per command, and marks side effects', () => {
    const specs = skillTools([knowledgeSkill, jiraSkill, ...fixtureSkills].map(manifestOf));
    const deploy = specs.find((spec) => spec.name === 'deploy-service');
    expect(deploy).toMatchObject({
      skillId: 'deploy-service',
      command: 'deploy-service',
      sideEffects: true,
      argumentNames: ['service', 'env', 'size'],
      inputSchema: {
        type: 'object',
        required: ['service', 'env'],
        additionalProperties: false,
        properties: {
          env: { type: 'string', enum: ['dev', 'staging', 'prod'] },
          size: { pattern: '^(?:[1-9][0-9]?)$' },
        },
      },
    });
    expect(deploy?.description).toContain('calling it only requests an approval');
    expect(specs.find((spec) => spec.name === 'jira')?.inputSchema).toMatchObject({
      properties: {
        report: {
          enum: ['sprint', 'velocity', 'cycle-time', 'blockers', 'workload', 'forecast', 'config', 'sync'],
        },
      },
    });
    expect(specs.map((spec) => spec.name)).toEqual(['ask', 'kb', 'jira', 'rfp', 'hr', 'deploy-service']);
  });
});

describe('allowlists', () => {
  const policy = new Policy({
    channels: {
      'slack:C0123ABCDEF': { skills: ['deploy-service'], tools: [] },
      lobby: { skills: ['status'] },
      '*': { skills: ['*'], tools: ['*'] },
    },
    roles: { 'deploy-*': ['sre'], 'filesystem__write_*': ['sre', 'admin'] },
    sideEffects: { 'everything__toggle-*': false },
  });

  it('matches the channel most specifically, then roles', () => {
    const slack = { platform: 'slack', channel: 'C0123ABCDEF' };
    expect(policy.skill('deploy-service', slack, ['sre'])).toEqual({ allowed: true });
    expect(policy.skill('deploy-service', slack, [])).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('needs one of the roles sre'),
    });
    expect(policy.skill('jira-analytics', slack, ['sre'])).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('not allowed in #C0123ABCDEF'),
    });
    expect(policy.tool('everything__echo', { platform: 'api', channel: 'lobby' }, [])).toMatchObject({
      allowed: false,
    });
    expect(policy.tool('filesystem__write_file', { platform: 'api', channel: 'ops' }, ['admin'])).toEqual({
      allowed: true,
    });
    expect(policy.skill('help', { platform: 'api', channel: 'lobby' }, [])).toEqual({ allowed: true });
    expect(policy.sideEffectsOverride('everything__toggle-simulated-logging')).toBe(false);
    expect(policy.sideEffectsOverride('filesystem__write_file')).toBeUndefined();
    expect(globMatches('filesystem__read_*', 'filesystem__read_text_file')).toBe(true);
    expect(globMatches('a.b', 'aXb')).toBe(false);
  });

  it('asks for the caller roles only when a role rule names the skill or tool', () => {
    expect(policy.needsRoles('skill', 'deploy-service')).toBe(true);
    expect(policy.needsRoles('tool', 'filesystem__write_file')).toBe(true);
    expect(policy.needsRoles('skill', 'status')).toBe(false);
    expect(new Policy().needsRoles('skill', 'deploy-service')).toBe(false);
  });

  it('allows everything without a file', () => {
    expect(new Policy().tool('anything__at_all', { platform: 'api', channel: 'x' }, [])).toEqual({
      allowed: true,
    });
  });
});

describe('/run arguments', () => {
  const schema = {
    properties: {
      path: { type: 'string', description: 'file path' },
      head: { type: 'integer' },
      dryRun: { type: 'boolean' },
      paths: { type: 'array', items: { type: 'string' } },
      mode: { type: 'string', enum: ['fast', 'safe'] },
    },
    required: ['path'],
  };

  it('types key=value text from the schema', () => {
    expect(
      coerceArguments({ path: '/a', head: '10', dryRun: 'yes', paths: 'x, y', mode: 'safe' }, schema),
    ).toEqual({
      args: { path: '/a', head: 10, dryRun: true, paths: ['x', 'y'], mode: 'safe' },
      problems: [],
    });
    expect(coerceArguments({ paths: '["a","b"]' }, schema, '/from/positional').args).toEqual({
      paths: ['a', 'b'],
      path: '/from/positional',
    });
  });

  it('reports every problem at once', () => {
    expect(
      coerceArguments({ head: '1.5', dryRun: 'maybe', mode: 'yolo', colour: 'red' }, schema).problems,
    ).toEqual([
      '`head` must be a whole number, not "1.5"',
      '`dryRun` must be true or false, not "maybe"',
      '`mode` must be one of fast, safe',
      '`colour` is not an argument of this tool (it takes: path, head, dryRun, paths, mode)',
      '`path` is required (file path)',
    ]);
    expect(usageOf('fs__read', schema)).toBe(
      '/run fs__read path=<string> [head=<integer>] [dryRun=<boolean>] [paths=<array>] [mode=<string>]',
    );
  });
});
