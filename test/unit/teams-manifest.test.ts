import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../scripts/lib/png.ts';
import {
  buildTeamsManifest,
  commandsLeftOut,
  teamsCommands,
  withTeamsCommands,
} from '../../scripts/lib/teams-manifest.ts';
import { colorIcon, outlineIcon } from '../../scripts/teams-icons.ts';
import { skills } from '../../skills/index.ts';
import { manifestOf } from '../../src/core/index.ts';
import { deploySkill, fixtureSkills } from '../fixtures/skills/manifests.ts';
import { teamsFixtureSkills } from '../fixtures/skills/teams-fixtures.ts';
import { APP_ID } from '../fixtures/teams/activities.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEMPLATE = readFileSync(join(ROOT, 'manifests/teams/manifest.json'), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: tests read the manifest JSON field by field
type Json = any;

describe('Teams app package (manifests/teams)', () => {
  it('has the icons Teams requires: 192x192 colour, 32x32 outline that is white on transparent', () => {
    const color = decodePng(readFileSync(join(ROOT, 'manifests/teams/color.png')));
    const outline = decodePng(readFileSync(join(ROOT, 'manifests/teams/outline.png')));
    expect([color.width, color.height, outline.width, outline.height]).toEqual([192, 192, 32, 32]);
    let drawn = 0;
    for (let offset = 0; offset < outline.pixels.length; offset += 4) {
      const [red, green, blue, alpha] = outline.pixels.subarray(offset, offset + 4);
      if (alpha === 0) continue;
      drawn += 1;
      expect([red, green, blue]).toEqual([255, 255, 255]);
    }
    expect(drawn).toBeGreaterThan(20);
    // The committed icons are exactly what the generator draws.
    expect(readFileSync(join(ROOT, 'manifests/teams/color.png')).equals(colorIcon())).toBe(true);
    expect(readFileSync(join(ROOT, 'manifests/teams/outline.png')).equals(outlineIcon())).toBe(true);
  });

  it('fills in the app id, domain, version and a command menu from the installed skills', () => {
    const manifest = buildTeamsManifest(TEMPLATE, {
      appId: APP_ID,
      domain: 'bot.example.com',
      version: '1.2.3',
      skills: skills.map(manifestOf),
    }) as Json;
    expect(manifest).toMatchObject({
      manifestVersion: '1.19',
      id: APP_ID,
      version: '1.2.3',
      validDomains: ['bot.example.com'],
      bots: [{ botId: APP_ID, scopes: ['personal', 'team', 'groupChat'], supportsFiles: true }],
    });
    expect(JSON.stringify(manifest)).not.toContain('{{');
    expect(
      manifest.bots[0].commandLists[0].commands.map((command: { title: string }) => command.title),
    ).toEqual(['help', 'status', 'run', 'approvals', 'ask', 'kb', 'jira', 'digest', 'deploy-cluster']);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
  });

  it('has the command menu `npm run manifests` writes from the installed skills (never the fixtures)', () => {
    const installed = skills.map(manifestOf);
    expect(JSON.parse(TEMPLATE), 'run `npm run manifests` (manifests/teams/manifest.json is stale)').toEqual(
      JSON.parse(withTeamsCommands(TEMPLATE, installed)),
    );
    const menu = (JSON.parse(TEMPLATE) as Json).bots[0].commandLists[0].commands;
    expect(menu).toEqual(teamsCommands(installed));
    expect(menu.map((command: { title: string }) => command.title)).toEqual(
      installed.flatMap((skill) => skill.commands.map((command) => command.name)).slice(0, 10),
    );
    // A new skill's command joins the menu on the next run, with its own description.
    const added = JSON.parse(withTeamsCommands(TEMPLATE, [...installed, manifestOf(deploySkill)])) as Json;
    expect(added.bots[0].commandLists[0].commands.at(-1)).toEqual({
      title: 'deploy-service',
      description: 'Deploy a service cluster to an environment.',
    });
  });

  it('keeps the menu to the ten commands Teams shows, and names the rest', () => {
    const many = [...skills, ...fixtureSkills, ...teamsFixtureSkills].map(manifestOf);
    expect(many.flatMap((skill) => skill.commands).length).toBeGreaterThan(10);
    const manifest = buildTeamsManifest(TEMPLATE, {
      appId: APP_ID,
      domain: 'bot.example.com',
      version: '1.0.0',
      skills: many,
    }) as Json;
    expect(manifest.bots[0].commandLists[0].commands).toHaveLength(10);
    expect(commandsLeftOut(many).length).toBe(many.flatMap((skill) => skill.commands).length - 10);
  });

  it('refuses values Teams would reject, saying which', () => {
    expect(() =>
      buildTeamsManifest(TEMPLATE, { appId: 'my-bot', domain: 'https://x', version: '1', skills: [] }),
    ).toThrow(
      /app id "my-bot" is not a GUID.*domain "https:\/\/x" is not a host name.*version "1" is not x\.y\.z/,
    );
  });

  it('npm run teams:package writes the uploadable zip', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'teams-package-'));
    try {
      const out = join(directory, 'app.zip');
      await promisify(execFile)(process.execPath, [
        join(ROOT, 'scripts/teams-package.ts'),
        '--domain',
        'bot.example.com',
        '--app-id',
        APP_ID,
        '--out',
        out,
      ]);
      const files = unzipSync(readFileSync(out));
      expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
      const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
      expect(manifest.id).toBe(APP_ID);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
