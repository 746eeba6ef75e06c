import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { falseClaims } from '../support/advertised-commands.ts';

// docs/architecture.md is how a newcomer finds a behaviour from src/main.ts in one hop: it must keep up with
// the code (every file and folder it names exists; every folder of src/ and adapters/ is on it) and, like
// every page people read, name only installed commands.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PAGE = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');

/** Repository paths the page names in backticks (`src/worker/process-task.ts`, `src/agent/approvals`). */
function namedPaths(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/`((?:src|adapters|skills|migrations|manifests|test)\/[\w./-]*)`/g)) {
    found.add((match[1] ?? '').replace(/\/$/, ''));
  }
  return [...found];
}

/** The folders directly under `top` (the web chat's static page is part of adapters/web). */
function folders(top: string): string[] {
  return readdirSync(join(ROOT, top))
    .filter((name) => name !== 'page' && statSync(join(ROOT, top, name)).isDirectory())
    .map((name) => `${top}/${name}`);
}

describe('docs/architecture.md', () => {
  it('names only paths that exist', () => {
    const paths = namedPaths(PAGE);
    expect(paths.length).toBeGreaterThan(40);
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it('places every folder of src/ and adapters/', () => {
    const named = namedPaths(PAGE);
    const missing = [...folders('src'), ...folders('adapters')].filter(
      (folder) => !named.some((path) => path === folder || path.startsWith(`${folder}/`)),
    );
    expect(missing).toEqual([]);
  });

  it('names no command that is not installed, and the README links to it', () => {
    expect(falseClaims(PAGE)).toEqual([]);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('(docs/architecture.md)');
  });
});
