import {
  APPROVAL_EXECUTE_ACTION,
  ChatOpsError,
  defineSkill,
  REPLY_VERSION,
  type ReplyInput,
  type SkillContext,
  type ToolCallResult,
  type ToolInfo,
  type ToolsPort,
} from '../../src/core/index.ts';
import { coerceArguments, type ObjectSchema, usageOf } from './arguments.ts';

/**
 * `/run <server__tool> key=value …`: runs an MCP tool straight from chat, no model needed (the escape
 * hatch StackStorm users know). The same allowlists and approvals apply as to a model-chosen call: a tool
 * that changes things only requests an approval. This skill is also the executor of approved tool calls:
 * the continuation runs exactly the approved tool with exactly the approved arguments, and nothing else.
 */
export const runSkill = defineSkill({
  id: 'run',
  description:
    'Runs a connected MCP tool directly from chat; tools that change things ask for an approval first.',
  commands: [
    {
      name: 'run',
      description: 'Run an MCP tool with key=value arguments (no argument: list the tools).',
      usage: '/run <server__tool> key=value …',
      examples: [
        '/run',
        '/run everything__echo message="hello"',
        '/run filesystem__list_directory path=/srv/docs',
      ],
    },
  ],
  async handle(ctx) {
    const tools = ctx.tools;
    if (!tools) {
      throw new ChatOpsError('NOT_FOUND', 'No MCP tools are connected to this bot.', {
        remedy:
          'An administrator sets MCP_CONFIG to a file of MCP servers (see the README) and restarts the workers.',
      });
    }
    if (ctx.task.kind === 'action' && ctx.task.action?.id === APPROVAL_EXECUTE_ACTION) {
      await runApproved(ctx, tools);
      return;
    }
    const [name = '', ...rest] = ctx.task.text.trim().split(/\s+/);
    if (!name) {
      await ctx.reply(toolList(await tools.list()));
      return;
    }
    const found = await tools.lookup(name);
    if (found.status === 'denied')
      throw new ChatOpsError('FORBIDDEN', found.reason, { remedy: found.remedy });
    if (found.status === 'unknown') {
      throw new ChatOpsError('VALIDATION_FAILED', `There is no tool called ${name} here.`, {
        remedy: found.suggestions.length
          ? `Did you mean ${found.suggestions.join(', ')}? /run lists every tool you may use here.`
          : 'Type /run to list the tools you may use in this channel.',
      });
    }
    const tool = found.tool;
    const schema = tool.inputSchema as ObjectSchema;
    const { args, problems } = coerceArguments(ctx.task.args ?? {}, schema, rest.join(' '));
    if (problems.length > 0) {
      throw new ChatOpsError(
        'VALIDATION_FAILED',
        `The arguments for ${name} are not right:\n${problems.join('\n')}`,
        {
          remedy: `Usage: ${usageOf(name, schema)}`,
        },
      );
    }
    if (tool.sideEffects) await ctx.progress(`Asking for approval to run ${name}…`);
    else await ctx.progress(`Running ${name}…`);
    const result = await tools.call(name, args);
    if (result.status === 'done' && result.isError) {
      throw toolFailed(name, result.text, `Check the arguments (${usageOf(name, schema)}) and run it again.`);
    }
    await ctx.reply(answer(name, result));
  },
});

/** The continuation of an approved tool call: exactly the approved action, or nothing. */
async function runApproved(ctx: SkillContext, tools: ToolsPort): Promise<void> {
  const approved = ctx.approved;
  if (approved?.action.kind !== 'tool') {
    throw new ChatOpsError('FORBIDDEN', 'This run carries no approved tool call, so nothing ran.', {
      remedy: 'Request the tool again with /run; it runs once the approval is granted.',
    });
  }
  const { name, args } = approved.action;
  await ctx.progress(`Running ${name} (approved by ${approved.approvers.join(', ')})…`);
  const result = await tools.call(name, args);
  if (result.status === 'approval-requested') {
    // The gateway did not accept the approval as this exact call: never loop into another request.
    throw new ChatOpsError('FORBIDDEN', `The approval does not match the call to ${name}, so nothing ran.`, {
      remedy: 'Request it again with /run.',
    });
  }
  if (result.status === 'done' && result.isError) {
    // Not retried: an approval is for one run, and the tool said no. A new request starts a new approval.
    throw toolFailed(
      name,
      result.text,
      'Nothing is retried: fix the cause, then request it again with /run.',
    );
  }
  await ctx.reply(answer(name, result, approved.approvers));
}

/**
 * A tool that reports an error (MCP's `isError`) failed: the task ends failed, and the one failure reply
 * names the tool and what it said.
 */
function toolFailed(name: string, output: string, remedy: string): ChatOpsError {
  const said = output.trim() || '(no output)';
  const shown = said.length > 1500 ? `${said.slice(0, 1500)}\n… (cut)` : said;
  return new ChatOpsError('SKILL_FAILED', `The tool ${name} reported an error:\n\`\`\`\n${shown}\n\`\`\``, {
    remedy,
    retryable: false,
    details: { tool: name },
  });
}

function answer(name: string, result: ToolCallResult, approvers?: string[]): ReplyInput {
  const credit = `/run ${name}${approvers ? ` · approved by ${approvers.join(', ')}` : ''} · skill run`;
  switch (result.status) {
    case 'done': {
      const output = result.text.length > 3500 ? `${result.text.slice(0, 3500)}\n… (cut)` : result.text;
      const text = `✅ ${name}:\n\`\`\`\n${output || '(no output)'}\n\`\`\``;
      return {
        v: REPLY_VERSION,
        text,
        blocks: [
          { type: 'markdown', text },
          { type: 'context', text: credit },
        ],
      };
    }
    case 'approval-requested': {
      const text = `⏳ ${name} changes things, so it needs an approval first (approval ${result.approvalId}). Nothing has run yet.`;
      return {
        v: REPLY_VERSION,
        text,
        blocks: [
          { type: 'markdown', text },
          { type: 'context', text: credit },
        ],
      };
    }
    case 'denied':
      throw new ChatOpsError('FORBIDDEN', result.reason, { remedy: result.remedy });
  }
}

function toolList(tools: readonly ToolInfo[]): ReplyInput | string {
  if (tools.length === 0) return 'No MCP tools are available to you in this channel.';
  const rows = tools.map((tool) => [
    tool.name,
    tool.description.split('\n')[0]?.slice(0, 200) ?? '',
    tool.sideEffects ? 'needs approval' : 'read-only',
  ]);
  return {
    v: REPLY_VERSION,
    text: `MCP tools: ${tools.map((tool) => tool.name).join(', ')}`,
    blocks: [
      { type: 'markdown', text: 'MCP tools you can run with `/run <tool> key=value …`:' },
      { type: 'table', columns: ['Tool', 'What it does', 'Effect'], rows },
    ],
  };
}
