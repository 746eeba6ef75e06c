import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * DESIGN.md's dependency rule as code: `src/core` imports nothing else of ours; adapters and skills import
 * `src/core`, never each other; only `src/main.ts` (and its parts in `src/wiring/`, which keep
 * it short) wires concrete things (adapters, skills) together; no
 * `process.env` outside `src/config`; skills never touch the ORM, the queue or a platform SDK. And, so the
 * layers stay where docs/architecture.md draws them: adapters never touch the queue or the ORM (they reach
 * storage through ports) nor another platform's SDK; `src/queue` sits below the agent and the worker and
 * imports neither; `src/knowledge` owns its domain types, so it imports from `src/db` stores and queries,
 * never a type declared there.
 */
export interface SourceFile {
  path: string;
  text: string;
}

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
const INFRASTRUCTURE =
  /^(@mikro-orm\/|bullmq|ioredis|kysely|pg$|@electric-sql\/|@slack\/|@microsoft\/|botbuilder)/;
const QUEUE_OR_ORM = /^(bullmq|ioredis|@mikro-orm\/|kysely|pg$|pg\/|@electric-sql\/)/;
const PLATFORM_SDKS: Readonly<Record<string, RegExp>> = {
  'adapters/slack': /^(@microsoft\/|botbuilder)/,
  'adapters/teams': /^@slack\//,
  'adapters/web': /^(@slack\/|@microsoft\/|botbuilder)/,
};
/** The database connection is infrastructure a store is built with, not a domain type. */
const CONNECTION_TYPES = new Set(['Database', 'SqlFunction']);
const NAMED_IMPORT = /import\s+(type\s+)?\{([^}]*)\}\s*from\s+['"]([^'"]+)['"]/g;

export function importsOf(file: SourceFile): string[] {
  const specifiers: string[] = [];
  for (const match of file.text.matchAll(IMPORT)) specifiers.push(match[1] ?? match[2] ?? match[3] ?? '');
  return specifiers;
}

function area(path: string): string {
  const [top, second] = path.split('/');
  if (top === 'src')
    return second === 'core'
      ? 'core'
      : second === 'main.ts' || second === 'wiring'
        ? 'main'
        : second === 'config'
          ? 'config'
          : 'runtime';
  if (top === 'adapters' || top === 'skills')
    return second && second !== 'index.ts' ? `${top}/${second}` : top;
  return top ?? '';
}

/** The names a file imports by name from each specifier (`import { a, type B } from '…'`). */
function namedImports(file: SourceFile): { specifier: string; names: string[] }[] {
  return [...file.text.matchAll(NAMED_IMPORT)].map((match) => ({
    specifier: match[3] ?? '',
    names: (match[2] ?? '')
      .split(',')
      .map(
        (entry) =>
          entry
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0] ?? '',
      )
      .filter(Boolean),
  }));
}

/** True when `text` declares `name` as a type or interface (or re-exports it as a type). */
function declaresType(text: string, name: string): boolean {
  const declared = new RegExp(`export\\s+(declare\\s+)?(interface|type)\\s+${name}\\b`);
  const reexported = new RegExp(`export\\s+type\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`);
  const reexportedAsType = new RegExp(`export\\s*\\{[^}]*\\btype\\s+${name}\\b[^}]*\\}`);
  return declared.test(text) || reexported.test(text) || reexportedAsType.test(text);
}

export function violations(files: SourceFile[]): string[] {
  const problems: string[] = [];
  const byPath = new Map(files.map((file) => [file.path, file.text]));
  for (const file of files) {
    const from = area(file.path);
    if (
      /\bprocess\.env\b/.test(file.text) &&
      from !== 'config' &&
      /^(src|adapters|skills|migrations)\//.test(file.path)
    ) {
      problems.push(`${file.path}: reads process.env (only src/config may)`);
    }
    for (const specifier of importsOf(file)) {
      const relativeImport = specifier.startsWith('.');
      const target = relativeImport ? normalize(join(dirname(file.path), specifier)) : null;
      const to = target ? area(target) : null;
      const say = (rule: string) => problems.push(`${file.path} imports ${specifier}: ${rule}`);
      if (from === 'core' && target && to !== 'core') say('src/core imports nothing else of ours');
      if (from === 'core' && !target && !specifier.startsWith('node:') && specifier !== 'zod')
        say('src/core may only use zod and node built-ins');
      if (from.startsWith('adapters/') && to && to !== from && to !== 'core')
        say('an adapter imports only src/core and itself');
      if (from.startsWith('skills/') && to && to !== from && to !== 'core')
        say('a skill imports only src/core and itself');
      if ((from.startsWith('skills') || from === 'core') && !target && INFRASTRUCTURE.test(specifier))
        say('no ORM, queue or platform SDK here');
      if (from === 'skills' && to && to !== 'core' && !to.startsWith('skills/'))
        say('skills/index.ts lists skills only');
      if (['runtime', 'config', 'core'].includes(from) && to && /^(adapters|skills)/.test(to))
        say('only src/main.ts wires adapters and skills in');
      if (from.startsWith('adapters/') && !target && QUEUE_OR_ORM.test(specifier))
        say('an adapter never uses the queue or the ORM (storage reaches it through its ports)');
      if (!target && PLATFORM_SDKS[from]?.test(specifier))
        say(`${from} never imports another platform's SDK`);
      if (file.path.startsWith('src/queue/') && target && /^src\/(agent|worker)\//.test(target))
        say('src/queue sits below the agent and the worker: it imports neither');
    }
    if (!file.path.startsWith('src/knowledge/')) continue;
    for (const { specifier, names } of namedImports(file)) {
      const target = specifier.startsWith('.') ? normalize(join(dirname(file.path), specifier)) : '';
      const text = target.startsWith('src/db/') ? byPath.get(target) : undefined;
      for (const name of names) {
        if (text === undefined || CONNECTION_TYPES.has(name) || !declaresType(text, name)) continue;
        problems.push(
          `${file.path} imports ${name} from ${specifier}: a knowledge domain type lives in src/knowledge (src/db imports it from there)`,
        );
      }
    }
  }
  return problems;
}

export function readSources(root: string, folders: string[]): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (directory: string) => {
    for (const name of readdirSync(directory)) {
      const full = join(directory, name);
      if (name === 'node_modules' || name === 'page') continue;
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts'))
        files.push({ path: relative(root, full), text: readFileSync(full, 'utf8') });
    }
  };
  for (const folder of folders) walk(join(root, folder));
  return files;
}
