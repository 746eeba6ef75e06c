import type { SkillManifest } from '../../src/core/index.ts';

/**
 * The Teams app manifest (manifests/teams/manifest.json) filled in for one installation: the Azure Bot's
 * app id, the gateway's domain, the version, and the bot's command menu generated from the installed
 * skills (the same commands as Slack's slash commands). Pure, so a test can check it.
 */
export interface ManifestValues {
  appId: string;
  domain: string;
  version: string;
  skills: readonly SkillManifest[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?!-)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/i;
/** Teams shows at most ten commands per command list. */
export const MAX_MENU_COMMANDS = 10;

export function buildTeamsManifest(template: string, values: ManifestValues): Record<string, unknown> {
  const problems = [
    GUID.test(values.appId)
      ? null
      : `the app id "${values.appId}" is not a GUID (use the Azure Bot's Microsoft App ID)`,
    DOMAIN.test(values.domain)
      ? null
      : `the domain "${values.domain}" is not a host name (e.g. bot.example.com)`,
    /^\d+\.\d+\.\d+$/.test(values.version) ? null : `the version "${values.version}" is not x.y.z`,
  ].filter((problem): problem is string => problem !== null);
  if (problems.length > 0) throw new Error(`Cannot build the Teams manifest: ${problems.join('; ')}.`);
  const filled = template
    .replaceAll('{{TEAMS_APP_ID}}', values.appId.toLowerCase())
    .replaceAll('{{BOT_DOMAIN}}', values.domain.toLowerCase())
    .replaceAll('{{VERSION}}', values.version);
  return withCommandLists(JSON.parse(filled) as TeamsManifest, values.skills);
}

interface TeamsManifest {
  bots: { commandLists: unknown[] }[];
  [field: string]: unknown;
}

/** The bot's command menu: the installed skills' commands, in catalog order, as many as Teams shows. */
export function teamsCommands(skills: readonly SkillManifest[]): { title: string; description: string }[] {
  return skills
    .flatMap((skill) => skill.commands)
    .slice(0, MAX_MENU_COMMANDS)
    .map((command) => ({ title: command.name.slice(0, 32), description: command.description.slice(0, 128) }));
}

function withCommandLists(manifest: TeamsManifest, skills: readonly SkillManifest[]): TeamsManifest {
  const commands = teamsCommands(skills);
  for (const bot of manifest.bots) {
    bot.commandLists = [{ scopes: ['personal', 'team', 'groupChat'], commands }];
  }
  return manifest;
}

/**
 * The checked-in template (manifests/teams/manifest.json) with its command lists written from the installed
 * skills (`npm run manifests`); placeholders stay for `npm run teams:package` to fill in.
 */
export function withTeamsCommands(template: string, skills: readonly SkillManifest[]): string {
  return `${JSON.stringify(withCommandLists(JSON.parse(template) as TeamsManifest, skills), null, 2)}\n`;
}

/** The commands that did not fit into the menu (they still work when typed). */
export function commandsLeftOut(skills: readonly SkillManifest[]): string[] {
  return skills.flatMap((skill) => skill.commands.map((command) => command.name)).slice(MAX_MENU_COMMANDS);
}
