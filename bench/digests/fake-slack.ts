import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal Slack Web API on 127.0.0.1 for the digests benchmark: chat.postMessage records when each post
 * arrived and the digest marker it carries (message metadata), conversations.history answers from what
 * was posted. No contract checks here (the tests hold the same calls to Slack's spec); it only has to be
 * fast and to count.
 */
export interface ReceivedPost {
  channel: string;
  key: string;
  at: number;
}

export interface BenchSlack {
  url: string;
  posts: ReceivedPost[];
  close(): Promise<void>;
}

export async function startBenchSlack(): Promise<BenchSlack> {
  const posts: ReceivedPost[] = [];
  const stored = new Map<string, { ts: string; metadata: unknown }[]>();
  let lastMicros = 0;
  const server: Server = createServer((req, res) => {
    void readForm(req).then((args) => {
      const method = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.replace(/^\/api\//, '');
      let body: Record<string, unknown> = { ok: true };
      if (method === 'chat.postMessage') {
        lastMicros = Math.max(lastMicros + 1, Date.now() * 1000);
        const ts = `${Math.floor(lastMicros / 1e6)}.${String(lastMicros % 1e6).padStart(6, '0')}`;
        const metadata = args.metadata
          ? (JSON.parse(args.metadata) as { event_payload?: { key?: string } })
          : null;
        const channel = args.channel ?? '';
        posts.push({ channel, key: metadata?.event_payload?.key ?? '', at: Date.now() });
        stored.set(channel, [...(stored.get(channel) ?? []), { ts, metadata }]);
        body = { ok: true, channel, ts, message: { type: 'message', text: args.text ?? '', ts } };
      } else if (method === 'conversations.history') {
        const messages = (stored.get(args.channel ?? '') ?? []).map((message) => ({
          type: 'message',
          ...message,
        }));
        body = { ok: true, messages, has_more: false, pin_count: 0, response_metadata: { next_cursor: '' } };
      } else if (method === 'auth.test') {
        body = { ok: true, team_id: 'T0BENCH0001', user_id: 'U0BOTUSER01', bot_id: 'B0BENCH0001' };
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    posts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(raw || '{}');
  return Object.fromEntries(new URLSearchParams(raw));
}
