import type { ServerResponse } from 'node:http';
import { type ChatOpsError, toChatOpsError } from '../core/errors.ts';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

/**
 * The API's one error shape: `{"error":{"code","message","details"}}`, with the remedy folded into the
 * message so a person reading a curl output knows what to do.
 */
export function sendError(
  res: ServerResponse,
  thrown: unknown,
  headers: Record<string, string> = {},
): ChatOpsError {
  const error = toChatOpsError(thrown);
  if (res.headersSent) {
    res.destroy();
    return error;
  }
  const status = error.code === 'INTERNAL' ? 500 : error.httpStatus;
  const message =
    error.code === 'INTERNAL'
      ? 'Internal error; the request was not processed. Check the gateway log.'
      : error.explanation;
  sendJson(res, status, { error: { code: error.code, message, details: error.details } }, headers);
  return error;
}
