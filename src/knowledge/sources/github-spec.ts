import { ChatOpsError } from '../../core/errors.ts';

/**
 * `github:owner/repo[@ref][/folder]`, checked part by part. The owner, repository and ref go into GitHub API
 * paths (`/repos/{owner}/{repo}/git/trees/{ref}`) and the folder into the documents' web addresses, so
 * anything that could walk out of them is refused with the reason: `..` and `.`, absolute paths, empty
 * segments, backslashes, percent-encoding (`%2e%2e`), control characters, and names GitHub itself would
 * not accept.
 */
export interface GithubSpec {
  owner: string;
  repo: string;
  ref?: string;
  /** Only files under this folder (`docs`). */
  path?: string;
  /** Only files matching this glob (`**\/*.md`); default: every supported document type. */
  include?: string;
}

const PREFIX = 'github:';
// Accounts: letters, digits and hyphens (and `_shortcode` of enterprise managed users), up to 39.
const OWNER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$/;
const REPOSITORY = /^[A-Za-z0-9_.-]{1,100}$/;
// A branch, tag or commit without slashes (a slash starts the folder), as `git check-ref-format` allows.
const REF = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,254}$/;
const MAX_PATH = 1000;

/** `github:owner/repo[@ref][/path]` → its parts; throws, naming the part at fault, when it is not that. */
export function parseGithubSpec(text: string): GithubSpec {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PREFIX)) refuse(trimmed, 'it does not start with github:');
  const rest = trimmed.slice(PREFIX.length);
  checkCharacters(trimmed, rest);
  const [owner = '', repoAndRef = '', ...folders] = rest.split('/');
  const at = repoAndRef.indexOf('@');
  const repo = at < 0 ? repoAndRef : repoAndRef.slice(0, at);
  const ref = at < 0 ? undefined : repoAndRef.slice(at + 1);
  // A trailing slash is harmless (`github:acme/handbook/docs/`); any other empty segment is not.
  const path = folders.join('/').replace(/\/$/, '');
  const spec: GithubSpec = { owner, repo, ...(ref !== undefined ? { ref } : {}), ...(path ? { path } : {}) };
  checkGithubSpec(spec, trimmed);
  return spec;
}

/**
 * Checks the parts of a spec (parsed here, or stored with a collection before these checks existed);
 * throws VALIDATION_FAILED naming the part at fault.
 */
export function checkGithubSpec(spec: GithubSpec, shown = describe(spec)): void {
  if (!OWNER.test(spec.owner)) {
    refuse(shown, `the owner "${spec.owner}" is not a GitHub account name (letters, digits and hyphens)`);
  }
  if (!REPOSITORY.test(spec.repo) || spec.repo === '.' || spec.repo === '..') {
    refuse(shown, `the repository "${spec.repo}" is not a repository name (letters, digits, ".", "_", "-")`);
  }
  if (spec.ref !== undefined) {
    const ref = spec.ref;
    if (!REF.test(ref) || ref.includes('..') || ref.endsWith('.') || ref.endsWith('.lock')) {
      refuse(shown, `the ref "${ref}" is not a branch, tag or commit name`);
    }
  }
  if (spec.path !== undefined) checkPath(spec.path, shown);
}

function checkPath(path: string, shown: string): void {
  if (path.length > MAX_PATH) refuse(shown, `the folder is longer than ${MAX_PATH} characters`);
  if (path.startsWith('/')) refuse(shown, 'the folder is an absolute path (or holds an empty segment)');
  for (const segment of path.split('/')) {
    if (segment === '') refuse(shown, 'the folder has an empty segment ("//")');
    if (segment === '..' || segment === '.') {
      refuse(shown, `the folder holds "${segment}", which would leave the repository's folder`);
    }
    if (segment.trim() !== segment)
      refuse(shown, `the folder segment "${segment}" starts or ends with a space`);
  }
}

function checkCharacters(shown: string, rest: string): void {
  if (rest.includes('\\')) refuse(shown, 'it holds a backslash; folders are separated by "/"');
  if (rest.includes('%'))
    refuse(shown, 'it is percent-encoded (such as %2e%2e); write the names as they are');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here
  if (/[\u0000-\u001f\u007f]/.test(rest)) refuse(shown, 'it holds a control character');
  if (/[\s]/.test(rest.split('/').slice(0, 2).join('/'))) {
    refuse(shown, 'the owner, repository or ref holds a space');
  }
}

function describe(spec: GithubSpec): string {
  return `${PREFIX}${spec.owner}/${spec.repo}${spec.ref ? `@${spec.ref}` : ''}${spec.path ? `/${spec.path}` : ''}`;
}

function refuse(shown: string, reason: string): never {
  throw new ChatOpsError('VALIDATION_FAILED', `"${shown.slice(0, 300)}" is not a GitHub source: ${reason}.`, {
    remedy: 'Write github:owner/repo, optionally with @ref and a folder: github:acme/handbook@main/docs.',
  });
}
