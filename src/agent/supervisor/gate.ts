import { APPROVAL_EXECUTE_ACTION } from '../../core/approvals.ts';
import { REPLY_VERSION } from '../../core/reply.ts';
import type { Skill } from '../../core/skill.ts';
import type { Task } from '../../core/task.ts';

/**
 * Requests that did not come from a person in chat (an MCP client, the model) never run a skill that has
 * side effects: the skill is replaced by one that asks for an approval of exactly this command and these
 * arguments. The approval's continuation then runs the real skill, with `ctx.approved` set.
 */
export function needsGate(task: Task, skill: Skill, chosenByModel: boolean): boolean {
  if (!skill.sideEffects) return false;
  if (task.kind === 'action' && task.action?.id === APPROVAL_EXECUTE_ACTION) return false;
  return chosenByModel || task.platform === 'mcp';
}

export function gatedSkill(skill: Skill): Skill {
  return {
    ...skill,
    async handle(ctx) {
      const command = ctx.task.command ?? skill.commands[0]?.name ?? skill.id;
      const args: Record<string, string> = { ...(ctx.task.args ?? {}) };
      if (ctx.task.text.trim() && !ctx.task.args) args.text = ctx.task.text.trim();
      const shown = Object.entries(args)
        .map(([key, value]) => `${key}=${value}`)
        .join(' ');
      const origin = ctx.task.platform === 'mcp' ? 'an MCP client' : 'the assistant';
      const ticket = await ctx.approvals.request({
        action: { kind: 'command', name: command, args, executor: skill.id },
        title: `/${command} ${shown}`.trim(),
        summary: [
          { label: 'Requested by', value: `${ctx.caller.name} through ${origin}` },
          { label: 'Skill', value: skill.id },
        ],
        ...(args.env ? { environment: args.env } : {}),
      });
      const text = `⏳ /${command} changes things, so it needs an approval before it runs (approval ${ticket.approvalId}, ${ticket.status}). Nothing has run yet.`;
      await ctx.reply({
        v: REPLY_VERSION,
        text,
        blocks: [
          { type: 'markdown', text },
          { type: 'context', text: `Requested through ${origin} · skill ${skill.id}` },
        ],
      });
    },
  };
}
