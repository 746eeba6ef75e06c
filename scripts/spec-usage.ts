// `npm run specs:usage [-- <test files>]`: runs the tests (all, or those named) with the contract harness
// reading the full vendor files (../shared/specs, or --from <folder>) and recording what it loads, then
// lists each operation, schema, Slack method, sample and JSON Schema that test/support/contract/kept-specs.ts
// does not keep, so the trimmed copies can be extended before the tests move to them. Exits 1 when any is missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KEPT_SPECS, type KeptOpenApi } from '../test/support/contract/kept-specs.ts';
import { type ContractSpec, SPEC_FILES } from '../test/support/contract/spec-files.ts';
import type { SpecUsage } from '../test/support/contract/usage.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { from: { type: 'string', default: `${root}../shared/specs` } },
});
const scratch = mkdtempSync(`${tmpdir()}/spec-usage-`);
const log = `${scratch}/usage.jsonl`;
const run = spawnSync('bash', [`${root}scripts/test`, ...positionals], {
  stdio: 'inherit',
  env: { ...process.env, CONTRACT_SPECS_DIRECTORY: resolve(values.from), CONTRACT_USAGE_LOG: log },
});
let lines: string[] = [];
try {
  lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
} catch {
  // No test loaded anything from a spec.
}
rmSync(scratch, { recursive: true, force: true });

const used = [...new Set(lines)].map((line) => JSON.parse(line) as SpecUsage);
const missing = [...new Set(used.map(missingFromKeptList).filter((entry) => entry !== null))].sort();
console.log(`\nThe tests loaded ${used.length} parts of the vendor specs.`);
if (missing.length === 0) console.log('test/support/contract/kept-specs.ts keeps all of them.');
else {
  console.log('test/support/contract/kept-specs.ts lacks (add them, then `npm run specs:trim`):');
  for (const entry of missing) console.log(`  - ${entry}`);
}
if (run.status !== 0) console.log(`The tests themselves failed (exit ${run.status}).`);
process.exit(missing.length > 0 || run.status !== 0 ? 1 : 0);

function missingFromKeptList(usage: SpecUsage): string | null {
  switch (usage.kind) {
    case 'operation': {
      const operation = `${usage.method.toUpperCase()} ${usage.path}`;
      return keptOpenApi(usage.spec)?.operations.includes(operation) ? null : `${usage.spec}: ${operation}`;
    }
    case 'schema':
      return keptOpenApi(usage.spec)?.schemas?.includes(usage.schema)
        ? null
        : `${usage.spec}: schema ${usage.schema}`;
    case 'slack-method':
      return keptOpenApi('slack-web')?.operations.some((entry) => entry.endsWith(` /${usage.method}`))
        ? null
        : `slack-web: method ${usage.method}`;
    case 'sample':
    case 'json-schema':
      return KEPT_SPECS.some((kept) => kept.kind === 'whole' && kept.files.includes(usage.file))
        ? null
        : `whole file ${usage.file}`;
  }
}

function keptOpenApi(spec: string): KeptOpenApi | undefined {
  const file = SPEC_FILES[spec as ContractSpec];
  return KEPT_SPECS.find((kept): kept is KeptOpenApi => kept.kind === 'openapi' && kept.file === file);
}
