#!/usr/bin/env node
// The `chatops` command. The source is TypeScript run directly by Node's type stripping (Node 22.18+),
// so there is no build step; on an older Node, say what to install instead of failing obscurely.
// MINIMUM_NODE, package.json's "engines" and scripts/lib/node.sh agree (test/unit/node-version.test.ts).
const MINIMUM_NODE = '22.18.0';
const have = process.versions.node.split('.').map(Number);
const need = MINIMUM_NODE.split('.').map(Number);
const index = have.findIndex((part, at) => part !== need[at]);
if (index !== -1 && have[index] < need[index]) {
  process.stderr.write(
    `chatops needs Node.js ${MINIMUM_NODE} or newer; this is ${process.version}.\n` +
      'Install Node 22 LTS (https://nodejs.org), or run `bash scripts/dev`, which fetches Node 22 for this project.\n',
  );
  process.exit(1);
}
const { main } = await import('../src/cli/main.ts');
await main();
