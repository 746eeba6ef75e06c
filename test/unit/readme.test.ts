import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CHAT_COMMANDS_REGION,
  MCP_TOOLS_REGION,
  readRegion,
  renderChatCommands,
  renderMcpTools,
  writeRegion,
} from '../../scripts/lib/readme-commands.ts';
import { skills } from '../../skills/index.ts';
import { renderConfigTable, renderEnvExample } from '../../src/config/env-example.ts';
import { manifestOf } from '../../src/core/index.ts';
import { deploySkill } from '../fixtures/skills/manifests.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const ENV_EXAMPLE = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
const CI = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every setting exactly as the config table defines it', () => {
    const table = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(README)?.[1];
    expect(table, 'run `npm run docs:config`').toBe(renderConfigTable());
  });

  it('lists the chat commands and MCP tools exactly as the installed skills declare them', () => {
    const installed = skills.map(manifestOf);
    expect(readRegion(README, CHAT_COMMANDS_REGION), 'run `npm run manifests`').toBe(
      renderChatCommands(installed),
    );
    expect(readRegion(README, MCP_TOOLS_REGION), 'run `npm run manifests`').toBe(renderMcpTools(installed));
    const commands = installed.flatMap((skill) => skill.commands.map((command) => command.name));
    for (const name of commands) expect(renderChatCommands(installed)).toContain(`| \`/${name}\` |`);
    // `/run` is a chat command but not an MCP tool of the bot's own server.
    expect(renderMcpTools(installed)).not.toContain('`run`');
    // A skill added to skills/index.ts is listed on the next `npm run manifests`, usage and approval included.
    const added = writeRegion(
      README,
      CHAT_COMMANDS_REGION,
      renderChatCommands([...installed, manifestOf(deploySkill)]),
    );
    expect(readRegion(added, CHAT_COMMANDS_REGION)).toContain(
      '| `/deploy-service` | Deploy a service cluster to an environment. | `/deploy-service service=<name> env=<dev\\|staging\\|prod> size=<nodes>` | deploy-service (asks for approval) |',
    );
    expect(() => writeRegion('no markers', MCP_TOOLS_REGION, '')).toThrow(/mcp-tools:start/);
  });

  it('keeps .env.example in step with the config table', () => {
    expect(ENV_EXAMPLE, 'run `npm run docs:config`').toBe(renderEnvExample());
  });

  it('gives the two quickstart commands, and CI runs exactly its test command', () => {
    expect(README).toContain('bash scripts/dev     # runs the bot');
    expect(README).toContain('bash scripts/test    # runs every test');
    expect(CI.trim().split('\n').at(-1)).toBe('bash scripts/test');
  });
});
