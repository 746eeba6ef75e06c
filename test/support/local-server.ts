import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AddressPolicy } from '../../src/knowledge/sources/address-policy.ts';
import { publicAddressPolicy } from '../../src/knowledge/sources/address-policy.ts';

/** A small HTTP server on 127.0.0.1 that counts the requests it got (tests may only talk to loopback). */
export async function localServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ port: number; url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The production address policy plus exactly one exception: the test's own server (127.0.0.1 on its
 * port). Everything else that production refuses, this refuses too.
 */
export function allowingOnly(port: number): AddressPolicy {
  return {
    allows: (address, target) =>
      (address === '127.0.0.1' && target === port) || publicAddressPolicy.allows(address, target),
  };
}

/** A resolver for made-up host names (no DNS in tests). */
export function fakeResolver(names: Record<string, string[]>) {
  return async (hostname: string) => {
    const addresses = names[hostname];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}
