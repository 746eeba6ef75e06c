// Rewrites `.env.example` and the README's configuration table from the variable table in src/config
// (`npm run docs:config`). A unit test fails when either file is out of step.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigTable, renderEnvExample } from '../src/config/env-example.ts';

const root = new URL('../', import.meta.url);
writeFileSync(new URL('.env.example', root), renderEnvExample());
const readmeUrl = new URL('README.md', root);
const readme = readFileSync(readmeUrl, 'utf8').replace(
  /(<!-- config-table:start -->\n)[\s\S]*?(\n<!-- config-table:end -->)/,
  (_all, start: string, end: string) => `${start}${renderConfigTable()}${end}`,
);
writeFileSync(readmeUrl, readme);
console.log('wrote .env.example and the README configuration table');
