import type { IncomingMessage } from 'node:http';
import { ChatOpsError, readLimitedBody } from '../../src/core/index.ts';

/** Reads a JSON request body, refusing anything larger than `maxBytes` (413) or not JSON (400). */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const body = await readLimitedBody(req, {
    maxBytes,
    subject: 'The activity',
    remedy: 'Raise API_MAX_BODY_BYTES if Teams really sends activities this large.',
  });
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new ChatOpsError('INVALID_JSON', 'The request body is not JSON.', {
      remedy: 'Send the Bot Framework activity as application/json.',
    });
  }
}
