import {
  APPROVAL_APPROVE_ACTION,
  APPROVAL_REASON_INPUT,
  APPROVAL_REJECT_ACTION,
  APPROVALS_SKILL,
  type ApprovalDecisionResult,
  type ApprovalSummary,
  ChatOpsError,
  defineSkill,
  REPLY_VERSION,
  type ReplyInput,
  type SkillContext,
} from '../../src/core/index.ts';
import { approvalsDigest } from './digest.ts';

/**
 * `/approvals` (also `/chatops approvals`): the approvals waiting for you; `/approvals cancel <id> [reason]`
 * withdraws a request. This skill also receives every Approve / Reject click and hands it to the approvals
 * engine (`ctx.approvals.decide`), which checks who clicked and records the decision; the clicker is told
 * the outcome, privately when nothing changed.
 */
export const approvalsSkill = defineSkill({
  id: APPROVALS_SKILL,
  description:
    'Lists the approvals waiting for you, records Approve / Reject decisions, and cancels your own requests.',
  commands: [
    {
      name: 'approvals',
      description: 'List the approvals waiting for your decision, or cancel a request.',
      usage: '/approvals [cancel <approval id> [reason]]',
      examples: ['/approvals', '/chatops approvals', '/approvals cancel <approval id> not needed any more'],
    },
  ],
  keywords: ['approvals', 'pending approvals', 'approval requests', 'my approval'],
  examples: ['which approvals are waiting for me?', 'list my pending approval requests'],
  digests: [approvalsDigest],
  async handle(ctx) {
    if (ctx.task.kind === 'action') {
      await decide(ctx);
      return;
    }
    const [verb = '', id = '', ...reason] = ctx.task.text.trim().split(/\s+/);
    if (verb === 'cancel') {
      await cancel(ctx, id, reason.join(' '));
      return;
    }
    if (verb) {
      throw new ChatOpsError('VALIDATION_FAILED', `"/approvals ${verb}" is not something I can do.`, {
        remedy: 'Use /approvals to list, or /approvals cancel <approval id> [reason].',
      });
    }
    await list(ctx);
  },
});

async function decide(ctx: SkillContext): Promise<void> {
  const action = ctx.task.action;
  const decision =
    action?.id === APPROVAL_APPROVE_ACTION
      ? 'approve'
      : action?.id === APPROVAL_REJECT_ACTION
        ? 'reject'
        : null;
  if (!action || !decision) {
    throw new ChatOpsError('UNKNOWN_ACTION', `The approvals skill has no button "${action?.id}".`, {
      remedy: 'Use the Approve / Reject buttons on an approval request.',
    });
  }
  const reason = action.inputs?.[APPROVAL_REASON_INPUT]?.trim();
  const result = await engine(
    ctx,
    'decide',
  )({
    approvalId: action.value ?? '',
    decision,
    ...(reason ? { reason } : {}),
  });
  await ctx.reply(outcomeReply(ctx, result));
}

async function cancel(ctx: SkillContext, approvalId: string, reason: string): Promise<void> {
  if (!approvalId) {
    throw new ChatOpsError('VALIDATION_FAILED', 'Which approval? /approvals cancel needs its id.', {
      remedy: 'Use /approvals cancel <approval id> [reason]; the id is on the request card.',
    });
  }
  const result = await engine(ctx, 'cancel')(approvalId, reason || undefined);
  await ctx.reply(outcomeReply(ctx, result));
}

async function list(ctx: SkillContext): Promise<void> {
  const pending = await engine(ctx, 'pending')();
  const text =
    pending.length === 0
      ? 'Nothing is waiting for your approval.'
      : `${pending.length} approval${pending.length === 1 ? '' : 's'} waiting for you: decide each with the Approve / Reject buttons on its request.`;
  await ctx.reply({
    v: REPLY_VERSION,
    text,
    blocks: [
      { type: 'markdown', text },
      ...(pending.length > 0
        ? [
            {
              type: 'table' as const,
              columns: ['Request', 'Requested by', 'Where', 'Approvals', 'Expires (UTC)'],
              rows: pending.slice(0, 100).map(row),
            },
          ]
        : []),
    ],
    visibility: 'ephemeral',
    ephemeralUser: ctx.task.user.id,
  });
}

function row(approval: ApprovalSummary): string[] {
  return [
    approval.title.slice(0, 200),
    approval.requestedBy,
    `#${approval.channel}`,
    `${approval.approvalsGiven} of ${approval.approvalsRequired}`,
    approval.expiresAt.slice(0, 16).replace('T', ' '),
  ];
}

/**
 * What the clicker is told, privately: the card (updated for everyone) is the public record, and the
 * approved action's own reply follows in the thread.
 */
function outcomeReply(ctx: SkillContext, result: ApprovalDecisionResult): ReplyInput {
  const recorded = result.outcome === 'recorded';
  const text = `${recorded ? (result.status === 'rejected' || result.status === 'cancelled' ? '⛔' : '✅') : '⚠️'} ${result.message}`;
  return {
    v: REPLY_VERSION,
    text,
    blocks: [
      { type: 'markdown', text },
      ...(recorded
        ? []
        : [{ type: 'context' as const, text: `Nothing changed · ${result.refusal ?? 'refused'}` }]),
    ],
    visibility: 'ephemeral',
    ephemeralUser: ctx.task.user.id,
  };
}

type EngineMethods = Required<Pick<SkillContext['approvals'], 'decide' | 'cancel' | 'pending'>>;

function engine<K extends keyof EngineMethods>(ctx: SkillContext, method: K): EngineMethods[K] {
  const found = ctx.approvals[method];
  if (!found) {
    throw new ChatOpsError('FORBIDDEN', 'Approvals are not available here: no approvals engine is running.', {
      remedy: 'An administrator wires the approvals engine in src/main.ts (it is on by default).',
    });
  }
  return found.bind(ctx.approvals) as EngineMethods[K];
}
