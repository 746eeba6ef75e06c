import { describe, expect, it } from 'vitest';
import type { ConversationModel, ModelTurn, ToolUse } from '../../src/agent/llm/conversation.ts';
import { assistantSkill } from '../../src/agent/supervisor/assistant.ts';
import { SupervisorLoop } from '../../src/agent/supervisor/loop.ts';
import { SkillCatalog } from '../../src/core/skill-catalog.ts';
import type { ToolCallResult } from '../../src/core/tools.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { RecordingApprovals } from '../fakes/recording-approvals.ts';
import { fakeContext, fakeTask } from '../fakes/skill-context.ts';

// Issue 14: a tool that reports an error (MCP `isError`) is never passed off as a success. The model sees
// the error as a tool result and answers; the reply says under the answer which tool failed and why.
function turn(partial: Partial<ModelTurn>): ModelTurn {
  return {
    model: 'claude-test',
    content: [],
    text: '',
    toolUses: [],
    stopReason: 'end_turn',
    usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
    durationMs: 1,
    ...partial,
  };
}

const read = (id: string, path: string): ToolUse => ({
  id,
  name: 'filesystem__read_text_file',
  input: { path },
});

function loopOver(turns: ModelTurn[], results: ToolCallResult[]) {
  const model: ConversationModel = {
    model: 'claude-test',
    converse: async () => turns.shift() ?? turn({ text: 'done' }),
  };
  return new SupervisorLoop(
    {
      model,
      task: fakeTask(),
      tools: {
        list: async () => [],
        lookup: async () => ({ status: 'unknown', suggestions: [] }),
        call: async () => results.shift() ?? { status: 'done', isError: false, text: 'ok' },
      },
      mcpTools: [
        { name: 'filesystem__read_text_file', description: 'read', inputSchema: { type: 'object' } },
      ],
      skillTools: [],
      manifests: [],
      approvals: () => {
        throw new Error('no approvals expected');
      },
      maxTurns: 5,
      log: silentLogger,
    },
    [{ role: 'user', content: 'read the runbook' }],
  );
}

const ENOENT = "Error: ENOENT: no such file or directory, open '/srv/docs/runbook.md'\n    at open";

describe('tool errors in the supervisor', () => {
  it('reports a tool whose last call failed, with its error', async () => {
    const loop = loopOver(
      [turn({ text: 'The runbook is not there.' })],
      [{ status: 'done', isError: true, text: ENOENT }],
    );
    const outcome = await loop.run(turn({ toolUses: [read('toolu_1', '/srv/docs/runbook.md')] }));
    expect(outcome).toMatchObject({
      kind: 'answer',
      toolErrors: [{ tool: 'filesystem__read_text_file', error: ENOENT }],
    });
  });

  it('forgets the error when a later call of the same tool succeeds', async () => {
    const loop = loopOver(
      [turn({ toolUses: [read('toolu_2', '/srv/docs/runbook.txt')] }), turn({ text: 'Found it.' })],
      [
        { status: 'done', isError: true, text: ENOENT },
        { status: 'done', isError: false, text: 'restart the pods' },
      ],
    );
    const outcome = await loop.run(turn({ toolUses: [read('toolu_1', '/srv/docs/runbook.md')] }));
    expect(outcome).toMatchObject({ kind: 'answer', toolErrors: [] });
  });

  it("says under the model's answer which tool failed and why", async () => {
    const loop = loopOver(
      [turn({ text: 'I could not read the runbook.' })],
      [{ status: 'done', isError: true, text: ENOENT }],
    );
    const skill = assistantSkill(
      loop,
      turn({ toolUses: [read('toolu_1', '/srv/docs/runbook.md')] }),
      new SkillCatalog([]),
    );
    const task = fakeTask();
    const ctx = fakeContext({ task, approvals: new RecordingApprovals().port(task) });
    await skill.handle(ctx);
    expect(ctx.replies[0]?.blocks).toEqual([
      { type: 'markdown', text: 'I could not read the runbook.' },
      {
        type: 'context',
        text: "⚠️ filesystem__read_text_file reported an error: Error: ENOENT: no such file or directory, open '/srv/docs/runbook.md'",
      },
      { type: 'context', text: 'Answered by Claude (claude-test) · tools: filesystem__read_text_file' },
    ]);
  });
});
