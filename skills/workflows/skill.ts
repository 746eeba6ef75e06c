import {
  ChatOpsError,
  defineSkill,
  REPLY_VERSION,
  type SkillContext,
  WORKFLOW_CANCEL_ACTION,
  WORKFLOWS_SKILL,
  type WorkflowsPort,
} from '../../src/core/index.ts';

/**
 * The workflows' own buttons and approvals, for every skill that defines workflows: it runs the
 * continuation of an approved workflow approval (handing the grant to the waiting step, which checks it
 * against what was approved) and the Cancel button of a run's progress message. It has no command and is
 * not offered to the model: people reach it only through those buttons.
 */
export const workflowsSkill = defineSkill({
  id: WORKFLOWS_SKILL,
  description: 'Runs the approvals and the Cancel buttons of durable workflows (provisioning and others).',
  async handle(ctx) {
    const workflows = ctx.workflows;
    if (!workflows) {
      throw new ChatOpsError('DEPENDENCY_UNAVAILABLE', 'Workflows are not available in this process.', {
        remedy: 'Run a worker (chatops worker or chatops dev); it runs workflows.',
        retryable: false,
      });
    }
    if (ctx.approved) {
      const result = await workflows.approvalGranted(ctx.approved);
      const by = ctx.approved.approvers.join(' and ');
      await ctx.reply(`✅ Approved by ${by || 'the approvers'}. ${result.message}`);
      return;
    }
    if (ctx.task.action?.id === WORKFLOW_CANCEL_ACTION) {
      await cancel(ctx, workflows, ctx.task.action.value ?? '');
      return;
    }
    throw new ChatOpsError('UNKNOWN_ACTION', 'This button does not belong to a workflow I know.', {
      remedy: 'Use the buttons on the workflow’s progress message.',
    });
  },
});

async function cancel(ctx: SkillContext, workflows: WorkflowsPort, runId: string): Promise<void> {
  const result = await workflows.cancel(runId);
  if (result.ok) {
    await ctx.reply(`🚫 ${result.message}`);
    return;
  }
  await ctx.reply({
    v: REPLY_VERSION,
    text: result.message,
    blocks: [{ type: 'markdown', text: result.message }],
    visibility: 'ephemeral',
    ephemeralUser: ctx.task.user.id,
  });
}
