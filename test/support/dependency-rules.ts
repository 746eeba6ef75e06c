import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * DESIGN.md's dependency rule as code: `src/core` imports nothing else of ours; adapters and skills import
 * `src/core`, never each other; only `src/main.ts` (and its parts in `src/wiring/`, which keep
 * it short) wires concrete things (adapters, skills) together; no
 * `process.env` outside `src/config`; skills never touch the ORM, the queue or a platform SDK.
 */
export interface SourceFile {
  path: string;
  text: string;
}

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
const INFRASTRUCTURE =
  /^(@mikro-orm\/|bullmq|ioredis|kysely|pg$|@electric-sql\/|@slack\/|@microsoft\/|botbuilder)/;

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

export function violations(files: SourceFile[]): string[] {
  const problems: string[] = [];
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
