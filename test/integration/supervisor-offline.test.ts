import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingApprovals } from '../fakes/recording-approvals.ts';
import { fixtureSkills } from '../fixtures/skills/manifests.ts';
import type { FakeJira } from '../support/fake-jira/server.ts';
import { allSkills, type DatabaseKind, type Harness, startHarness } from '../support/harness.ts';
import { fakeJiraWith, jiraEnv } from '../support/jira.ts';
import { type McpWorkspace, mcpWorkspace } from '../support/mcp-servers.ts';
import { eventually } from '../support/services.ts';

// Without an API key: the offline router (with sticky threads), /run against the reference MCP servers with
// the same allowlists and approvals as the model, MCP tools in /help and MCP health in /health.
describe.each<DatabaseKind>(['postgresql', 'pglite'])('supervisor without a model (%s)', (database) => {
  let harness: Harness;
  let workspace: McpWorkspace;
  const approvals = new RecordingApprovals();
  let jira: FakeJira;

  beforeAll(async () => {
    workspace = mcpWorkspace();
    jira = await fakeJiraWith({ issues: 200 });
    const allowlist = join(workspace.root, '..', 'allowlist.json');
    writeFileSync(
      allowlist,
      JSON.stringify({
        channels: {
          lobby: { skills: ['status', 'run'], tools: ['everything__echo', 'filesystem__read_*'] },
          '*': { skills: ['*'], tools: ['*'] },
        },
        roles: { filesystem__move_file: ['sre'] },
        sideEffects: { 'everything__toggle-simulated-logging': false },
      }),
    );
    harness = await startHarness({
      database,
      skills: [...allSkills, ...fixtureSkills],
      approvals: approvals.port,
      env: { MCP_CONFIG: workspace.configPath, ALLOWLIST_CONFIG: allowlist, ...jiraEnv(jira) },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await jira?.close();
    workspace?.remove();
  });

  async function say(text: string, options: { threadId?: string; channel?: string; user?: string } = {}) {
    const posted = await harness.request('POST', '/api/v1/messages', {
      channel: options.channel ?? 'ops',
      user: options.user ?? 'bob',
      text,
      ...(options.threadId ? { threadId: options.threadId } : {}),
    });
    expect(posted.status).toBe(202);
    return eventually(
      async () => {
        const { body } = await harness.request('GET', `/api/v1/tasks/${posted.body.taskId}`);
        return ['succeeded', 'failed', 'awaiting_approval'].includes(body.status) ? body : undefined;
      },
      30_000,
      `task for "${text}"`,
    );
  }
  const lastContext = (task: { replies: { reply: { blocks: { type: string; text?: string }[] } }[] }) =>
    task.replies.at(-1)?.reply.blocks.findLast((block) => block.type === 'context')?.text ?? '';

  it('keeps a thread with its skill for follow-ups, and switches when the request clearly changes', async () => {
    const first = await say('what was our velocity last sprint?');
    expect(first).toMatchObject({ status: 'succeeded', skill: 'jira' });
    expect(first.replies[0].text).toMatch(/^Velocity of OPS board: [\d.]+ points per sprint/);
    expect(lastContext(first)).toMatch(/^Answered by \*jira\* \(keywords .*No language model is configured/);

    const followUp = await say('and the one before that?', { threadId: first.threadId });
    expect(followUp).toMatchObject({ status: 'succeeded', skill: 'jira' });
    expect(lastContext(followUp)).toContain('the skill this thread is with');

    const switched = await say('how many vacation days do I have left?', { threadId: first.threadId });
    expect(switched.skill).toBe('hr');
    const back = await say('and next year?', { threadId: first.threadId });
    expect(back.skill).toBe('hr');
  });

  it('runs a read-only MCP tool with /run, typing the arguments from its schema', async () => {
    const sum = await say('/run everything__get-sum a=2 b=40');
    expect(sum).toMatchObject({ status: 'succeeded', skill: 'run' });
    expect(sum.replies[0].text).toContain('42');
    const echo = await say('/run everything__echo hello from the lobby', { channel: 'lobby' });
    expect(echo.replies[0].text).toContain('hello from the lobby');
  });

  it('answers a bad /run with what to fix', async () => {
    const typed = await say('/run everything__get-sum a=two');
    expect(typed).toMatchObject({ status: 'failed', error: { code: 'VALIDATION_FAILED' } });
    expect(typed.replies[0].text).toContain('`a` must be a number, not "two"');
    expect(typed.replies[0].text).toContain('`b` is required');
    expect(typed.replies[0].text).toContain('Usage: /run everything__get-sum a=<number> b=<number>');
    const unknown = await say('/run filesystem__format_disk');
    expect(unknown.replies[0].text).toContain('There is no tool called filesystem__format_disk');
  });

  it('ends a /run whose tool reports an error as failed, with one reply naming the tool and the error', async () => {
    const task = await say('/run filesystem__read_text_file path=/etc/hostname');
    expect(task).toMatchObject({ status: 'failed', skill: 'run', error: { code: 'SKILL_FAILED' } });
    expect(task.error.message).toContain('The tool filesystem__read_text_file reported an error');
    const last = task.replies.at(-1).text;
    expect(last).toContain('The tool filesystem__read_text_file reported an error');
    expect(last).toMatch(/Access denied|outside allowed directories/);
    expect(last).toContain('Check the arguments (/run filesystem__read_text_file path=<string>');
  });

  it('requests an approval for a tool with side effects instead of running it', async () => {
    const target = join(workspace.root, 'written-by-run.txt');
    const before = approvals.requests.length;
    const task = await say(`/run filesystem__write_file path=${target} content="hello"`);
    expect(task).toMatchObject({ status: 'awaiting_approval', skill: 'run' });
    expect(task.replies[0].text).toContain('needs an approval first');
    expect(() => readFileSync(target)).toThrow();
    expect(approvals.requests.slice(before)).toEqual([
      expect.objectContaining({
        request: expect.objectContaining({
          action: {
            kind: 'tool',
            name: 'filesystem__write_file',
            args: { path: target, content: 'hello' },
            executor: 'run',
          },
          summary: expect.arrayContaining([{ label: 'Asked by', value: 'a person, with /run' }]),
        }),
      }),
    ]);
  });

  it('applies the per-channel and per-role allowlists to skills and tools', async () => {
    const skill = await say('what was our velocity last sprint?', { channel: 'lobby' });
    expect(skill).toMatchObject({ status: 'failed', error: { code: 'FORBIDDEN' } });
    expect(skill.replies[0].text).toContain('The skill jira is not allowed in #lobby');
    const tool = await say(`/run filesystem__write_file path=${workspace.root}/x content=y`, {
      channel: 'lobby',
    });
    expect(tool).toMatchObject({ status: 'failed', error: { code: 'FORBIDDEN' } });
    const role = await say(
      `/run filesystem__move_file source=${workspace.root}/a destination=${workspace.root}/b`,
    );
    expect(role.replies[0].text).toContain('needs one of the roles sre');
    expect(role.replies[0].text).toContain('chatops role grant');
  });

  it('lists the MCP tools in /help, only those allowed in the channel', async () => {
    const everywhere = await say('/help');
    const table = everywhere.replies[0].reply.blocks.filter(
      (block: { type: string }) => block.type === 'table',
    )[1];
    expect(table.rows.map((row: string[]) => row[0])).toEqual(
      expect.arrayContaining(['everything__echo', 'filesystem__write_file']),
    );
    expect(table.rows.find((row: string[]) => row[0] === 'filesystem__write_file')[2]).toBe('needs approval');
    const lobby = await say('/run', { channel: 'lobby' });
    expect(lobby.replies[0].reply.blocks[1].rows.map((row: string[]) => row[0]).sort()).toEqual([
      'everything__echo',
      'filesystem__read_file',
      'filesystem__read_media_file',
      'filesystem__read_multiple_files',
      'filesystem__read_text_file',
    ]);
  });

  it('reports each MCP server in /health', async () => {
    const health = await eventually(async () => {
      const { body } = await harness.request('GET', '/health');
      return body.checks.mcp?.servers?.filesystem ? body : undefined;
    });
    expect(health.status).toBe('ok');
    expect(health.checks.mcp.servers).toMatchObject({
      everything: { status: 'connected', transport: 'stdio', tools: expect.any(Number) },
      filesystem: { status: 'connected', transport: 'stdio', tools: 14 },
    });
  });
});
