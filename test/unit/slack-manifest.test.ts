import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_SCOPES } from '../../adapters/slack/scopes.ts';
import {
  SLACK_EVENTS_URL,
  slashCommands,
  usageHint,
  withSlashCommands,
} from '../../scripts/lib/slack-manifest.ts';
import { skills as installedSkills } from '../../skills/index.ts';
import { type CommandSpec, manifestOf } from '../../src/core/index.ts';
import { deploySkill } from '../fixtures/skills/manifests.ts';

// biome-ignore lint/suspicious/noExplicitAny: the manifest is read field by field
type Json = any;
const text = (name: string): string =>
  readFileSync(new URL(`../../manifests/slack/${name}`, import.meta.url), 'utf8');
const read = (name: string): Json => parse(text(name));
const installed = installedSkills.map(manifestOf);

// The app manifests create an app the adapter can serve: every scope it uses, every event it handles, the
// commands of the installed skills (never the test fixtures'), one URL for everything.
describe('Slack app manifests', () => {
  const http = read('manifest.yml');
  const socket = read('manifest.socket-mode.yml');

  it('asks for exactly the scopes the adapter uses', () => {
    expect([...http.oauth_config.scopes.bot].sort()).toEqual(Object.keys(BOT_SCOPES).sort());
    expect(socket.oauth_config.scopes).toEqual(http.oauth_config.scopes);
  });

  it('subscribes to the events the receiver handles, and turns on the App Home and interactivity', () => {
    expect(http.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining([
        'app_mention',
        'message.im',
        'message.channels',
        'message.groups',
        'app_home_opened',
      ]),
    );
    expect(http.features.app_home.home_tab_enabled).toBe(true);
    expect(http.settings.interactivity.is_enabled).toBe(true);
  });

  it('declares /chatops and every installed command, with description and usage from the skills', () => {
    const commands: CommandSpec[] = installed.flatMap((skill) => skill.commands);
    expect(http.features.slash_commands.map((command: Json) => command.command)).toEqual([
      '/chatops',
      ...commands.map((command) => `/${command.name}`),
    ]);
    for (const command of commands) {
      const entry = http.features.slash_commands.find((slash: Json) => slash.command === `/${command.name}`);
      expect(entry.description).toBe(command.description);
      expect(entry.usage_hint ?? '').toBe(usageHint(command));
    }
    const kb = http.features.slash_commands.find((slash: Json) => slash.command === '/kb');
    expect(kb.usage_hint).toMatch(/^add collection=<name> \| sync collection=<name> \| ingest .* \| list$/);
  });

  it('is exactly what `npm run manifests` writes from the installed skills', () => {
    for (const [name, url] of [
      ['manifest.yml', SLACK_EVENTS_URL],
      ['manifest.socket-mode.yml', null],
    ] as const) {
      expect(text(name), `run \`npm run manifests\` (${name} is stale)`).toBe(
        withSlashCommands(text(name), installed, url),
      );
    }
    // A skill added to skills/index.ts shows up with its own description and usage on the next run.
    const added = parse(
      withSlashCommands(text('manifest.yml'), [...installed, manifestOf(deploySkill)], SLACK_EVENTS_URL),
    );
    expect(added.features.slash_commands.at(-1)).toEqual({
      command: '/deploy-service',
      url: SLACK_EVENTS_URL,
      description: 'Deploy a service cluster to an environment.',
      usage_hint: 'service=<name> env=<dev|staging|prod> size=<nodes>',
      should_escape: false,
    });
    expect(added.features.slash_commands[0].usage_hint).toContain('| deploy-service)');
    // The generator fails loudly rather than writing a manifest Slack would reject.
    const many = Array.from({ length: 50 }, (_, index) => ({
      ...installed[0],
      commands: [{ ...installed[0]?.commands[0], name: `c${index}` }],
    })) as typeof installed;
    expect(() => slashCommands(many, null)).toThrow(/Slack allows 50 slash commands per app/);
    expect(() => withSlashCommands('features: {}\n', installed, null)).toThrow(/slash-commands:start/);
  });

  it('sends everything to /slack/events over HTTP, and nothing over a URL in Socket Mode', () => {
    const urls = [
      http.settings.event_subscriptions.request_url,
      http.settings.interactivity.request_url,
      ...http.features.slash_commands.map((command: Json) => command.url),
    ];
    expect(new Set(urls)).toEqual(new Set(['https://bot.example.com/slack/events']));
    expect(http.oauth_config.redirect_urls).toEqual(['https://bot.example.com/slack/oauth_redirect']);
    expect(http.settings.socket_mode_enabled).toBe(false);
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(JSON.stringify(socket)).not.toContain('https://');
    expect(socket.features.slash_commands.map((command: Json) => command.command)).toEqual(
      http.features.slash_commands.map((command: Json) => command.command),
    );
  });
});
