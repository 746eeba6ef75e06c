#!/usr/bin/env node
// The `chatops` command. The source is TypeScript run directly by Node's type stripping (Node 22.18+),
// so there is no build step; on an older Node, say what to install instead of failing obscurely.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `chatops needs Node.js 22.18 or newer; this is ${process.version}.\n` +
      'Install Node 22 LTS (https://nodejs.org), or run `bash scripts/dev`, which fetches Node 22 for this project.\n',
  );
  process.exit(1);
}
const { main } = await import('../src/cli/main.ts');
await main();
