import { describe, expect, it } from 'vitest';
import { isChatOpsError } from '../../src/core/errors.ts';
import { listGithub } from '../../src/knowledge/sources/github-source.ts';
import { parseSource } from '../../src/knowledge/sources/index.ts';

// `github:` knowledge sources (issue 14): the owner, repository and ref go into GitHub API paths and the
// folder into document addresses, so path tricks are refused with the reason, before any request is made.
const parse = (text: string) => parseSource(text, { allowPath: false });

function refusal(text: string): string {
  try {
    parse(text);
  } catch (error) {
    if (isChatOpsError(error) && error.code === 'VALIDATION_FAILED') {
      expect(error.remedy).toContain('github:owner/repo');
      return error.message;
    }
    throw error;
  }
  throw new Error(`${text} was accepted`);
}

describe('github: sources', () => {
  it.each([
    ['github:acme/handbook', { owner: 'acme', repo: 'handbook' }],
    ['github:acme/handbook@main', { owner: 'acme', repo: 'handbook', ref: 'main' }],
    ['github:acme/handbook@v1.2.3/docs', { owner: 'acme', repo: 'handbook', ref: 'v1.2.3', path: 'docs' }],
    ['github:acme/.github/profile', { owner: 'acme', repo: '.github', path: 'profile' }],
    [
      'github:octo-cat_acme/my.repo/docs/on call/',
      { owner: 'octo-cat_acme', repo: 'my.repo', path: 'docs/on call' },
    ],
    [
      'github:acme/handbook@3f786850e387550fdab836ed7e6dc881de23001b/a/b.c/..d',
      { owner: 'acme', repo: 'handbook', ref: '3f786850e387550fdab836ed7e6dc881de23001b', path: 'a/b.c/..d' },
    ],
  ])('accepts %s', (text, spec) => {
    expect(parse(text)).toEqual({ kind: 'github', ...spec });
  });

  it.each([
    ['github:../../etc', 'the owner ".." is not a GitHub account name'],
    ['github:acme/..', 'the repository ".." is not a repository name'],
    ['github:acme/.', 'the repository "." is not a repository name'],
    ['github:acme/handbook/../../../etc', 'the folder holds ".."'],
    ['github:acme/handbook/docs/../..', 'the folder holds ".."'],
    ['github:acme/handbook/./docs', 'the folder holds "."'],
    ['github:acme/handbook//etc/passwd', 'the folder is an absolute path'],
    ['github:acme/handbook/docs//secret', 'the folder has an empty segment'],
    ['github:acme/handbook/%2e%2e/%2e%2e', 'it is percent-encoded'],
    ['github:acme/handbook/docs%2F..%2F..', 'it is percent-encoded'],
    ['github:acme/handbook/..\\..\\etc', 'it holds a backslash'],
    ['github:acme\\handbook', 'it holds a backslash'],
    ['github:acme/handbook/docs\u0000.md', 'it holds a control character'],
    ['github:acme/handbook@../../x', 'the ref ".." is not a branch'],
    ['github:acme/handbook@main..evil', 'the ref "main..evil" is not a branch'],
    ['github:acme/handbook@-x', 'the ref "-x" is not a branch'],
    ['github:acme/handbook@main.lock', 'the ref "main.lock" is not a branch'],
    ['github:-acme/handbook', 'the owner "-acme" is not a GitHub account name'],
    ['github:acme', 'the repository "" is not a repository name'],
    ['github:/etc/passwd', 'the owner "" is not a GitHub account name'],
  ])('refuses %s', (text, reason) => {
    expect(refusal(text)).toContain(reason);
  });

  it('checks a stored spec again before it reaches the API', async () => {
    const stored = { owner: 'acme', repo: 'handbook', path: '../../etc' };
    await expect(
      listGithub(stored, { apiUrl: 'https://api.github.com', token: undefined }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('the folder holds ".."'),
    });
  });
});
