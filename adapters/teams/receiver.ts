import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InvokeResponse } from '@microsoft/teams.api';
import { App } from '@microsoft/teams.apps';
import {
  type Clock,
  FORM_SUBMIT_ACTION,
  type InboundMessage,
  type Intake,
  isChatOpsError,
  isInputLimitError,
  type Logger,
  needsForm,
  privateReply,
  type Sender,
  type SkillCatalog,
  type Task,
  uuidv7,
} from '../../src/core/index.ts';
import { type InboundActivity, InboundActivitySchema } from './activity.ts';
import { checkClick, clickError, clickResponse } from './card-click.ts';
import { answerFormSubmit } from './card-form.ts';
import { ContactMemory } from './contact-memory.ts';
import { readJson } from './http-body.ts';
import type { TeamsContacts, TeamsMessageLookup } from './ports.ts';
import { RouteTableAdapter } from './route-adapter.ts';
import { sdkLogger } from './sdk-logger.ts';
import { cloudOf, isAllowedServiceUrl, type TeamsSettings } from './settings.ts';
import {
  actionToTask,
  classifyActivity,
  type MappingContext,
  messageToTask,
  tenantOf,
  welcomeToTask,
} from './to-task.ts';

export const TEAMS_ENDPOINT = '/api/messages';

export interface TeamsReceiverOptions {
  settings: TeamsSettings;
  intake: Intake;
  catalog: SkillCatalog;
  messages: TeamsMessageLookup;
  /** Usage errors for malformed commands are sent at once, through the Teams sender. */
  sender: Sender;
  contacts?: TeamsContacts;
  /** Tenant of activities that carry none (the Bot Framework Emulator, in `chatops dev`). */
  defaultTenantId: string;
  maxBodyBytes: number;
  log: Logger;
  clock?: Clock;
  /** Called with the seconds from arrival to answer (the gateway's ack-latency metric). */
  onAcknowledged?: (seconds: number) => void;
}

type Answer = { status: number; body?: unknown };

/**
 * `POST /api/messages`: the Teams SDK verifies the Bot Framework token (issuer, audience = app id, signing
 * keys, clock skew, the `serviceurl` claim against the activity), then this maps the activity to a Task,
 * records it (deduplicated on the activity) and enqueues it, and answers at once. Nothing slow here: the
 * SDK answers Teams only after the handler returns.
 */
export class TeamsReceiver {
  readonly #options: TeamsReceiverOptions;
  readonly #adapter: RouteTableAdapter;
  readonly #app: App;
  readonly #commands: ReadonlySet<string>;
  readonly #contacts: ContactMemory;
  readonly #ready: Promise<void>;

  constructor(options: TeamsReceiverOptions) {
    this.#options = options;
    this.#adapter = new RouteTableAdapter(TEAMS_ENDPOINT);
    this.#commands = new Set(options.catalog.commandNames());
    this.#contacts = new ContactMemory(options.contacts, options.log);
    const credentials = options.settings.credentials;
    // Every option is explicit: left out, the SDK would read CLIENT_ID, TENANT_ID and friends from the
    // environment, behind the configuration's back.
    this.#app = new App({
      clientId: credentials?.appId ?? '',
      clientSecret: '',
      tenantId: credentials?.tenantId ?? '',
      managedIdentityClientId: '',
      ...(credentials ? { token: () => Promise.reject(new Error('the receiver never sends')) } : {}),
      dangerouslyAllowUnauthenticatedRequests: credentials === null,
      httpServerAdapter: this.#adapter,
      messagingEndpoint: TEAMS_ENDPOINT,
      serviceUrl: options.settings.defaultServiceUrl,
      cloud: cloudOf(options.settings),
      logger: sdkLogger(options.log),
      state: false,
      telemetry: { agent365: false },
    });
    this.#app.use(async ({ activity }) => this.#onActivity(activity as unknown));
    // Registers the messaging handler on the adapter and builds the token validator (no I/O).
    this.#ready = this.#app.initialize();
  }

  get authenticated(): boolean {
    return this.#options.settings.credentials !== null;
  }

  /** The gateway's route handler. */
  async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = process.hrtime.bigint();
    let answer: Answer;
    try {
      const body = await readJson(req, this.#options.maxBodyBytes);
      answer = await this.handleInbound(body, headersOf(req));
    } catch (error) {
      const failure = isChatOpsError(error) ? error : null;
      answer = {
        status: failure?.httpStatus ?? 500,
        body: { error: failure?.explanation ?? 'Internal error' },
      };
    }
    const payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload);
    this.#options.onAcknowledged?.(Number(process.hrtime.bigint() - arrived) / 1e9);
  }

  /** One activity in memory (tests, and the emulator): token check, mapping, record, enqueue. */
  async handleInbound(body: unknown, headers: Record<string, string | string[]>): Promise<Answer> {
    // Agentic (Entra-issued) tokens skip the SDK's serviceUrl check; this bot is a Bot Framework bot.
    if (this.authenticated && entraIssued(headers)) {
      return { status: 401, body: { error: 'Only Bot Framework tokens are accepted here.' } };
    }
    await this.#ready;
    return this.#adapter.handle(body, headers);
  }

  async #onActivity(raw: unknown): Promise<InvokeResponse | undefined> {
    const parsed = InboundActivitySchema.safeParse(raw);
    if (!parsed.success) {
      return { status: 400, body: { error: `Not a Teams activity: ${parsed.error.issues[0]?.message}` } };
    }
    const activity = parsed.data;
    const refused = this.#refusal(activity);
    if (refused) return refused;
    const kind = classifyActivity(activity);
    if (kind === 'ignored') return undefined;
    const tenantId = tenantOf(activity) ?? this.#options.defaultTenantId;
    try {
      await this.#contacts.remember(activity, tenantId);
      if (kind === 'card-action') return await this.#onClick(activity, tenantId);
      const context = this.#context(tenantId);
      if (kind === 'welcome') {
        await this.#options.intake.accept(welcomeToTask(activity, context));
        return undefined;
      }
      // Legacy Action.Submit buttons (other apps' cards) arrive as a message with a value and no text.
      if (activity.value !== undefined && !activity.text) return undefined;
      const { task, message } = messageToTask(activity, context);
      if (this.#answeredUsage(task)) return undefined;
      await this.#acceptOrExplain(task, message);
      return undefined;
    } catch (error) {
      if (!isChatOpsError(error)) throw error;
      this.#options.log.warn('teams-activity-refused', { code: error.code, error: error.message });
      return { status: error.httpStatus, body: { error: error.explanation } };
    }
  }

  /** Checks beyond the token: the channel, the Bot Connector host and the tenant. */
  #refusal(activity: InboundActivity): InvokeResponse | null {
    const { settings } = this.#options;
    if (this.authenticated && activity.channelId !== 'msteams') {
      return { status: 400, body: { error: `This bot serves Microsoft Teams, not ${activity.channelId}.` } };
    }
    if (this.authenticated && !isAllowedServiceUrl(activity.serviceUrl, settings.serviceHosts)) {
      return { status: 403, body: { error: 'The activity names a serviceUrl outside TEAMS_SERVICE_HOSTS.' } };
    }
    const tenant = tenantOf(activity);
    if (settings.allowedTenants && (!tenant || !settings.allowedTenants.includes(tenant))) {
      return { status: 403, body: { error: 'This tenant may not use this bot (TEAMS_ALLOWED_TENANTS).' } };
    }
    return null;
  }

  async #onClick(activity: InboundActivity, tenantId: string): Promise<InvokeResponse> {
    const checked = await checkClick(activity, tenantId, (id) => this.#options.messages.byId(id));
    if (!checked.ok) return { status: 200, body: clickError(checked.status, checked.message) };
    if (checked.click.actionId === FORM_SUBMIT_ACTION) {
      const context = this.#context(tenantId);
      const form = answerFormSubmit(activity, checked.click, checked.card, this.#options.catalog, context);
      if (form.task) await this.#options.intake.accept(form.task);
      return { status: 200, body: form.response };
    }
    const task = actionToTask(activity, checked.click, this.#context(tenantId));
    let accepted: Awaited<ReturnType<Intake['accept']>>;
    try {
      accepted = await this.#options.intake.accept(task);
    } catch (error) {
      // Teams shows an invoke's error on the card itself: the person sees the limit where they clicked.
      if (isInputLimitError(error)) return { status: 200, body: clickError(400, error.explanation) };
      throw error;
    }
    const by = activity.from.name ?? 'you';
    return { status: 200, body: clickResponse(checked.click, checked.card, by, accepted.duplicate) };
  }

  /** A command with declared arguments that do not fit is answered with its usage, and not queued. */
  #answeredUsage(task: Task): boolean {
    if (task.kind !== 'command' || !task.command) return false;
    const { catalog } = this.#options;
    // Run bare, a command with required arguments is answered by the worker with its form.
    const spec = catalog.byCommand(task.command)?.command;
    if (spec && needsForm(spec, task.text, task.args ?? {})) return false;
    const problem = catalog.usageProblem(task.command, task.args ?? {}, task.text);
    if (!problem) return false;
    const skill = catalog.byCommand(task.command)?.skill.id ?? null;
    this.#answer(task, problem, skill, 'teams-usage-reply-failed');
    return true;
  }

  /**
   * Records and queues a task. One that breaks a limit of the Task schema (a 50,000-character message) is
   * not taken: the person is told the limit in the conversation instead of a silence.
   */
  async #acceptOrExplain(task: Task, message: InboundMessage): Promise<void> {
    try {
      await this.#options.intake.accept(task, message);
    } catch (error) {
      if (!isInputLimitError(error)) throw error;
      this.#answer(task, error.explanation, null, 'teams-limit-reply-failed');
    }
  }

  #answer(task: Task, text: string, skill: string | null, failure: string): void {
    const reply = privateReply(text, task.user.id);
    const message = { id: uuidv7(), taskId: task.id, skill, createdAt: this.#now() };
    // Sent after the acknowledgement; a failure to answer is logged, the person can simply retry.
    void this.#options.sender.send(task.replyTo, reply, message).catch((error: unknown) => {
      this.#options.log.warn(failure, { taskId: task.id, error });
    });
  }

  #context(tenantId: string): MappingContext {
    return { taskId: uuidv7(), messageId: uuidv7(), now: this.#now(), tenantId, commands: this.#commands };
  }

  #now(): Date {
    return this.#options.clock?.now() ?? new Date();
  }
}

function headersOf(req: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = value;
  return headers;
}

/** True for a bearer token whose (unverified) issuer is Entra rather than the Bot Framework. */
function entraIssued(headers: Record<string, string | string[]>): boolean {
  const raw = headers.authorization;
  const header = Array.isArray(raw) ? raw[0] : raw;
  const payload = header?.replace(/^Bearer\s+/i, '').split('.')[1];
  if (!payload) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown };
    return (
      typeof claims.iss === 'string' &&
      /^https:\/\/(login\.microsoftonline\.|login\.partner\.microsoftonline\.cn|sts\.windows\.net|login\.chinacloudapi)/.test(
        claims.iss,
      )
    );
  } catch {
    return false;
  }
}
