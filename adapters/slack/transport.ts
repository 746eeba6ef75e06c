import type { App, Receiver } from '@slack/bolt';
import type { SocketModeClient } from '@slack/socket-mode';
import { isChatOpsError } from '../../src/core/index.ts';

/**
 * How one inbound payload reaches Bolt and what Slack is answered. Bolt acknowledges events before its
 * listeners run; here an acknowledgement only stores the answer, and the answer leaves once the listeners
 * have recorded and queued the task (Bolt's `processBeforeResponse`). A listener that fails (the database
 * or Redis is down) leaves the payload unacknowledged: Slack delivers it again, and the ledger runs it once.
 * Listeners do nothing slow before they return; what follows the answer (opening a form, publishing the App
 * Home) runs detached.
 */
export type DispatchResult = { ok: true; response: unknown } | { ok: false; status: number; error: unknown };

export async function dispatch(
  app: App,
  body: Record<string, unknown>,
  retry: { retryNum?: number | undefined; retryReason?: string | undefined } = {},
): Promise<DispatchResult> {
  let response: unknown;
  try {
    await app.processEvent({
      body,
      ack: async (answer?: unknown) => {
        if (response === undefined) response = answer ?? null;
      },
      ...(retry.retryNum === undefined ? {} : { retryNum: retry.retryNum }),
      ...(retry.retryReason === undefined ? {} : { retryReason: retry.retryReason }),
    });
    return { ok: true, response: response ?? null };
  } catch (error) {
    const status = isChatOpsError(error) ? Math.max(error.httpStatus, 500) : 500;
    return { ok: false, status, error };
  }
}

/** Bolt's receiver seam for HTTP: the gateway owns the server, so this only hands Bolt to our route. */
export class GatewayReceiver implements Receiver {
  #app: App | null = null;

  init(app: App): void {
    this.#app = app;
  }

  get app(): App {
    if (!this.#app) throw new Error('The Slack app was not initialised.');
    return this.#app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}

/**
 * Bolt's receiver seam for Socket Mode (an app-level token; no public URL): the same dispatch as over
 * HTTP, acknowledged on the socket only after the task is recorded and queued. A payload left
 * unacknowledged is delivered again by Slack.
 */
export class SocketTransport implements Receiver {
  readonly client: SocketModeClient;
  #app: App | null = null;
  readonly #onFailure: (error: unknown) => void;

  constructor(client: SocketModeClient, onFailure: (error: unknown) => void) {
    this.client = client;
    this.#onFailure = onFailure;
    this.client.on('slack_event', (event: SocketEvent) => {
      void this.#receive(event);
    });
  }

  init(app: App): void {
    this.#app = app;
  }

  async start(): Promise<void> {
    await this.client.start();
  }

  async stop(): Promise<void> {
    await this.client.disconnect();
  }

  async #receive(event: SocketEvent): Promise<void> {
    if (!this.#app || !event.body || typeof event.body !== 'object') return;
    const result = await dispatch(this.#app, event.body as Record<string, unknown>, {
      retryNum: event.retry_num,
      retryReason: event.retry_reason,
    });
    if (!result.ok) {
      this.#onFailure(result.error);
      return;
    }
    await event.ack(result.response ?? undefined).catch((error: unknown) => this.#onFailure(error));
  }
}

interface SocketEvent {
  ack(response?: unknown): Promise<void>;
  body: unknown;
  retry_num?: number;
  retry_reason?: string;
}
