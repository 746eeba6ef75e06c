import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runSkill } from '../../skills/run/skill.ts';
import { Policy } from '../../src/agent/policy.ts';
import { ToolGateway } from '../../src/agent/tool-gateway.ts';
import { APPROVAL_EXECUTE_ACTION, type ApprovedAction } from '../../src/core/approvals.ts';
import type { ToolCallEntry } from '../../src/db/tool-call-log.ts';
import { loadMcpConfig } from '../../src/mcp/client-config.ts';
import { McpClientPool } from '../../src/mcp/client-pool.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { RecordingApprovals } from '../fakes/recording-approvals.ts';
import { fakeContext, fakeTask } from '../fakes/skill-context.ts';
import { type McpWorkspace, mcpWorkspace } from '../support/mcp-servers.ts';

// The executor of approved tool calls (/run's continuation), against the real filesystem server: it runs
// exactly the approved tool with exactly the approved arguments, and nothing without an approval.
describe('approved tool calls', () => {
  let workspace: McpWorkspace;
  let pool: McpClientPool;
  let gateway: ToolGateway;
  let approvals: RecordingApprovals;
  const recorded: ToolCallEntry[] = [];

  beforeAll(async () => {
    workspace = mcpWorkspace({ filesystem: true });
    pool = new McpClientPool(loadMcpConfig(workspace.configPath), {
      log: silentLogger,
      toolTimeoutMs: 10_000,
    });
    await pool.start();
    gateway = new ToolGateway(pool, new Policy(), { record: async (entry) => void recorded.push(entry) });
  });
  afterAll(async () => {
    await pool?.close();
    workspace?.remove();
  });
  beforeEach(() => {
    approvals = new RecordingApprovals();
    recorded.length = 0;
  });

  function continuation(approved: ApprovedAction | undefined) {
    const task = fakeTask({
      kind: 'action',
      text: 'clicked "Approve"',
      action: {
        id: APPROVAL_EXECUTE_ACTION,
        value: approved?.approvalId ?? 'approval-x',
        messageId: 'message-1',
        skill: 'run',
      },
    });
    return fakeContext({
      task,
      approvals: approvals.port(task),
      ...(approved ? { approved } : {}),
      tools: (context) =>
        gateway.forRun({
          task,
          caller: context().caller,
          origin: 'approval',
          approvals: () => context().approvals,
          approved: () => context().approved,
          log: silentLogger,
        }),
    });
  }

  it('runs exactly the approved call once approved', async () => {
    const path = join(workspace.root, 'approved.txt');
    const ctx = continuation({
      approvalId: 'approval-7',
      action: {
        kind: 'tool',
        name: 'filesystem__write_file',
        args: { path, content: 'approved content' },
        executor: 'run',
      },
      approvers: ['carol'],
    });
    await runSkill.handle(ctx);
    expect(readFileSync(path, 'utf8')).toBe('approved content');
    expect(ctx.replies[0]?.text).toContain('✅ filesystem__write_file');
    expect(ctx.replies[0]?.blocks.at(-1)).toEqual({
      type: 'context',
      text: '/run filesystem__write_file · approved by carol · skill run',
    });
    expect(approvals.requests).toEqual([]);
    expect(recorded).toEqual([
      expect.objectContaining({ tool: 'filesystem__write_file', origin: 'approval', status: 'succeeded' }),
    ]);
  });

  it('fails the approved run when the tool reports an error, naming the tool and the error', async () => {
    const ctx = continuation({
      approvalId: 'approval-9',
      action: {
        kind: 'tool',
        name: 'filesystem__write_file',
        args: { path: '/etc/chatops-not-allowed.txt', content: 'x' },
        executor: 'run',
      },
      approvers: ['carol'],
    });
    const failure = await runSkill.handle(ctx).then(
      () => null,
      (error: unknown) => error as { code: string; message: string; remedy: string; retryable: boolean },
    );
    expect(failure).toMatchObject({ code: 'SKILL_FAILED', retryable: false });
    expect(failure?.message).toContain('The tool filesystem__write_file reported an error');
    expect(failure?.message).toMatch(/Access denied|outside allowed directories/);
    expect(failure?.remedy).toContain('request it again with /run');
    expect(ctx.replies).toEqual([]);
    expect(recorded).toEqual([
      expect.objectContaining({ tool: 'filesystem__write_file', origin: 'approval', status: 'failed' }),
    ]);
  });

  it('runs nothing when the continuation carries no approval', async () => {
    const ctx = continuation(undefined);
    await expect(runSkill.handle(ctx)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(approvals.requests).toEqual([]);
    expect(recorded).toEqual([]);
  });

  it('binds an approval to its tool and arguments: anything else asks again and does not run', async () => {
    const path = join(workspace.root, 'bound.txt');
    const task = fakeTask({ kind: 'command', command: 'run' });
    const approved: ApprovedAction = {
      approvalId: 'approval-8',
      action: { kind: 'tool', name: 'filesystem__write_file', args: { path, content: 'A' }, executor: 'run' },
      approvers: ['carol'],
    };
    const tools = gateway.forRun({
      task,
      caller: { id: 'alice', name: 'alice', roles: async () => [] },
      origin: 'skill',
      approvals: () => approvals.port(task),
      approved: () => approved,
      log: silentLogger,
    });
    const otherArguments = await tools.call('filesystem__write_file', { path, content: 'B' });
    expect(otherArguments).toMatchObject({ status: 'approval-requested' });
    const otherTool = await tools.call('filesystem__move_file', {
      source: path,
      destination: `${path}.moved`,
    });
    expect(otherTool).toMatchObject({ status: 'approval-requested' });
    expect(() => readFileSync(path)).toThrow();
    expect(approvals.requests.map((entry) => entry.request.action.name)).toEqual([
      'filesystem__write_file',
      'filesystem__move_file',
    ]);
    // Key order does not matter: the approval is bound to the canonical hash of the arguments.
    expect(await tools.call('filesystem__write_file', { content: 'A', path })).toMatchObject({
      status: 'done',
      isError: false,
    });
    expect(readFileSync(path, 'utf8')).toBe('A');
  });
});
