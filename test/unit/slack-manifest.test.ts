import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_SCOPES } from '../../adapters/slack/scopes.ts';
import { skills as installedSkills } from '../../skills/index.ts';
import { fixtureSkills } from '../fixtures/skills/manifests.ts';

// biome-ignore lint/suspicious/noExplicitAny: the manifest is read field by field
type Json = any;
const read = (name: string): Json =>
  parse(readFileSync(new URL(`../../manifests/slack/${name}`, import.meta.url), 'utf8'));

// The app manifests create an app the adapter can serve: every scope it uses, every event it handles, every
// command (the umbrella, today's skills and the ones the coming skills declare), one URL for everything.
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

  it('declares /chatops and every skill command, with usage from the skills', () => {
    const commands = http.features.slash_commands.map((command: Json) => command.command);
    const names = [...installedSkills, ...fixtureSkills].flatMap((skill) =>
      skill.commands.map((c) => c.name),
    );
    for (const name of ['chatops', 'ask', 'deploy-cluster', 'jira', 'rfp', 'hr', 'digest']) {
      expect(commands).toContain(`/${name}`);
      if (name !== 'chatops') expect(names).toContain(name);
    }
    const deploy = http.features.slash_commands.find(
      (command: Json) => command.command === '/deploy-cluster',
    );
    expect(deploy.usage_hint).toBe(
      'name=<n> platform=k3s|eks|aks|gke env=dev|staging|prod size=small|medium|large',
    );
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
