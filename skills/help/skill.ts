import {
  defineSkill,
  REPLY_VERSION,
  type ReplyBlock,
  type SkillContext,
  type SkillManifest,
} from '../../src/core/index.ts';

/**
 * `/help`: generated from the installed skills' manifests, so it can never disagree with what the bot
 * actually routes. `/help <command>` shows one command in detail.
 */
export const helpSkill = defineSkill({
  id: 'help',
  description: 'Lists what the bot can do: every command, with usage and examples.',
  commands: [
    {
      name: 'help',
      description: 'Show every command, or one in detail.',
      usage: '/help [command]',
      examples: ['/help', '/help status'],
    },
  ],
  keywords: ['help', 'commands', 'what can you do', 'how do i', 'usage'],
  examples: ['what can you do?', 'help', 'which commands are there'],
  async handle(ctx) {
    const asked = ctx.task.kind === 'command' ? ctx.task.text.trim().replace(/^\//, '') : '';
    const detail = asked ? findCommand(ctx.catalog, asked) : undefined;
    if (detail) {
      const { skill, command } = detail;
      const examples =
        command.examples.length > 0 ? command.examples.map((example) => `\`${example}\``).join(', ') : 'none';
      await ctx.reply({
        v: REPLY_VERSION,
        text: `/${command.name}: ${command.description}`,
        blocks: [
          { type: 'markdown', text: `*/${command.name}* — ${command.description}` },
          {
            type: 'fields',
            fields: [
              { label: 'Usage', value: command.usage },
              { label: 'Examples', value: examples },
              { label: 'Skill', value: `${skill.id}: ${skill.description}` },
            ],
          },
        ],
      });
      return;
    }
    const rows = ctx.catalog.flatMap((skill) =>
      skill.commands.map((command) => [`/${command.name}`, command.description, command.usage]),
    );
    const blocks: ReplyBlock[] = [
      {
        type: 'markdown',
        text: asked
          ? `I have no command called "${asked}". Here is everything I can do:`
          : 'Here is everything I can do:',
      },
      { type: 'table', columns: ['Command', 'What it does', 'Usage'], rows },
      ...(await toolBlocks(ctx)),
      {
        type: 'context',
        text: 'Mention me with a question, or type a command. `/chatops <command>` works too.',
      },
    ];
    await ctx.reply({ v: REPLY_VERSION, text: `Commands: ${rows.map((row) => row[0]).join(', ')}`, blocks });
  },
});

/** The MCP tools this person may use here (listed so `/run` and the assistant's tools are discoverable). */
async function toolBlocks(ctx: SkillContext): Promise<ReplyBlock[]> {
  const tools = ctx.tools ? await ctx.tools.list().catch(() => []) : [];
  if (tools.length === 0) return [];
  const rows = tools.map((tool) => [
    tool.name,
    tool.description.split('\n')[0]?.slice(0, 200) ?? '',
    tool.sideEffects ? 'needs approval' : 'read-only',
  ]);
  // `/run` is offered only where it is installed: help never names a command the bot does not have.
  const direct = findCommand(ctx.catalog, 'run') ? ', or run one with `/run <tool> key=value …`' : '';
  return [
    { type: 'markdown', text: `MCP tools (ask in your own words${direct}):` },
    { type: 'table', columns: ['Tool', 'What it does', 'Effect'], rows },
  ];
}

function findCommand(catalog: readonly SkillManifest[], name: string) {
  for (const skill of catalog) {
    const command = skill.commands.find((candidate) => candidate.name === name);
    if (command) return { skill, command };
  }
  return undefined;
}
