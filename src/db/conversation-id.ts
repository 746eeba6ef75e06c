import { createHash } from 'node:crypto';

/** Deterministic conversation id: writers insert-or-ignore it without a lookup round trip. */
export function conversationId(tenantId: string, platform: string, channel: string, thread: string): string {
  return createHash('sha256')
    .update([tenantId, platform, channel, thread].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}
