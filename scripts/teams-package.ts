// `npm run teams:package -- --domain bot.example.com [--app-id <GUID>] [--out teams-app.zip]`: the Teams app
// package to upload (sideload) or publish: manifest.json with your app id, domain and the bot's command menu,
// plus the two icons. The app id defaults to TEAMS_APP_ID.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { zipSync } from 'fflate';
import { skills } from '../skills/index.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { manifestOf } from '../src/core/index.ts';
import { buildTeamsManifest, commandsLeftOut } from './lib/teams-manifest.ts';

const { values } = parseArgs({
  options: {
    domain: { type: 'string' },
    'app-id': { type: 'string' },
    out: { type: 'string', default: 'teams-app.zip' },
  },
});
const directory = new URL('../manifests/teams/', import.meta.url);
const appId = values['app-id'] ?? loadConfig(undefined, 'cli').teams.appId ?? '';
if (!values.domain || !appId) {
  console.error(
    'Usage: npm run teams:package -- --domain <gateway host, e.g. bot.example.com> [--app-id <Microsoft App ID>] [--out teams-app.zip]\n' +
      'The app id defaults to TEAMS_APP_ID; the domain is where /api/messages is reachable.',
  );
  process.exit(2);
}
const installed = skills.map(manifestOf);
const manifest = buildTeamsManifest(readFileSync(new URL('manifest.json', directory), 'utf8'), {
  appId,
  domain: values.domain,
  version: (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version,
  skills: installed,
});
const zip = zipSync(
  {
    'manifest.json': new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
    'color.png': readFileSync(new URL('color.png', directory)),
    'outline.png': readFileSync(new URL('outline.png', directory)),
  },
  { level: 9, mtime: new Date('2026-01-01T00:00:00Z') },
);
const out = resolve(values.out);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, zip);
const left = commandsLeftOut(installed);
console.log(
  `wrote ${out} (${zip.length} bytes): upload it in Teams under Apps → Manage your apps → Upload an app.`,
);
if (left.length > 0)
  console.log(`Not in the command menu (Teams shows ten; they still work typed): ${left.join(', ')}`);
