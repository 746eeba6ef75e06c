import { isAbsolute } from 'node:path';
import { ChatOpsError } from '../../core/errors.ts';
import type { SourceSpec } from '../domain.ts';
import { type GithubSettings, listGithub, parseGithubSpec } from './github-source.ts';
import { listPath } from './path-source.ts';
import { type SafeFetchOptions, safeFetch } from './safe-fetch.ts';
import type { SourceListing } from './source-item.ts';

export type { SourceItem, SourceListing } from './source-item.ts';

export interface SourceSettings {
  download: SafeFetchOptions;
  github: GithubSettings;
}

/**
 * What people type as a source: `https://…` (a URL), `github:owner/repo[@ref][/folder]`, or (from the CLI
 * only, never from chat or REST: it reads the server's disk) a local path. Anything else with a scheme,
 * such as `file://`, is refused.
 */
export function parseSource(text: string, options: { allowPath: boolean; include?: string }): SourceSpec {
  const trimmed = text.trim();
  if (/^https?:\/\//i.test(trimmed)) return { kind: 'url', url: trimmed };
  if (trimmed.startsWith('github:')) {
    // Throws, naming the part at fault: `..`, absolute or encoded paths and bad names never reach GitHub.
    const github = parseGithubSpec(trimmed);
    return { kind: 'github', ...github, ...(options.include ? { include: options.include } : {}) };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) && !/^[a-z]:[\\/]/i.test(trimmed)) {
    throw new ChatOpsError(
      'FORBIDDEN',
      `Refused to ingest ${trimmed}: only http(s) URLs, GitHub repositories and local paths are sources.`,
      {
        remedy: 'Use https://…, github:owner/repo, or (with the CLI) a path on this machine.',
      },
    );
  }
  if (!options.allowPath) {
    throw new ChatOpsError('FORBIDDEN', `"${trimmed}" is a local path, which only the CLI may ingest.`, {
      remedy:
        'Run `chatops kb ingest <path> --collection <name>` on the machine that has the files, or give a URL.',
    });
  }
  return { kind: 'path', path: isAbsolute(trimmed) ? trimmed : trimmed };
}

export async function listSource(spec: SourceSpec, settings: SourceSettings): Promise<SourceListing> {
  switch (spec.kind) {
    case 'path':
      return listPath(spec.path);
    case 'github':
      return listGithub(spec, settings.github);
    case 'url':
      return {
        uris: [spec.url],
        scope: spec.url,
        read: async (uri) => {
          const fetched = await safeFetch(uri, settings.download);
          return {
            uri,
            name: new URL(fetched.url).pathname,
            mediaType: fetched.contentType,
            bytes: fetched.bytes,
            source: 'url',
          };
        },
      };
  }
}

export function describeSource(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'path':
      return spec.path;
    case 'url':
      return spec.url;
    case 'github':
      return `github:${spec.owner}/${spec.repo}${spec.ref ? `@${spec.ref}` : ''}${spec.path ? `/${spec.path}` : ''}`;
  }
}
