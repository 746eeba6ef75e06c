// Regenerates the trimmed vendor specs in test/fixtures/specs from the full files (`npm run specs:trim`),
// as test/support/contract/kept-specs.ts lists them. `--check` writes nothing and fails when the copies
// differ from what would be generated (CI runs it); `--from <folder>` reads the full files from elsewhere
// than ../shared/specs.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderTrimmedSpecs } from './lib/trimmed-specs.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const target = `${root}test/fixtures/specs`;
const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    from: { type: 'string', default: `${root}../shared/specs` },
  },
});
const source = resolve(values.from);

let wanted: Map<string, Buffer>;
try {
  wanted = renderTrimmedSpecs(source);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  console.error(
    'Put the full vendor files there (see test/fixtures/specs/README.md for their sources) or pass --from <folder>.',
  );
  process.exit(1);
}
const present = new Set(listFiles(target));

if (values.check) {
  const stale = [...wanted].filter(([file, content]) => !present.has(file) || !sameContent(file, content));
  const extra = [...present].filter((file) => !wanted.has(file));
  if (stale.length === 0 && extra.length === 0) {
    console.log(`test/fixtures/specs is up to date with ${source} (${wanted.size} files)`);
    process.exit(0);
  }
  for (const [file] of stale) console.error(`out of date: test/fixtures/specs/${file}`);
  for (const file of extra) console.error(`not generated: test/fixtures/specs/${file}`);
  console.error('Run `npm run specs:trim` and commit the result.');
  process.exit(1);
}

for (const file of present) if (!wanted.has(file)) rmSync(`${target}/${file}`);
for (const [file, content] of wanted) {
  mkdirSync(dirname(`${target}/${file}`), { recursive: true });
  writeFileSync(`${target}/${file}`, content);
}
const total = [...wanted.values()].reduce((sum, content) => sum + content.length, 0);
console.log(
  `wrote ${wanted.size} files (${total.toLocaleString('en-US')} bytes) to test/fixtures/specs from ${source}`,
);

function sameContent(file: string, content: Buffer): boolean {
  return readFileSync(`${target}/${file}`).equals(content);
}

function listFiles(directory: string): string[] {
  try {
    return readdirSync(directory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(directory, `${entry.parentPath}/${entry.name}`));
  } catch {
    return [];
  }
}
