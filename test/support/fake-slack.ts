import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkSlackArguments, checkSlackResponse, reportProblem } from './contract/index.ts';
import { attachSocketMode, type FakeSocketMode } from './fake-socket-mode.ts';
import { registerNewerSlackMethods } from './slack-methods.ts';

/**
 * A fake Slack Web API on 127.0.0.1 (point SLACK_API_URL at `url`), held to Slack's spec: every call's
 * method and arguments are checked against slack_web_openapi_v2.json (and the registered newer methods),
 * every answer against the documented response, and problems fail the test (test/support/contract).
 * It also serves the external upload URL, and can throttle a channel with 429 + Retry-After.
 */
export interface SlackCall {
  method: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arguments field by field
  args: Record<string, any>;
  authorization: string | null;
  at: number;
}

export interface PostedMessage {
  ts: string;
  text: string;
  blocks: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

export interface FakeSlack {
  url: string;
  calls: SlackCall[];
  callsOf(method: string): SlackCall[];
  /** Answers the next `count` posts to `channel` with 429 and this Retry-After (seconds). */
  throttle(channel: string, count: number, retryAfterSeconds: number): void;
  /** Answers the next `count` calls of `method` with `{ok: false, error}`. */
  fail(method: string, error: string, count?: number): void;
  /** Channel members conversations.members returns, in pages of `pageSize`. */
  members: Map<string, string[]>;
  /** What each channel holds: every posted message, newest last (what conversations.history reads). */
  history: Map<string, PostedMessage[]>;
  /** Takes the next `count` calls of `method` (a post lands in the channel) but drops the answer. */
  dropResponses(method: string, count?: number): void;
  /** Drops the next `count` calls of `method` before they take effect (the connection breaks). */
  dropRequests(method: string, count?: number): void;
  /** Socket Mode: apps.connections.open points here. */
  socket: FakeSocketMode;
  close(): Promise<void>;
}

/** Message timestamps as Slack makes them: the time of posting in seconds, six decimals, never repeated. */
let lastMicros = 0;

export async function startFakeSlack(): Promise<FakeSlack> {
  registerNewerSlackMethods();
  const calls: SlackCall[] = [];
  const throttles = new Map<string, { count: number; retryAfter: number }>();
  const failures = new Map<string, { error: string; count: number }>();
  const members = new Map<string, string[]>();
  const history = new Map<string, PostedMessage[]>();
  const drops = new Map<string, number>();
  const lost = new Map<string, number>();
  let base = '';
  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname.startsWith('/upload/')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`OK - ${raw.length}`);
        return;
      }
      const method = url.pathname.replace(/^\/api\//, '');
      const args = argumentsOf(req, raw, url);
      calls.push({ method, args, authorization: req.headers.authorization ?? null, at: Date.now() });
      for (const problem of checkSlackArguments(method, args)) reportProblem(problem);
      const losing = lost.get(method) ?? 0;
      if (losing > 0) {
        lost.set(method, losing - 1);
        res.socket?.destroy();
        return;
      }
      const throttle = throttles.get(String(args.channel ?? args.channel_id ?? ''));
      if (throttle && throttle.count > 0 && POSTS.has(method)) {
        throttle.count -= 1;
        res.writeHead(429, {
          'retry-after': String(throttle.retryAfter),
          'content-type': 'application/json',
        });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      const failure = failures.get(method);
      let body: Record<string, unknown>;
      if (failure && failure.count > 0) {
        failure.count -= 1;
        body = { ok: false, error: failure.error };
      } else {
        body = answer(method, args, members, base, history);
      }
      for (const problem of checkSlackResponse(method, 200, body)) reportProblem(problem);
      const dropping = drops.get(method) ?? 0;
      if (dropping > 0) {
        // The call took effect; the answer is lost on the way back (a timeout or a reset, for the client).
        drops.set(method, dropping - 1);
        res.socket?.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    });
  });
  const socket = attachSocketMode(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/api/`,
    calls,
    callsOf: (method) => calls.filter((call) => call.method === method),
    throttle(channel, count, retryAfter) {
      throttles.set(channel, { count, retryAfter });
    },
    fail(method, error, count = 1) {
      failures.set(method, { error, count });
    },
    members,
    history,
    dropResponses(method, count = 1) {
      drops.set(method, count);
    },
    dropRequests(method, count = 1) {
      lost.set(method, count);
    },
    socket,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const POSTS = new Set(['chat.postMessage', 'chat.startStream', 'files.completeUploadExternal']);

function answer(
  method: string,
  // biome-ignore lint/suspicious/noExplicitAny: request arguments are arbitrary JSON
  args: Record<string, any>,
  members: Map<string, string[]>,
  base: string,
  history: Map<string, PostedMessage[]>,
): Record<string, unknown> {
  const ts = () => {
    lastMicros = Math.max(lastMicros + 1, Date.now() * 1000);
    return `${Math.floor(lastMicros / 1_000_000)}.${String(lastMicros % 1_000_000).padStart(6, '0')}`;
  };
  switch (method) {
    case 'chat.postMessage': {
      const posted = ts();
      const channel = String(args.channel);
      const metadata = typeof args.metadata === 'string' ? JSON.parse(args.metadata) : args.metadata;
      const blocks = typeof args.blocks === 'string' ? JSON.parse(args.blocks) : (args.blocks ?? []);
      history.set(channel, [
        ...(history.get(channel) ?? []),
        {
          ts: posted,
          text: String(args.text ?? ''),
          // Slack stores blocks without `verbatim` (its samples of stored messages have none).
          blocks: JSON.parse(
            JSON.stringify(blocks, (key, value) => (key === 'verbatim' ? undefined : value)),
          ),
          ...(metadata ? { metadata } : {}),
        },
      ]);
      return {
        ok: true,
        channel: args.channel,
        ts: posted,
        message: {
          type: 'message',
          user: 'U0BOTUSER01',
          text: String(args.text ?? ''),
          ts: posted,
          bot_id: 'B0CHATOPS01',
        },
      };
    }
    case 'chat.update':
      return {
        ok: true,
        channel: args.channel,
        ts: args.ts,
        text: String(args.text ?? ''),
        message: { text: String(args.text ?? '') },
      };
    case 'chat.delete':
      return { ok: true, channel: args.channel, ts: args.ts };
    case 'chat.postEphemeral':
      return { ok: true, message_ts: ts() };
    case 'chat.startStream':
      return { ok: true, channel: args.channel, ts: ts() };
    case 'chat.appendStream':
    case 'chat.stopStream':
      return { ok: true, channel: args.channel, ts: args.ts };
    case 'conversations.history': {
      const oldest = Number(args.oldest ?? 0);
      const withMetadata = String(args.include_all_metadata) === 'true';
      const messages = [...(history.get(String(args.channel)) ?? [])]
        .filter((message) => Number(message.ts) >= oldest)
        .reverse()
        .slice(0, Number(args.limit ?? 100))
        .map(({ metadata, ...message }) => ({
          type: 'message',
          user: 'U0BOTUSER01',
          bot_id: 'B0CHATOPS01',
          ...message,
          ...(withMetadata && metadata ? { metadata } : {}),
        }));
      return {
        ok: true,
        messages,
        has_more: false,
        pin_count: 0,
        channel_actions_ts: null,
        channel_actions_count: 0,
        response_metadata: { next_cursor: '' },
      };
    }
    case 'conversations.open':
      return { ok: true, channel: { id: `D0${String(args.users).slice(2, 11).padEnd(9, '0')}` } };
    case 'conversations.members': {
      const all = members.get(String(args.channel)) ?? ['U0ALICE0001'];
      const start = Number(args.cursor ? Buffer.from(String(args.cursor), 'base64').toString() : 0);
      const size = Number(args.limit ?? 100);
      const page = all.slice(start, start + size);
      const next = start + size < all.length ? Buffer.from(String(start + size)).toString('base64') : '';
      return { ok: true, members: page, response_metadata: { next_cursor: next } };
    }
    case 'users.info':
      return {
        ok: true,
        user: {
          id: args.user,
          team_id: 'T0TESTTEAM1',
          name: 'alice',
          real_name: 'Alice Example',
          tz: 'America/Los_Angeles',
          profile: { real_name: 'Alice Example', display_name: 'alice.e' },
        },
      };
    case 'files.getUploadURLExternal': {
      const id = `F0${ts().replace('.', '').slice(-9)}`;
      return { ok: true, upload_url: `${base}/upload/${id}`, file_id: id };
    }
    case 'files.completeUploadExternal':
      return {
        ok: true,
        files: JSON.parse(String(args.files)).map((file: { id: string; title?: string }) => ({
          id: file.id,
          title: file.title ?? '',
        })),
      };
    case 'views.open':
    case 'views.publish':
      return {
        ok: true,
        view: { id: 'V0VIEW00001', type: args.view ? JSON.parse(String(args.view)).type : 'modal' },
      };
    case 'assistant.threads.setStatus':
      return { ok: true };
    case 'apps.connections.open':
      return { ok: true, url: `${base.replace('http', 'ws')}/link?ticket=test` };
    case 'oauth.v2.access':
      return {
        ok: true,
        app_id: 'A0CHATOPS01',
        authed_user: { id: 'U0ALICE0001' },
        scope: 'app_mentions:read,chat:write,commands',
        token_type: 'bot',
        access_token: 'xoxb-2222222222-3333333333-InstalledTokenValue',
        bot_user_id: 'U0BOTUSER02',
        team: { id: 'T0OTHERTEAM', name: 'Other Co' },
        enterprise: null,
        is_enterprise_install: false,
      };
    case 'auth.test':
      return {
        ok: true,
        url: 'https://other.slack.com/',
        team: 'Other Co',
        user: 'chatops',
        team_id: 'T0OTHERTEAM',
        user_id: 'U0BOTUSER02',
        bot_id: 'B0CHATOPS02',
        is_enterprise_install: false,
      };
    default:
      return { ok: false, error: 'unknown_method' };
  }
}

// biome-ignore lint/suspicious/noExplicitAny: request arguments are arbitrary JSON
function argumentsOf(req: IncomingMessage, raw: string, url: URL): Record<string, any> {
  const args: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json') && raw) Object.assign(args, JSON.parse(raw));
  else if (raw) Object.assign(args, Object.fromEntries(new URLSearchParams(raw)));
  return args;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
