/**
 * Summarises V8 CPU profiles (`node --cpu-prof`), for profiling the bot's processes under the pipeline
 * benchmark:
 *
 *   BENCH_CHILD_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" node bench/pipeline.ts
 *   node bench/cpuprofile-top.ts /tmp/prof/CPU.*.cpuprofile
 *
 * For each profile: busy time by component (self time of each package, ours, Node internals, GC), the same
 * time attributed to the nearest non-Node frame (who caused the socket writes and stream work), and the top
 * functions by self time.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function component(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program: native, not JS)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  if (url.startsWith('node:'))
    return `node:${url.slice(5).split('/')[url.startsWith('node:internal') ? 1 : 0] ?? ''}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] ?? 'node_modules';
  const own = /\/(src\/[^/]+|adapters\/[^/]+|skills\/[^/]+|bin|migrations)\//.exec(url);
  if (own) return `ours: ${own[1]}`;
  return url;
}

function isNode(frame: CallFrame): boolean {
  return !frame.url || frame.url.startsWith('node:');
}

function summarise(path: string, top: number): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<number, number>();
  for (const [index, id] of profile.samples.entries()) {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  }
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  let idle = 0;
  const byComponent = new Map<string, number>();
  const byCaller = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, micros] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const name = component(node.callFrame);
    if (name === '(idle)') {
      idle += micros;
      continue;
    }
    byComponent.set(name, (byComponent.get(name) ?? 0) + micros);
    // Nearest frame that is not Node itself: who asked for this work.
    let cursor: number | undefined = id;
    let caller = name;
    while (cursor !== undefined) {
      const frame = byId.get(cursor)?.callFrame;
      if (frame && !isNode(frame)) {
        caller = component(frame);
        break;
      }
      cursor = parent.get(cursor);
    }
    if (cursor === undefined && isNode(node.callFrame))
      caller = `${name} (no JS caller: event loop, I/O callbacks)`;
    byCaller.set(caller, (byCaller.get(caller) ?? 0) + micros);
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'}  ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|skills|adapters|bin)\//, '$1/')}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
  }
  const busy = total - idle;
  const wall = (profile.endTime - profile.startTime) / 1e6;
  const pct = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)}%`;
  const list = (map: Map<string, number>, count: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, micros]) => `    ${pct(micros)}  ${(micros / 1e6).toFixed(2).padStart(7)} s  ${name}`)
      .join('\n');
  console.log(
    `\n${path}\n  wall ${wall.toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (samples while not idle)`,
  );
  console.log(`  busy time by component (self):\n${list(byComponent, 18)}`);
  console.log(`  busy time by nearest non-Node caller:\n${list(byCaller, 14)}`);
  console.log(`  top functions (self):\n${list(byFunction, top)}`);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/cpuprofile-top.ts <file.cpuprofile>… (TOP=30 for more functions)');
  process.exit(2);
}
for (const file of files) summarise(file, Number(process.env.TOP ?? 25));
