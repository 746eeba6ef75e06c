import type { LiveEvent } from '../../core/ports.ts';
import { requireScope } from '../api-identity.ts';
import type { RequestContext, Route } from '../route-table.ts';
import { type ApiDependencies, admit } from './api-dependencies.ts';

/**
 * GET /api/v1/stream?channel=…: live messages as Server-Sent Events (what the web chat listens to).
 * Events of other tenants and channels are filtered out here, on the server.
 */
export function streamRoutes(deps: ApiDependencies): Route[] {
  const stream = async ({ req, res, url }: RequestContext) => {
    const { principal } = await admit(deps, req, null);
    requireScope(principal, 'chat', 'follow the live stream');
    const channel = url.searchParams.get('channel')?.replace(/^#/, '') ?? null;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const relevant = (event: LiveEvent) => {
      const scope = event.type === 'task.updated' ? event : event.message;
      return scope.tenantId === principal.tenantId && (channel === null || scope.channel === channel);
    };
    const unsubscribe = deps.live.subscribe((event) => {
      if (!relevant(event)) return;
      const data =
        event.type === 'task.updated'
          ? event
          : {
              type: event.type,
              message: deps.present({ ...event.message, platformMessageId: null, deliveryKey: null }),
            };
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  };
  return [{ method: 'GET', path: '/api/v1/stream', handler: stream }];
}
