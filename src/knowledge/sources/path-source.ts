import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { ChatOpsError } from '../../core/errors.ts';
import { SUPPORTED_EXTENSIONS } from '../parse/index.ts';
import type { SourceListing } from './source-item.ts';

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'build', '.cache']);

/** A file, or every supported file under a directory (hidden and dependency folders skipped). */
export async function listPath(path: string): Promise<SourceListing> {
  const root = resolve(path);
  const info = await stat(root).catch((error: unknown) => {
    throw new ChatOpsError('NOT_FOUND', `${root} does not exist.`, {
      remedy: 'Check the path.',
      cause: error,
    });
  });
  const uris = info.isDirectory() ? await walk(root) : [root];
  if (uris.length === 0) {
    throw new ChatOpsError('VALIDATION_FAILED', `${root} has no documents the knowledge base reads.`, {
      remedy: `Supported files end in .${SUPPORTED_EXTENSIONS.join(', .')}.`,
    });
  }
  return {
    uris,
    scope: info.isDirectory() ? `${root}${sep}` : root,
    read: async (uri) => ({
      uri,
      name: basename(uri),
      bytes: new Uint8Array(await readFile(uri)),
      source: 'path',
    }),
  };
}

async function walk(directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIPPED_DIRECTORIES.has(entry.name)) continue;
    const full = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(full)));
    else if (entry.isFile() && supported(entry.name)) found.push(full);
  }
  return found.sort();
}

export function supported(name: string): boolean {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return extension !== undefined && SUPPORTED_EXTENSIONS.includes(extension);
}
