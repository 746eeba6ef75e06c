import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

const PAGE = new URL('./page/', import.meta.url);
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/web/chat.js': { file: 'chat.js', type: 'text/javascript; charset=utf-8' },
  '/web/approvals.js': { file: 'approvals.js', type: 'text/javascript; charset=utf-8' },
  '/web/forms.js': { file: 'forms.js', type: 'text/javascript; charset=utf-8' },
  '/web/chat.css': { file: 'chat.css', type: 'text/css; charset=utf-8' },
};

/**
 * Serves the local web chat page (read once at start-up). The page only talks to the REST API and the live
 * stream, exactly like any other API client. A strict CSP forbids inline scripts and foreign origins.
 */
export function webChatHandler(): (req: IncomingMessage, res: ServerResponse) => void {
  const cache = new Map(
    Object.entries(FILES).map(([path, entry]) => [
      path,
      { body: readFileSync(new URL(entry.file, PAGE)), type: entry.type },
    ]),
  );
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://local.invalid').pathname;
    const entry = cache.get(path);
    if (!entry || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { code: 'NOT_FOUND', message: `Nothing is served at ${path}.`, details: {} },
        }),
      );
      return;
    }
    res.writeHead(200, {
      'content-type': entry.type,
      'content-length': entry.body.length,
      'cache-control': 'no-cache',
      'content-security-policy':
        "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : entry.body);
  };
}
