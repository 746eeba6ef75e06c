import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isChatOpsError, readLimitedBody } from '../../src/core/index.ts';

// Every receiver (REST API, Slack, Teams) reads its body through readLimitedBody: the same limit, the same
// error, before anything is parsed or recorded.
function request(chunks: string[], contentLength?: number): IncomingMessage {
  const stream = Readable.from(chunks.map((chunk) => Buffer.from(chunk))) as unknown as IncomingMessage;
  stream.headers = contentLength === undefined ? {} : { 'content-length': String(contentLength) };
  return stream;
}
const limit = { maxBytes: 10, subject: 'The Slack request', remedy: 'Raise API_MAX_BODY_BYTES.' };

describe('readLimitedBody', () => {
  it('returns the exact bytes of a body within the limit', async () => {
    const body = await readLimitedBody(request(['12345', '67890'], 10), limit);
    expect(body.toString('utf8')).toBe('1234567890');
  });

  it('refuses a declared Content-Length over the limit, naming the limit and the remedy', async () => {
    const refusal = await readLimitedBody(request(['x'], 11), limit).catch((error: unknown) => error);
    expect(isChatOpsError(refusal) && refusal.code).toBe('BODY_TOO_LARGE');
    expect((refusal as Error).message).toBe('The Slack request is larger than the limit of 10 bytes.');
    expect((refusal as { remedy?: string }).remedy).toBe('Raise API_MAX_BODY_BYTES.');
  });

  it('cuts off a body that grows past the limit without a Content-Length', async () => {
    const refusal = await readLimitedBody(request(['123456', '789012']), limit).catch(
      (error: unknown) => error,
    );
    expect(isChatOpsError(refusal) && refusal.code).toBe('BODY_TOO_LARGE');
  });
});
