import type { IncomingMessage } from 'node:http';
import { ChatOpsError } from '../../src/core/index.ts';

/** Reads a JSON request body, refusing anything larger than `maxBytes` (413) or not JSON (400). */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) {
      throw new ChatOpsError('BODY_TOO_LARGE', `The activity is larger than ${maxBytes} bytes.`, {
        remedy: 'Raise API_MAX_BODY_BYTES if Teams really sends activities this large.',
      });
    }
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ChatOpsError('INVALID_JSON', 'The request body is not JSON.', {
      remedy: 'Send the Bot Framework activity as application/json.',
    });
  }
}
