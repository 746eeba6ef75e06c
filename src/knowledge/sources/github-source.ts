import { Octokit } from '@octokit/rest';
import { ChatOpsError } from '../../core/errors.ts';
import { checkGithubSpec, type GithubSpec } from './github-spec.ts';
import { supported } from './path-source.ts';
import type { SourceListing } from './source-item.ts';

export type { GithubSpec } from './github-spec.ts';
export { parseGithubSpec } from './github-spec.ts';

export interface GithubSettings {
  apiUrl: string;
  token: string | undefined;
}

/**
 * A GitHub repository's documents through the REST API (`@octokit/rest`): one recursive tree listing of
 * the ref, filtered by path prefix and glob, then each file's blob. Documents are stored under their web
 * URL (`https://github.com/owner/repo/blob/<ref>/<path>`), which is also what answers link to.
 */
export async function listGithub(spec: GithubSpec, settings: GithubSettings): Promise<SourceListing> {
  // Specs stored with a collection (re-syncs) are checked again: their parts go into API paths.
  checkGithubSpec(spec);
  const octokit = new Octokit({
    baseUrl: settings.apiUrl.replace(/\/$/, ''),
    ...(settings.token ? { auth: settings.token } : {}),
    userAgent: 'chatops-knowledge',
    request: { retries: 0 },
  });
  const ref = spec.ref ?? 'HEAD';
  const tree = await call(spec, () =>
    octokit.rest.git.getTree({ owner: spec.owner, repo: spec.repo, tree_sha: ref, recursive: 'true' }),
  );
  const prefix = spec.path ? `${spec.path}/` : '';
  const matcher = spec.include ? globMatcher(spec.include) : null;
  const blobs = new Map<string, { path: string; sha: string }>();
  const web = `${webBase(settings.apiUrl)}/${spec.owner}/${spec.repo}/blob/${ref}/`;
  for (const entry of tree.data.tree) {
    if (entry.type !== 'blob' || !entry.path || !entry.sha) continue;
    if (prefix && !entry.path.startsWith(prefix)) continue;
    if (matcher ? !matcher(entry.path) : !supported(entry.path)) continue;
    blobs.set(`${web}${entry.path}`, { path: entry.path, sha: entry.sha });
  }
  if (tree.data.truncated) {
    throw new ChatOpsError(
      'VALIDATION_FAILED',
      `${spec.owner}/${spec.repo} is too large to list in one tree.`,
      {
        remedy: 'Ingest a folder of it instead: github:owner/repo/docs.',
      },
    );
  }
  return {
    uris: [...blobs.keys()],
    scope: `${web}${prefix}`,
    async read(uri) {
      const blob = blobs.get(uri);
      if (!blob) throw new ChatOpsError('NOT_FOUND', `${uri} is not in the repository listing.`);
      const answer = await call(spec, () =>
        octokit.rest.git.getBlob({ owner: spec.owner, repo: spec.repo, file_sha: blob.sha }),
      );
      const bytes = Buffer.from(answer.data.content, answer.data.encoding === 'base64' ? 'base64' : 'utf8');
      return { uri, name: blob.path, bytes: new Uint8Array(bytes), source: 'github' };
    },
  };
}

/** api.github.com → https://github.com; GitHub Enterprise https://host/api/v3 → https://host. */
function webBase(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.protocol}//${url.host}`;
}

async function call<T>(spec: GithubSpec, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const status = (error as { status?: number }).status ?? 0;
    const where = `${spec.owner}/${spec.repo}`;
    if (status === 404) {
      throw new ChatOpsError(
        'NOT_FOUND',
        `GitHub has no repository or ref ${where}@${spec.ref ?? 'HEAD'} (or the token may not read it).`,
        {
          remedy: 'Check owner, repository and ref; private repositories need GITHUB_TOKEN.',
        },
      );
    }
    if (status === 401 || status === 403) {
      throw new ChatOpsError('FORBIDDEN', `GitHub refused access to ${where} (${status}).`, {
        remedy:
          'Set GITHUB_TOKEN to a token that may read the repository contents (or wait for the rate limit).',
      });
    }
    throw new ChatOpsError(
      'DEPENDENCY_UNAVAILABLE',
      `GitHub failed for ${where}: ${(error as Error).message}`,
      {
        remedy: 'Try again later; check GITHUB_API_URL.',
        cause: error,
      },
    );
  }
}

/** A small glob: `*` within a path segment, `**` across segments, `?` one character. */
export function globMatcher(glob: string): (path: string) => boolean {
  let pattern = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index] ?? '';
    if (char === '*' && glob[index + 1] === '*') {
      pattern += glob[index + 2] === '/' ? '(?:.*/)?' : '.*';
      index += glob[index + 2] === '/' ? 2 : 1;
    } else if (char === '*') pattern += '[^/]*';
    else if (char === '?') pattern += '[^/]';
    else pattern += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const regex = new RegExp(`^${pattern}$`);
  return (path) => regex.test(path);
}
