import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const text = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const engines = (JSON.parse(text('package.json')) as { engines: { node: string } }).engines.node;
const minimum = /^>=(\d+\.\d+\.\d+)$/.exec(engines)?.[1] ?? '';
const [major = 0, minor = 0, patch = 0] = minimum.split('.').map(Number);
const justBelow =
  patch > 0
    ? `${major}.${minor}.${patch - 1}`
    : minor > 0
      ? `${major}.${minor - 1}.99`
      : `${major - 1}.99.99`;
const scratch = mkdtempSync(`${tmpdir()}/node-version-`);

// A `node` that reports another version (Node lets a preloaded module redefine process.versions.node),
// and an `npm` that only records that it was asked to install something.
function fakeTools(version: string): string {
  const directory = `${scratch}/${version}`;
  mkdirSync(directory, { recursive: true });
  const preload = `data:text/javascript,Object.defineProperty(process.versions,'node',{value:'${version}'});Object.defineProperty(process,'version',{value:'v${version}'})`;
  writeFileSync(`${directory}/node`, `#!/bin/sh\nexec '${process.execPath}' --import "${preload}" "$@"\n`);
  writeFileSync(`${directory}/npm`, `#!/bin/sh\necho "npm $*" >> '${directory}/npm.log'\nexit 1\n`);
  chmodSync(`${directory}/node`, 0o755);
  chmodSync(`${directory}/npm`, 0o755);
  return directory;
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// One minimum Node version, said in three places: what npm enforces, what the `chatops` command checks,
// and what the project's scripts provide. They must agree, or one of them lets through a Node that fails.
describe('the minimum Node version', () => {
  it('is the same in package.json engines, bin/chatops.js and scripts/lib/node.sh', () => {
    expect(minimum).toMatch(/^\d+\.\d+\.\d+$/);
    expect(/const MINIMUM_NODE = '([^']+)'/.exec(text('bin/chatops.js'))?.[1]).toBe(minimum);
    expect(/^chatops_node_minimum=(\S+)$/m.exec(text('scripts/lib/node.sh'))?.[1]).toBe(minimum);
  });

  it('bin/chatops.js runs on the minimum and refuses the version just below it, naming what to install', () => {
    const run = (version: string) =>
      spawnSync(`${fakeTools(version)}/node`, [new URL('bin/chatops.js', root).pathname, '--help'], {
        encoding: 'utf8',
      });
    const below = run(justBelow);
    expect(below.status).toBe(1);
    expect(below.stderr).toContain(`chatops needs Node.js ${minimum} or newer; this is v${justBelow}`);
    const atMinimum = run(minimum);
    expect(atMinimum.stderr).not.toContain('needs Node.js');
    expect(atMinimum.status).toBe(0);
  });

  it('scripts/lib/node.sh keeps a Node at the minimum and installs Node 22 for one below it', () => {
    // A copy of the script in a folder with no .tools/node, so it cannot fall back on this checkout's.
    const project = `${scratch}/project`;
    mkdirSync(`${project}/scripts/lib`, { recursive: true });
    copyFileSync(new URL('scripts/lib/node.sh', root), `${project}/scripts/lib/node.sh`);
    const source = (version: string) => {
      const tools = fakeTools(version);
      const result = spawnSync(
        'bash',
        ['-c', `source '${project}/scripts/lib/node.sh' && node -p process.version`],
        {
          encoding: 'utf8',
          env: { PATH: `${tools}:/usr/bin:/bin` },
          // Not a pipe: bash takes a socket on stdin for a remote shell and would read ~/.bashrc.
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const npm = spawnSync('cat', [`${tools}/npm.log`], { encoding: 'utf8' }).stdout;
      return { ...result, npm };
    };
    const atMinimum = source(minimum);
    expect(atMinimum.status).toBe(0);
    expect(atMinimum.stdout.trim()).toBe(`v${minimum}`);
    expect(atMinimum.npm).toBe('');
    const below = source(justBelow);
    expect(below.stderr).toContain(`Node.js ${minimum}+ is required`);
    expect(below.npm).toContain('node@22');
    expect(below.status).not.toBe(0);
  });
});
