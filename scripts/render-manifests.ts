// `npm run manifests`: rewrites everything that lists the bot's commands from the installed skills
// (skills/index.ts; test fixtures never count): the Slack app manifests' slash commands, the Teams manifest's
// command menu, and the README's chat command and MCP tool tables. Run it after adding or changing a skill;
// tests fail while any of these files is out of step.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { skills } from '../skills/index.ts';
import { manifestOf } from '../src/core/index.ts';
import {
  CHAT_COMMANDS_REGION,
  MCP_TOOLS_REGION,
  renderChatCommands,
  renderMcpTools,
  writeRegion,
} from './lib/readme-commands.ts';
import { SLACK_EVENTS_URL, withSlashCommands } from './lib/slack-manifest.ts';
import { withTeamsCommands } from './lib/teams-manifest.ts';

const root = new URL('../', import.meta.url);
const installed = skills.map(manifestOf);

function rewrite(path: string, change: (text: string) => string): void {
  const url = new URL(path, root);
  const before = readFileSync(url, 'utf8');
  const after = change(before);
  if (after !== before) writeFileSync(url, after);
  console.log(`${after === before ? 'unchanged' : 'wrote    '} ${path}`);
}

rewrite('manifests/slack/manifest.yml', (text) => withSlashCommands(text, installed, SLACK_EVENTS_URL));
rewrite('manifests/slack/manifest.socket-mode.yml', (text) => withSlashCommands(text, installed, null));
rewrite('manifests/teams/manifest.json', (text) => {
  const next = withTeamsCommands(text, installed);
  return JSON.stringify(JSON.parse(next)) === JSON.stringify(JSON.parse(text)) ? text : next;
});
// JSON.stringify's layout is not the formatter's: let the project's formatter lay the file out as lint expects.
execFileSync(
  fileURLToPath(new URL('node_modules/.bin/biome', root)),
  ['format', '--write', 'manifests/teams/manifest.json'],
  { cwd: fileURLToPath(root), stdio: 'ignore' },
);
rewrite('README.md', (text) =>
  writeRegion(
    writeRegion(text, CHAT_COMMANDS_REGION, renderChatCommands(installed)),
    MCP_TOOLS_REGION,
    renderMcpTools(installed),
  ),
);
