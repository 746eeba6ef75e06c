import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import type { KnowledgeService } from '../../src/knowledge/service.ts';
import { listGithub } from '../../src/knowledge/sources/github-source.ts';
import { contractNock } from '../support/contract/index.ts';
import { knowledgeDatabase, scope } from '../support/knowledge.ts';

// GitHub repository sources through @octokit/rest, against nock fixtures held to GitHub's OpenAPI
// description (test/fixtures/specs/github): the recursive tree of a ref, then each matching file's blob.
const sha = (seed: string) => seed.repeat(40).slice(0, 40);
const API = 'https://api.github.com';

function blob(content: string, fileSha: string, base = API) {
  const bytes = Buffer.from(content);
  return {
    sha: fileSha,
    node_id: `B_${fileSha.slice(0, 8)}`,
    size: bytes.length,
    url: `${base}/repos/acme/handbook/git/blobs/${fileSha}`,
    content: bytes.toString('base64'),
    encoding: 'base64',
  };
}

function tree(base = API) {
  const entry = (path: string, seed: string, type = 'blob') => ({
    path,
    mode: type === 'tree' ? '040000' : '100644',
    type,
    sha: sha(seed),
    ...(type === 'blob' ? { size: 100, url: `${base}/repos/acme/handbook/git/blobs/${sha(seed)}` } : {}),
  });
  return {
    sha: sha('f'),
    url: `${base}/repos/acme/handbook/git/trees/${sha('f')}`,
    truncated: false,
    tree: [
      entry('README.md', 'a'),
      entry('docs', 'b', 'tree'),
      entry('docs/deploys.md', 'c'),
      entry('docs/diagram.png', 'd'),
      entry('docs/oncall/escalation.md', 'e'),
    ],
  };
}

describe('GitHub repository source (contract)', () => {
  let database: Database;
  let service: KnowledgeService;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ database, service, close } = await knowledgeDatabase('postgresql'));
  });
  afterAll(async () => {
    await close?.();
  });
  afterEach(() => {
    nock.cleanAll();
  });

  it('ingests the docs folder of a repository, links each chunk to its GitHub page, and re-syncs', async () => {
    const scopeOfApi = contractNock('github', API)
      .get(`/repos/acme/handbook/git/trees/main`)
      .query({ recursive: 'true' })
      .twice()
      .reply(200, tree())
      .get(`/repos/acme/handbook/git/blobs/${sha('c')}`)
      .twice()
      .reply(
        200,
        blob('# Deploys\n\nDeploys need a green canary for 30 minutes before the full rollout.\n', sha('c')),
      )
      .get(`/repos/acme/handbook/git/blobs/${sha('e')}`)
      .twice()
      .reply(
        200,
        blob('# Escalation\n\nPage the incident commander after two failed mitigations.\n', sha('e')),
      );
    const collection = await service.ensureCollection('acme', 'handbook');
    const summary = await service.ingest(collection, 'github:acme/handbook@main/docs', { allowPath: false });
    expect(summary).toMatchObject({ added: 2, failed: [] });
    const { sources } = await service.searchFor(
      'how long must the canary stay green?',
      scope({ admin: true }),
      { k: 1 },
    );
    expect(sources[0]).toMatchObject({
      uri: 'https://github.com/acme/handbook/blob/main/docs/deploys.md',
      url: 'https://github.com/acme/handbook/blob/main/docs/deploys.md',
      title: 'Deploys',
    });
    // A re-sync lists the tree again; unchanged files are not re-ingested (same content hash).
    const again = await service.sync(await service.collection('acme', 'handbook'));
    expect(again).toMatchObject({ unchanged: 2, added: 0, updated: 0 });
    expect(scopeOfApi.pendingMocks()).toEqual([]);
    const [row] = await database.sql<{ sources: unknown }>(
      'select sources from kb_collections where id = $1',
      [collection.id],
    );
    expect(JSON.stringify(row?.sources)).toContain('"owner":"acme"');
  });

  it('honours GITHUB_API_URL (GitHub Enterprise), sends the token, and filters by glob', async () => {
    const base = 'https://ghe.example.com/api/v3';
    const seen: string[] = [];
    const enterprise = contractNock('github', base)
      .get('/repos/acme/handbook/git/trees/HEAD')
      .query({ recursive: 'true' })
      .reply(200, tree(base))
      .get(`/repos/acme/handbook/git/blobs/${sha('e')}`)
      .reply(200, blob('# Escalation\n\ntext\n', sha('e'), base));
    enterprise.on('request', (request: Request) => seen.push(request.headers.get('authorization') ?? ''));
    const listing = await listGithub(
      { owner: 'acme', repo: 'handbook', include: 'docs/**/escalation.md' },
      { apiUrl: base, token: 'ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake1234' },
    );
    expect(listing.uris).toEqual([
      'https://ghe.example.com/acme/handbook/blob/HEAD/docs/oncall/escalation.md',
    ]);
    const item = await listing.read(listing.uris[0] ?? '');
    expect(new TextDecoder().decode(item.bytes)).toContain('Escalation');
    expect(seen).toEqual([
      'token ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake1234',
      'token ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake1234',
    ]);
  });

  it('says what to do when the repository or ref does not exist', async () => {
    contractNock('github', API)
      .get('/repos/acme/missing/git/trees/HEAD')
      .query({ recursive: 'true' })
      .reply(404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest/git/trees#get-a-tree',
        status: '404',
      });
    await expect(
      listGithub({ owner: 'acme', repo: 'missing' }, { apiUrl: API, token: undefined }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
      remedy: expect.stringMatching(/GITHUB_TOKEN/),
    });
  });
});
