import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BOT_FRAMEWORK_ISSUER, type SigningKey } from './teams-identity.ts';

/**
 * The Microsoft side of a Teams bot on 127.0.0.1, for tests with real processes (which nock cannot reach):
 * the Bot Framework's OpenID metadata and signing keys, Entra's token endpoint, and the Bot Connector,
 * which records every activity the bot sends. Bounded: it only listens on loopback and stops with close().
 */
export interface ReceivedActivity {
  method: string;
  path: string;
  /** The conversation id exactly as it appeared in the path. */
  conversationId: string;
  activityId: string | null;
  authorization: string | null;
  contentType: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the activity JSON field by field
  body: any;
}

export interface FakeBotFramework {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  /** The serviceUrl activities name: the Connector lives under it. */
  serviceUrl: string;
  openIdMetadataUrl: string;
  received: ReceivedActivity[];
  tokensIssued: number;
  close(): Promise<void>;
}

export const FAKE_BOT_TOKEN = 'fake-bot-token-from-127.0.0.1';

export async function startFakeBotFramework(key: SigningKey): Promise<FakeBotFramework> {
  const received: ReceivedActivity[] = [];
  let tokensIssued = 0;
  let nextId = 1_763_960_000_000;
  let origin = '';
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = req.url ?? '/';
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'GET' && path === '/v1/.well-known/openidconfiguration') {
      return json(200, {
        issuer: BOT_FRAMEWORK_ISSUER,
        authorization_endpoint: `${origin}/v1/.well-known/authorize`,
        jwks_uri: `${origin}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (req.method === 'GET' && path === '/v1/.well-known/keys') return json(200, { keys: [key.jwk] });
    if (req.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path)) {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'client_credentials' || !form.get('client_secret')) {
        return json(400, { error: 'invalid_request', error_description: 'client credentials expected' });
      }
      tokensIssued += 1;
      return json(200, { token_type: 'Bearer', expires_in: 3599, access_token: FAKE_BOT_TOKEN });
    }
    const activity = /^\/teams\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
    if (activity && (req.method === 'POST' || req.method === 'PUT')) {
      received.push({
        method: req.method,
        path: path.slice('/teams'.length),
        conversationId: activity[1] ?? '',
        activityId: activity[2] ?? null,
        authorization: req.headers.authorization ?? null,
        contentType: req.headers['content-type'] ?? null,
        body: body ? JSON.parse(body) : null,
      });
      nextId += 1;
      return json(200, { id: String(activity[2] ?? nextId) });
    }
    json(404, { error: { code: 'NotFound', message: `${req.method} ${path}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    serviceUrl: `${origin}/teams/`,
    openIdMetadataUrl: `${origin}/v1/.well-known/openidconfiguration`,
    received,
    get tokensIssued() {
      return tokensIssued;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
