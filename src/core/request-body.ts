import type { IncomingMessage } from 'node:http';
import { ChatOpsError } from './errors.ts';

/** How a refused body is described to the sender: what it was, and which setting lets more in. */
export interface BodyLimit {
  maxBytes: number;
  /** e.g. "The Slack request", "The body". */
  subject: string;
  remedy: string;
}

/**
 * Reads a request body, refusing more than `limit.maxBytes` (BODY_TOO_LARGE, a 413) before buffering it:
 * a declared Content-Length over the limit is refused without reading, a body that grows past it is cut off.
 * Every receiver (REST API, Slack, Teams) reads its bodies here, so the limit means the same everywhere.
 */
export async function readLimitedBody(req: IncomingMessage, limit: BodyLimit): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit.maxBytes) throw bodyTooLarge(limit);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limit.maxBytes) throw bodyTooLarge(limit);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

function bodyTooLarge(limit: BodyLimit): ChatOpsError {
  return new ChatOpsError(
    'BODY_TOO_LARGE',
    `${limit.subject} is larger than the limit of ${limit.maxBytes} bytes.`,
    { remedy: limit.remedy, details: { limitBytes: limit.maxBytes } },
  );
}
