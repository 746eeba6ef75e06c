import type { MessageView } from '../../src/core/index.ts';

/**
 * What the web adapter needs from storage, as narrow ports (src/db implements them; src/wiring/gateway.ts
 * wires them in). The receiver checks a click against the message we stored.
 */
export interface WebMessageLookup {
  byId(messageId: string): Promise<MessageView | null>;
}
