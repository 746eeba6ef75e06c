import type { IncomingMessage, ServerResponse } from 'node:http';
import { App } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import {
  type Clock,
  type Intake,
  isChatOpsError,
  type Logger,
  type Sender,
  type SkillCatalog,
} from '../../src/core/index.ts';
import type { AppHome } from './app-home.ts';
import type { SlackClients } from './clients.ts';
import { onAppHomeOpened, onMessageEvent, onUninstalled } from './handle-events.ts';
import { onBlockAction, onSlashCommand, onViewSubmission } from './handle-interactivity.ts';
import { readRawBody, verifyRequest } from './http-request.ts';
import type { InboundServices } from './inbound.ts';
import type { RecentClicks, SlackInstallations, SlackMessageLookup, SlackThreads } from './ports.ts';
import { sdkLogger } from './sdk-logger.ts';
import { dispatch, GatewayReceiver, SocketTransport } from './transport.ts';
import type { SlackUserNames } from './user-names.ts';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackReceiverOptions {
  /** Verifies HTTP requests; unset in Socket Mode. */
  signingSecret: string | undefined;
  /** Set: receive over Socket Mode (call `start()`), not HTTP. */
  appToken: string | undefined;
  intake: Intake;
  catalog: SkillCatalog;
  messages: SlackMessageLookup;
  threads: SlackThreads;
  clients: SlackClients;
  clicks: RecentClicks;
  users: SlackUserNames;
  home: AppHome;
  sender: Sender;
  installations?: SlackInstallations;
  maxBodyBytes: number;
  log: Logger;
  clock?: Clock;
  /** Called with the seconds from arrival to answer (the gateway's ack-latency metric). */
  onAcknowledged?: (seconds: number) => void;
}

export interface SlackAnswer {
  status: number;
  body?: unknown;
}

/**
 * Slack's events, slash commands and interactivity on one URL (`POST /slack/events`), or over Socket Mode.
 * Each request: verify the signature → Bolt routes it to a handler → map to a Task (to-task.ts) → record
 * (the ledger dedupes retries, replays and double clicks) → enqueue → answer. Bolt runs without a token:
 * the gateway never calls Slack before it answers, and the worker sends.
 */
export class SlackReceiver {
  readonly #options: SlackReceiverOptions;
  readonly #app: App;
  readonly #socket: SocketTransport | null;

  constructor(options: SlackReceiverOptions) {
    this.#options = options;
    const logger = sdkLogger(options.log, 'slack-bolt');
    this.#socket = options.appToken
      ? new SocketTransport(
          new SocketModeClient({
            appToken: options.appToken,
            logger,
            clientOptions: { slackApiUrl: options.clients.apiUrl },
          }),
          (error) => options.log.warn('slack-socket-event-failed', { error: describe(error) }),
        )
      : null;
    this.#app = new App({
      receiver: this.#socket ?? new GatewayReceiver(),
      // Who the event is for comes from the signed payload itself; no token is needed to receive.
      authorize: async (source) => ({
        ...(source.teamId ? { teamId: source.teamId } : {}),
        ...(source.enterpriseId ? { enterpriseId: source.enterpriseId } : {}),
      }),
      ignoreSelf: false,
      convoStore: false,
      logger,
    });
    this.#app.error(async (error) => {
      throw error.original ?? error;
    });
    this.#register(this.#services());
  }

  /** Socket Mode: opens the connection (apps.connections.open, then the WebSocket). */
  async start(): Promise<void> {
    await this.#socket?.start();
  }

  async stop(): Promise<void> {
    await this.#socket?.stop();
  }

  get socketMode(): boolean {
    return this.#socket !== null;
  }

  /** The gateway's route handler for POST /slack/events. */
  async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = process.hrtime.bigint();
    let answer: SlackAnswer;
    try {
      const body = await readRawBody(req, this.#options.maxBodyBytes);
      answer = await this.handleInbound(body, req.headers);
    } catch (error) {
      answer = { status: isChatOpsError(error) ? error.httpStatus : 500 };
    }
    const payload = answer.body === undefined || answer.body === null ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload);
    this.#options.onAcknowledged?.(Number(process.hrtime.bigint() - arrived) / 1e9);
  }

  /** One signed request in memory (tests and the benchmark): verify, route, record, enqueue, answer. */
  async handleInbound(
    rawBody: string,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<SlackAnswer> {
    const secret = this.#options.signingSecret;
    if (!secret) return { status: 404 };
    let request: ReturnType<typeof verifyRequest>;
    try {
      request = verifyRequest(rawBody, headers, secret, this.#now().getTime());
    } catch (error) {
      if (isChatOpsError(error)) {
        this.#options.log.warn('slack-request-refused', { code: error.code, reason: error.message });
        return { status: error.httpStatus };
      }
      throw error;
    }
    if (request.kind === 'ssl-check') return { status: 200 };
    if (request.kind === 'url-verification') return { status: 200, body: { challenge: request.challenge } };
    const result = await dispatch(this.#app, request.body, request);
    if (result.ok) return { status: 200, ...(result.response ? { body: result.response } : {}) };
    this.#options.log.warn('slack-request-failed', { status: result.status, error: describe(result.error) });
    return { status: result.status };
  }

  #register(services: InboundServices): void {
    const app = this.#app;
    // One listener for every event type: Bolt runs each listener's middleware chain on every request, so
    // five listeners were five chains (and their promises and closures) on the ack path.
    const handlers: Record<string, (services: InboundServices, body: unknown) => Promise<void>> = {
      app_mention: onMessageEvent,
      message: onMessageEvent,
      app_home_opened: onAppHomeOpened,
      app_uninstalled: onUninstalled,
      tokens_revoked: onUninstalled,
    };
    app.event(
      /^(app_mention|message|app_home_opened|app_uninstalled|tokens_revoked)$/,
      async ({ body, event }) => handlers[event.type]?.(services, body),
    );
    app.command(/.*/, async ({ body, ack }) => onSlashCommand(services, body, ack as never));
    app.action(/.*/, async ({ body, ack }) => onBlockAction(services, body, ack as never));
    app.view(/.*/, async ({ body, ack }) => onViewSubmission(services, body, ack as never));
  }

  #services(): InboundServices {
    const options = this.#options;
    return {
      intake: options.intake,
      catalog: options.catalog,
      commands: new Set(options.catalog.commandNames()),
      messages: options.messages,
      threads: options.threads,
      clients: options.clients,
      clicks: options.clicks,
      users: options.users,
      home: options.home,
      sender: options.sender,
      installations: options.installations,
      log: options.log,
      now: () => this.#now(),
      later: (what, work) => {
        setImmediate(() => {
          work().catch((error: unknown) => options.log.warn(`${what}-failed`, { error: describe(error) }));
        });
      },
    };
  }

  #now(): Date {
    return this.#options.clock?.now() ?? new Date();
  }
}

function describe(error: unknown): string {
  if (isChatOpsError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
