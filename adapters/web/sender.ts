import type { Sender, SentMessage } from '../../src/core/ports.ts';
import type { Platform } from '../../src/core/task.ts';

/**
 * The sender of the REST API platform. Its replies are delivered by being stored: API clients read them
 * with GET /api/v1/tasks/{id} or the thread endpoint, and the web chat receives them from the live stream
 * that the reply channel publishes to. There is no remote platform to call.
 */
export function storedDeliverySender(platform: Platform): Sender {
  const delivered: SentMessage = { platformMessageId: null };
  return {
    platform,
    send: async () => delivered,
    update: async () => {},
  };
}
