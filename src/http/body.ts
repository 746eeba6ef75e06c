import type { IncomingMessage } from 'node:http';
import { ChatOpsError } from '../core/errors.ts';
import { readLimitedBody } from '../core/request-body.ts';

/**
 * Reads a JSON request body, refusing more than `limitBytes` (413) before buffering it: a declared
 * Content-Length over the limit is refused without reading, a body that grows past it is cut off.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new ChatOpsError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Expected a JSON body, got content-type "${type || 'none'}".`,
      {
        remedy: 'Send the body as JSON with the header "Content-Type: application/json".',
      },
    );
  }
  const raw = await readRawBody(req, limitBytes);
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (error) {
    throw new ChatOpsError('INVALID_JSON', `The body is not valid JSON: ${(error as Error).message}.`, {
      remedy: 'Check the quoting and commas of the JSON you send.',
    });
  }
}

export function readRawBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return readLimitedBody(req, {
    maxBytes: limitBytes,
    subject: 'The body',
    remedy: 'Send less (split long texts), or raise API_MAX_BODY_BYTES on the gateway.',
  });
}
