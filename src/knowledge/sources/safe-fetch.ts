import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { ChatOpsError } from '../../core/errors.ts';
import { type AddressPolicy, publicAddressPolicy } from './address-policy.ts';

/**
 * Downloads for the knowledge base that cannot be turned against the network the bot runs in (SSRF):
 * http and https only; every address a host name resolves to must pass the address policy, and the
 * connection goes to the checked address (no second lookup an attacker's DNS could answer differently);
 * every redirect is checked the same way; the body is capped in bytes and the whole download in time.
 */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface SafeFetchOptions {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
  resolver?: Resolver;
  policy?: AddressPolicy;
  /** Extra request headers (e.g. a platform token for chat files). */
  headers?: Record<string, string>;
}

export interface FetchedDocument {
  /** The final URL, after redirects. */
  url: string;
  contentType: string | undefined;
  bytes: Uint8Array;
}

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export async function safeFetch(input: string, options: SafeFetchOptions): Promise<FetchedDocument> {
  const deadline = Date.now() + options.timeoutMs;
  let url = checkedUrl(input);
  let hopOptions = options;
  for (let hop = 0; hop <= (options.maxRedirects ?? 5); hop += 1) {
    const address = await checkedAddress(url, hopOptions);
    const response = await request(url, address, hopOptions, deadline);
    if (response.redirect) {
      const next = checkedUrl(new URL(response.redirect, url).toString());
      // Credentials (a platform token for a chat file) never follow a redirect to another origin.
      if (next.origin !== url.origin) hopOptions = { ...hopOptions, headers: {} };
      url = next;
      continue;
    }
    return {
      url: url.toString(),
      contentType: response.contentType,
      bytes: response.bytes ?? new Uint8Array(),
    };
  }
  throw refused(input, `more than ${options.maxRedirects ?? 5} redirects`);
}

function checkedUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ChatOpsError('VALIDATION_FAILED', `"${input}" is not a URL.`, {
      remedy: 'Give a full http(s) URL, e.g. https://docs.example.com/guide.html.',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refused(input, `the ${url.protocol.replace(':', '')} scheme is not allowed (only http and https)`);
  }
  if (url.username || url.password) throw refused(input, 'URLs with credentials are not allowed');
  return url;
}

async function checkedAddress(
  url: URL,
  options: SafeFetchOptions,
): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const policy = options.policy ?? publicAddressPolicy;
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await (options.resolver ?? systemResolver)(host);
    } catch (error) {
      throw new ChatOpsError('NOT_FOUND', `${host} does not resolve.`, {
        remedy: 'Check the host name in the URL.',
        cause: error,
      });
    }
  }
  if (addresses.length === 0)
    throw new ChatOpsError('NOT_FOUND', `${host} does not resolve.`, { remedy: 'Check the host name.' });
  // A name with any internal address is refused whole: which one a connection would use is not ours to pick.
  const internal = addresses.find((entry) => !policy.allows(entry.address, port));
  if (internal)
    throw refused(
      url.toString(),
      `${host} resolves to ${internal.address}, a private, loopback, link-local or reserved address`,
    );
  return addresses[0] as { address: string; family: number };
}

function refused(url: string, reason: string): ChatOpsError {
  return new ChatOpsError('FORBIDDEN', `Refused to download ${url}: ${reason}.`, {
    remedy:
      'The knowledge base only downloads public http(s) URLs. Ingest internal documents from a file, the CLI (`chatops kb ingest <path>`) or GitHub.',
    details: { url, reason },
  });
}

interface HopResult {
  redirect?: string;
  contentType?: string;
  bytes?: Uint8Array;
}

function request(
  url: URL,
  address: { address: string; family: number },
  options: SafeFetchOptions,
  deadline: number,
): Promise<HopResult> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(timedOut(url, options.timeoutMs));
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) callback(null, [address] as never);
    else callback(null, address.address, address.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = client.request(
      url,
      {
        method: 'GET',
        lookup,
        headers: { 'user-agent': 'chatops-knowledge/1', accept: '*/*', ...options.headers },
        timeout: remaining,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if ([301, 302, 303, 307, 308].includes(status) && response.headers.location) {
          response.resume();
          resolve({ redirect: response.headers.location });
          return;
        }
        if (status < 200 || status >= 300) {
          response.resume();
          reject(
            new ChatOpsError(
              status === 404 ? 'NOT_FOUND' : 'DEPENDENCY_UNAVAILABLE',
              `${url} answered ${status}.`,
              {
                remedy: 'Check the URL, or try again later.',
                retryable: status >= 500 || status === 429,
                details: { status },
              },
            ),
          );
          return;
        }
        const declared = Number(response.headers['content-length'] ?? 0);
        if (declared > options.maxBytes) {
          response.destroy();
          reject(tooLarge(url, options.maxBytes));
          return;
        }
        const parts: Buffer[] = [];
        let size = 0;
        response.on('data', (part: Buffer) => {
          size += part.length;
          if (size > options.maxBytes) {
            response.destroy();
            reject(tooLarge(url, options.maxBytes));
            return;
          }
          parts.push(part);
        });
        response.on('end', () =>
          resolve({
            contentType: response.headers['content-type'],
            bytes: new Uint8Array(Buffer.concat(parts)),
          }),
        );
        response.on('error', reject);
      },
    );
    const timer = setTimeout(() => outgoing.destroy(timedOut(url, options.timeoutMs)), remaining);
    outgoing.on('timeout', () => outgoing.destroy(timedOut(url, options.timeoutMs)));
    outgoing.on('close', () => clearTimeout(timer));
    outgoing.on('error', (error) =>
      reject(
        error instanceof ChatOpsError
          ? error
          : new ChatOpsError('DEPENDENCY_UNAVAILABLE', `Downloading ${url} failed: ${error.message}.`, {
              remedy: 'Check that the server is up and reachable.',
              cause: error,
            }),
      ),
    );
    outgoing.end();
  });
}

function tooLarge(url: URL, maxBytes: number): ChatOpsError {
  return new ChatOpsError('BODY_TOO_LARGE', `${url} is larger than ${maxBytes} bytes.`, {
    remedy: 'Raise KB_URL_MAX_BYTES, or ingest a smaller document.',
  });
}

function timedOut(url: URL, timeoutMs: number): ChatOpsError {
  return new ChatOpsError('DEPENDENCY_UNAVAILABLE', `Downloading ${url} took longer than ${timeoutMs} ms.`, {
    remedy: 'Raise KB_URL_TIMEOUT_MS, or try again later.',
    retryable: false,
  });
}
