import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ChatOpsError } from '../core/errors.ts';
import type { Logger } from '../core/ports.ts';
import { sendError } from './respond.ts';
import type { RouteTable } from './route-table.ts';

/**
 * The gateway's one HTTP server. It routes by the table, turns every thrown error into the API's error
 * shape, and logs unexpected ones. Slack, Teams and the web chat are mounts on the same server.
 */
export function createGatewayServer(table: RouteTable, log: Logger): Server {
  const server = createServer((req, res) => {
    void handle(table, log, req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  return server;
}

async function handle(
  table: RouteTable,
  log: Logger,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const receivedAt = process.hrtime.bigint();
  const url = new URL(req.url ?? '/', 'http://gateway.invalid');
  const match = table.match(req.method ?? 'GET', url.pathname);
  try {
    switch (match.kind) {
      case 'route':
        await match.route.handler({ req, res, url, params: match.params, receivedAt });
        return;
      case 'mount':
        await match.mount.handler(req, res);
        return;
      case 'method-not-allowed':
        res.setHeader('allow', match.allowed.join(', '));
        throw new ChatOpsError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${url.pathname}.`, {
          remedy: `Use ${match.allowed.join(' or ')}.`,
        });
      case 'not-found':
        throw new ChatOpsError('NOT_FOUND', `Nothing is served at ${url.pathname}.`, {
          remedy: 'See the README for the API routes (/api/v1/…), /health and /metrics.',
        });
    }
  } catch (error) {
    const reported = sendError(
      res,
      error,
      error instanceof ChatOpsError && error.code === 'BODY_TOO_LARGE' ? { connection: 'close' } : {},
    );
    if (reported.code === 'INTERNAL')
      log.error('request-failed', { method: req.method, path: url.pathname, error });
  }
}

/** Listens, turning "port in use" into an error that says which setting to change. */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new ChatOpsError('CONFIG_INVALID', `Port ${port} on ${host} is already in use.`, {
              remedy: 'Stop the other process or choose another port with PORT=<number>.',
            })
          : error,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/** Stops accepting connections and waits for in-flight requests; idle keep-alive sockets are closed. */
export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
