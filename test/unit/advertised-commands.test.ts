import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { homeView } from '../../adapters/slack/app-home.ts';
import { helpSkill } from '../../skills/help/skill.ts';
import { skillTools } from '../../src/agent/skill-tools.ts';
import { supervisorSystemPrompt } from '../../src/agent/supervisor/prompt.ts';
import type { ApprovalSummary, SkillManifest, ToolInfo, ToolsPort } from '../../src/core/index.ts';
import { createSkillServer, type SkillServerDependencies } from '../../src/mcp/server-tools.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { RecordingApprovals } from '../fakes/recording-approvals.ts';
import { fakeContext, fakeTask } from '../fakes/skill-context.ts';
import {
  commandMentions,
  falseClaims,
  installed,
  installedCommands,
  notInstalled,
  withoutSourceSamples,
} from '../support/advertised-commands.ts';

// Finding 3 of issue 14: the manifests, README, App Home, supervisor prompt and MCP description named
// /deploy-cluster, /jira, /rfp, /hr and /digest, none of which was installed. Each surface people read is
// checked here against the installed skills (skills/index.ts; the test fixtures' skills never count).
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const SLACK_MANIFESTS = ['manifests/slack/manifest.yml', 'manifests/slack/manifest.socket-mode.yml'];

describe('the bot advertises only installed commands', () => {
  it('knows what it checks: installed commands, and commands that are not installed', () => {
    expect(installedCommands).toEqual(expect.arrayContaining(['help', 'status', 'ask']));
    // The checker finds a false claim in each form the old README made one.
    // (/hr and /rfp are planned skills that are not installed.)
    expect(falseClaims('`/ask`, `/hr`, `/chatops rfp`, /onboard.')).toEqual(['hr', 'rfp', 'onboard']);
    expect(commandMentions('GET /health, /srv/docs, and/or `/api/v1/messages`')).toEqual([]);
  });

  it.each(SLACK_MANIFESTS)('%s: its slash commands are /chatops and the installed ones', (path) => {
    const text = read(path);
    const commands = parse(text).features.slash_commands.map((entry: { command: string }) => entry.command);
    expect(commands).toEqual([
      '/chatops',
      ...installed.skills.flatMap((s) => s.commands.map((c) => `/${c.name}`)),
    ]);
    expect(falseClaims(text)).toEqual([]);
  });

  it('the Teams command menu lists only installed commands', () => {
    const manifest = JSON.parse(read('manifests/teams/manifest.json'));
    const titles = manifest.bots.flatMap((bot: { commandLists: { commands: { title: string }[] }[] }) =>
      bot.commandLists.flatMap((list) => list.commands.map((command) => command.title)),
    );
    expect(titles.length).toBeGreaterThan(0);
    expect(titles.filter((title: string) => !installed.byCommand(title))).toEqual([]);
    expect(falseClaims(JSON.stringify(manifest))).toEqual([]);
  });

  it('the README names no command that is not installed, in tables, examples or prose', () => {
    const readme = withoutSourceSamples(read('README.md'));
    expect(falseClaims(readme)).toEqual([]);
    const scheduled = [...readme.matchAll(/--command (\S+)/g)].map((match) => match[1]);
    expect(scheduled.length).toBeGreaterThan(0);
    expect(scheduled.filter((name) => !installed.byCommand(String(name)))).toEqual([]);
    for (const name of notInstalled) expect(readme).not.toMatch(new RegExp(`[/"\`]${name}\\b`));
  });

  it('the web chat page and the Slack install message name installed commands only', () => {
    const page = ['index.html', 'chat.js', 'approvals.js'].map((file) => read(`adapters/web/page/${file}`));
    expect(commandMentions(page.join('\n'))).toEqual(expect.arrayContaining(['help']));
    expect(falseClaims(page.join('\n'))).toEqual([]);
    expect(falseClaims(read('adapters/slack/installer.ts'))).toEqual([]);
  });

  it('/help lists every installed command and nothing else', async () => {
    const tool: ToolInfo = {
      name: 'filesystem__read_text_file',
      server: 'filesystem',
      tool: 'read_text_file',
      description: 'Reads a file.',
      inputSchema: { type: 'object' },
      sideEffects: false,
    };
    const helpWith = async (catalog: SkillManifest[]) => {
      const task = fakeTask({ kind: 'command', command: 'help', text: '' });
      const context = fakeContext({
        task,
        approvals: new RecordingApprovals().port(task),
        tools: () => ({ list: async () => [tool] }) as unknown as ToolsPort, // help only lists tools
      });
      await helpSkill.handle({ ...context, catalog });
      return JSON.stringify(context.replies);
    };
    const shown = await helpWith([...installed.manifests]);
    expect(shown).toContain('filesystem__read_text_file');
    expect(falseClaims(shown)).toEqual([]);
    expect(commandMentions(shown)).toEqual(expect.arrayContaining(installedCommands));
    // Without /run installed, the tools are still listed, but /run is not offered.
    const withoutRun = await helpWith(installed.manifests.filter((skill) => skill.id !== 'run'));
    expect(withoutRun).toContain('filesystem__read_text_file');
    expect(commandMentions(withoutRun)).not.toContain('run');
  });

  it('the App Home hints name installed commands only', () => {
    const approval: ApprovalSummary = {
      approvalId: 'a1',
      title: 'Write /srv/docs/x',
      requestedBy: 'U0BOB000001',
      channel: 'C0123ABCDEF',
      thread: '1700000000.000100',
      createdAt: '2026-12-02T10:00:00Z',
      expiresAt: '2026-12-02T11:00:00Z',
      approvalsGiven: 0,
      approvalsRequired: 1,
    };
    const content = { tasks: [], approvals: Array(20).fill(approval), schedules: [] };
    const full = JSON.stringify(homeView({ ...content, commands: installedCommands }));
    expect(full).toContain('/approvals');
    expect(falseClaims(full)).toEqual([]);
    expect(full).not.toMatch(/\/digest|\/jira|\/deploy-cluster/);
    // A build without /help and /approvals gets hints that do not name them.
    const bare = JSON.stringify(homeView({ ...content, commands: ['status'] }));
    expect(commandMentions(bare)).toEqual(['chatops']);
  });

  it('the supervisor prompt names only skill tools the model was given', () => {
    const names = skillTools(installed.manifests, ['run']).map((spec) => spec.name);
    const prompt = supervisorSystemPrompt(names);
    const quoted = [...prompt.matchAll(/"([a-z][a-z0-9-]*)"/g)].map((match) => String(match[1]));
    expect(quoted.length).toBeGreaterThan(0);
    expect(quoted.filter((name) => !installed.byCommand(name))).toEqual([]);
    for (const name of notInstalled) expect(prompt).not.toContain(`"${name}"`);
    expect(supervisorSystemPrompt([])).not.toContain('for example');
  });

  it("the MCP server's description and tools name only installed commands", async () => {
    const deps = {
      catalog: installed,
      version: 'test',
      replyTo: { platform: 'api', channel: 'mcp' },
      waitMs: 1_000,
      log: silentLogger,
    } as unknown as SkillServerDependencies; // listing tools touches none of the stores
    const server = createSkillServer(deps, { tenantId: 'default', userId: 'mcp', userName: 'MCP' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'claims-test', version: '1.0.0' });
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    try {
      const instructions = client.getInstructions() ?? '';
      const { tools } = await client.listTools();
      const names = tools.map((tool) => tool.name);
      expect(names.filter((name) => name !== 'chat' && !installed.byCommand(name))).toEqual([]);
      const listed = /one per installed command \(([^)]*)\)/.exec(instructions)?.[1]?.split(', ') ?? [];
      expect(listed).toEqual(names.filter((name) => name !== 'chat'));
      const described = `${instructions}\n${JSON.stringify(tools)}`;
      expect(falseClaims(described)).toEqual([]);
      for (const name of notInstalled) expect(described).not.toMatch(new RegExp(`\\b${name}\\b`));
    } finally {
      await client.close();
      await server.close();
    }
  });
});
