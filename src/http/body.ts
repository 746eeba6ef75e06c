import type { IncomingMessage } from 'node:http';
import { ChatOpsError } from '../core/errors.ts';

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

export async function readRawBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limitBytes) throw tooLarge(limitBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(limitBytes: number): ChatOpsError {
  return new ChatOpsError('BODY_TOO_LARGE', `The body is larger than the limit of ${limitBytes} bytes.`, {
    remedy: 'Send less (split long texts), or raise API_MAX_BODY_BYTES on the gateway.',
    details: { limitBytes },
  });
}
