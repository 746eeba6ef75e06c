import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigTable, renderEnvExample } from '../../src/config/env-example.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const ENV_EXAMPLE = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
const CI = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every setting exactly as the config table defines it', () => {
    const table = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(README)?.[1];
    expect(table, 'run `npm run docs:config`').toBe(renderConfigTable());
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
