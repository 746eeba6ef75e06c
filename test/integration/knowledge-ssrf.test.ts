import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/knowledge/sources/address-policy.ts';
import { parseSource } from '../../src/knowledge/sources/index.ts';
import { safeFetch } from '../../src/knowledge/sources/safe-fetch.ts';
import { allowingOnly, fakeResolver, localServer } from '../support/local-server.ts';

// URL ingestion cannot be turned against the bot's own network: every refusal below happens before a
// connection is made (the servers count what reaches them), and production refuses loopback itself. The
// test policy allows exactly one address and port (this test's server, reached as localhost, the only
// name nock lets through); everything else is judged as in production.
describe('SSRF-safe downloads', () => {
  let docs: Awaited<ReturnType<typeof localServer>>;
  let other: Awaited<ReturnType<typeof localServer>>;
  let peer: Awaited<ReturnType<typeof localServer>>;
  const authorizations: { server: string; url: string; authorization: string | undefined }[] = [];
  const limits = { maxBytes: 10_000, timeoutMs: 2_000 };

  beforeAll(async () => {
    other = await localServer((_req, res) => res.end('internal service'));
    peer = await localServer((req, res) => {
      authorizations.push({ server: 'peer', url: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('peer file');
    });
    docs = await localServer((req, res) => {
      authorizations.push({ server: 'docs', url: req.url ?? '', authorization: req.headers.authorization });
      const redirect = (location: string) => res.writeHead(302, { location }).end();
      switch (req.url) {
        case '/doc.html':
          res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Doc</h1><p>hello</p>');
          return;
        case '/to-metadata':
          return redirect('http://169.254.169.254/latest/meta-data/iam/security-credentials/');
        case '/to-private':
          return redirect('http://internal.test/admin');
        case '/to-localhost':
          return redirect(`http://localhost:${other.port}/`);
        case '/to-file':
          return redirect('file:///etc/passwd');
        case '/to-doc':
          return redirect('/doc.html');
        case '/to-peer':
          return redirect(`http://localhost:${peer.port}/file.txt`);
        case '/big':
          res
            .writeHead(200, { 'content-type': 'text/plain', 'content-length': '50000' })
            .end('x'.repeat(50_000));
          return;
        case '/big-chunked':
          res.writeHead(200, { 'content-type': 'text/plain' });
          for (let index = 0; index < 20; index += 1) res.write('y'.repeat(1000));
          res.end();
          return;
        case '/slow':
          setTimeout(() => res.end('late'), 3_000).unref();
          return;
        default:
          res.writeHead(404).end();
      }
    });
  });
  afterAll(async () => {
    await docs?.close();
    await other?.close();
    await peer?.close();
  });

  const resolver = () =>
    fakeResolver({
      'internal.test': ['10.1.2.3'],
      'metadata.test': ['169.254.169.254'],
      'mixed.test': ['93.184.216.34', '127.0.0.1'],
      localhost: ['127.0.0.1'],
    });
  const testOptions = () => ({ ...limits, resolver: resolver(), policy: allowingOnly(docs.port) });

  it('sends credentials on the same origin, and never after a redirect to another origin', async () => {
    const twoServers = {
      allows: (address: string, target: number) =>
        allowingOnly(docs.port).allows(address, target) || allowingOnly(peer.port).allows(address, target),
    };
    const options = {
      ...limits,
      resolver: resolver(),
      policy: twoServers,
      headers: { authorization: 'Bearer xoxb-secret' },
    };
    authorizations.length = 0;
    await safeFetch(`http://localhost:${docs.port}/to-doc`, options);
    const fetched = await safeFetch(`http://localhost:${docs.port}/to-peer`, options);
    expect(new TextDecoder().decode(fetched.bytes)).toBe('peer file');
    expect(authorizations).toEqual([
      { server: 'docs', url: '/to-doc', authorization: 'Bearer xoxb-secret' },
      { server: 'docs', url: '/doc.html', authorization: 'Bearer xoxb-secret' },
      { server: 'docs', url: '/to-peer', authorization: 'Bearer xoxb-secret' },
      { server: 'peer', url: '/file.txt', authorization: undefined },
    ]);
  });

  it('downloads from the test server when the policy allows exactly it (and follows safe redirects)', async () => {
    const fetched = await safeFetch(`http://localhost:${docs.port}/to-doc`, testOptions());
    expect(new TextDecoder().decode(fetched.bytes)).toContain('hello');
    expect(fetched.url).toBe(`http://localhost:${docs.port}/doc.html`);
  });

  it('refuses loopback in production, before connecting', async () => {
    const before = docs.requests.length;
    await expect(safeFetch(`${docs.url}/doc.html`, limits)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(safeFetch(`http://localhost:${docs.port}/doc.html`, limits)).rejects.toThrow(
      /localhost resolves to (127\.0\.0\.1|::1)/,
    );
    await expect(safeFetch(`http://[::1]:${docs.port}/doc.html`, limits)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(safeFetch(`http://2130706433:${docs.port}/doc.html`, limits)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(docs.requests.length).toBe(before);
  });

  it('refuses the cloud metadata address, directly and by name', async () => {
    await expect(safeFetch('http://169.254.169.254/latest/meta-data/', testOptions())).rejects.toThrow(
      /link-local/,
    );
    await expect(safeFetch('http://metadata.test/latest/meta-data/', testOptions())).rejects.toThrow(
      /169\.254\.169\.254/,
    );
    await expect(safeFetch('http://[::ffff:169.254.169.254]/', testOptions())).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('re-checks every redirect: to the metadata address, a private address, localhost or file://', async () => {
    for (const path of ['/to-metadata', '/to-private', '/to-localhost', '/to-file']) {
      await expect(
        safeFetch(`http://localhost:${docs.port}${path}`, testOptions()),
        path,
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    }
    expect(other.requests).toEqual([]);
  });

  it('refuses a name with any internal address, schemes other than http(s), and credentials in URLs', async () => {
    await expect(safeFetch('http://mixed.test/doc', testOptions())).rejects.toThrow(/127\.0\.0\.1/);
    await expect(safeFetch('file:///etc/passwd', testOptions())).rejects.toThrow(
      /file scheme is not allowed/,
    );
    await expect(safeFetch('ftp://localhost/x', testOptions())).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      safeFetch(`http://user:secret@docs.test:${docs.port}/doc.html`, testOptions()),
    ).rejects.toThrow(/credentials/);
    expect(() => parseSource('file:///etc/passwd', { allowPath: true })).toThrow(/only http\(s\) URLs/);
    expect(() => parseSource('/etc/passwd', { allowPath: false })).toThrow(/only the CLI may ingest/);
  });

  it('caps the size (declared and streamed) and the time of a download', async () => {
    const small = { ...testOptions(), maxBytes: 1_000 };
    await expect(safeFetch(`http://localhost:${docs.port}/big`, small)).rejects.toMatchObject({
      code: 'BODY_TOO_LARGE',
    });
    await expect(safeFetch(`http://localhost:${docs.port}/big-chunked`, small)).rejects.toMatchObject({
      code: 'BODY_TOO_LARGE',
    });
    const quick = { ...testOptions(), timeoutMs: 300 };
    await expect(safeFetch(`http://localhost:${docs.port}/slow`, quick)).rejects.toThrow(
      /took longer than 300 ms/,
    );
  });

  it.each([
    ['127.0.0.1', false],
    ['10.0.0.1', false],
    ['172.20.1.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['::1', false],
    ['::', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['64:ff9b::a9fe:a9fe', false],
    ['2002:7f00:1::', false],
    ['93.184.216.34', true],
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['::ffff:8.8.8.8', true],
  ])('judges %s public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});
