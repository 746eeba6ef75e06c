import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skills as installedSkills } from '../../skills/index.ts';
import { defineSkill, defineWorkflow } from '../../src/core/index.ts';
import { approvalsClient } from '../support/approvals-client.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

// Approval steps through the real approvals engine, gateway, queue and worker: the skill's default policy
// (two distinct `sre`, never the requester), the grant reaching the waiting step through the `workflows`
// skill's continuation, the approval bound to a hash of what runs (a change voids it), and a rejection
// ending the run through the approvals engine's settle hook.
const executed: string[] = [];
let plan = 'plan-v1';

const gated = defineWorkflow<{ target: string }>({
  id: 'gated.change',
  skill: 'gated',
  parseInput: (input) => input as { target: string },
  title: (input) => `Change ${input.target}`,
  steps: [
    { kind: 'step', name: 'plan', label: 'Plan', run: async () => ({ plan }) },
    {
      kind: 'approval',
      name: 'approve',
      label: 'Approval',
      request: (state) => ({
        action: 'gated-change',
        args: { target: state.input.target },
        title: `Change ${state.input.target}`,
        environment: 'prod',
        defaultPolicy: { roles: ['sre'], required: 2 },
        // Bound to the stored plan and to what would run now: `plan` changing in between voids it.
        binding: { stored: state.outputs.plan, current: plan },
      }),
    },
    {
      kind: 'step',
      name: 'apply',
      label: 'Apply',
      run: async (ctx) => {
        executed.push(
          `${ctx.input.target}:${(ctx.outputs.approve as { approvers: string[] }).approvers.join('+')}`,
        );
      },
    },
  ],
});

const gatedSkill = defineSkill({
  id: 'gated',
  description: 'Starts a gated change (test skill).',
  commands: [{ name: 'gated', description: 'Start a gated change.', usage: '/gated <target>' }],
  workflows: [gated],
  async handle(ctx) {
    const run = await ctx.workflows?.start('gated.change', { target: ctx.task.text.trim() });
    await ctx.reply(`started ${run?.id}`);
  },
});

describe.each(['postgresql', 'pglite'] as const)('workflow approvals on %s', (database) => {
  let harness: Harness;
  let client: ReturnType<typeof approvalsClient>;

  beforeAll(async () => {
    executed.length = 0;
    harness = await startHarness({ database, skills: [...installedSkills, gatedSkill] });
    client = approvalsClient(harness);
    for (const user of ['alice', 'bob', 'carol']) {
      await harness.runtime.directory.grantRole(
        { tenantId: 'default', platform: 'api', externalId: user },
        'sre',
        'test',
      );
    }
  });
  afterAll(async () => {
    await harness?.close();
  });

  const runOf = async (threadId: string) => {
    const messages = await client.thread(threadId);
    const started = messages.find((message) => message.text.startsWith('started '));
    return String(started?.text.slice('started '.length));
  };
  const finished = (runId: string) =>
    eventually(async () => {
      const view = await harness.runtime.workflows.view(runId);
      return view?.finishedAt ? view : null;
    }, 30_000);

  it('needs two distinct sre approvals, never the requester, then runs the next step once', async () => {
    plan = 'plan-v1';
    const asked = await client.ask('alice', '/gated payments');
    const runId = await runOf(asked.threadId);
    const card = await client.card(asked.threadId);
    expect(card.block.summary).toEqual(
      expect.arrayContaining([{ label: 'Needs', value: '2 approvals from role sre, not the requester' }]),
    );
    const own = await client.click('alice', card.messageId, 'approval.approve', { value: card.approvalId });
    expect(own.text).toContain('You asked for this yourself');
    const first = await client.click('bob', card.messageId, 'approval.approve', { value: card.approvalId });
    expect(first.text).toContain('Still needed: 1 more');
    expect(
      (await harness.runtime.workflows.view(runId))?.steps.find((s) => s.name === 'approve')?.status,
    ).toBe('waiting');
    await client.click('carol', card.messageId, 'approval.approve', { value: card.approvalId });
    const done = await finished(runId);
    expect(done.status).toBe('succeeded');
    expect(done.steps.find((step) => step.name === 'approve')?.output).toMatchObject({
      approvalId: card.approvalId,
      approvers: ['bob', 'carol'],
    });
    expect(executed.filter((entry) => entry.startsWith('payments:'))).toEqual(['payments:bob+carol']);
  });

  it('voids the approval when what it was bound to changed before the grant', async () => {
    plan = 'plan-v1';
    const asked = await client.ask('alice', '/gated billing');
    const runId = await runOf(asked.threadId);
    const card = await client.card(asked.threadId);
    plan = 'plan-v2';
    await client.click('bob', card.messageId, 'approval.approve', { value: card.approvalId });
    await client.click('carol', card.messageId, 'approval.approve', { value: card.approvalId });
    const done = await finished(runId);
    expect(done.status).toBe('failed');
    expect(done.error?.message).toContain('approval is void');
    expect(executed.some((entry) => entry.startsWith('billing:'))).toBe(false);
  });

  it('ends the run when the approval is rejected, saying who rejected and why', async () => {
    plan = 'plan-v1';
    const asked = await client.ask('alice', '/gated search');
    const runId = await runOf(asked.threadId);
    const card = await client.card(asked.threadId);
    await client.click('bob', card.messageId, 'approval.reject', {
      value: card.approvalId,
      inputs: { reason: 'not during the freeze' },
    });
    const done = await finished(runId);
    expect(done.status).toBe('failed');
    expect(done.error?.message).toBe(
      'The approval was rejected by bob: not during the freeze. Nothing was run.',
    );
    expect(executed.some((entry) => entry.startsWith('search:'))).toBe(false);
  });
});
