import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalsPort, ApprovedAction } from '../core/approvals.ts';
import { canonicalJson, stableHash, uuidv7 } from '../core/ids.ts';
import type { Logger } from '../core/ports.ts';
import { redactDeep, redactSecrets } from '../core/redact.ts';
import type { Caller } from '../core/skill.ts';
import type { Task } from '../core/task.ts';
import type { ToolCallResult, ToolInfo, ToolsPort } from '../core/tools.ts';
import type { ToolCallEntry } from '../db/tool-call-log.ts';
import type { McpCallOutcome, McpToolEntry } from '../mcp/client-pool.ts';
import type { Policy } from './policy.ts';

/** What runs the tools: the MCP client pool (tests pass the same pool against reference servers). */
export interface ToolBackend {
  tools(): McpToolEntry[];
  find(name: string): McpToolEntry | undefined;
  call(name: string, args: Record<string, unknown>): Promise<McpCallOutcome>;
}

export interface ToolCallSink {
  record(entry: ToolCallEntry): Promise<void>;
}

/** Per run: who asks, where, and the approvals context of the skill run the port belongs to. */
export interface ToolScope {
  task: Task;
  caller: Caller;
  origin: ToolCallEntry['origin'];
  approvals: () => ApprovalsPort;
  approved: () => ApprovedAction | undefined;
  log: Logger;
}

/** The skill whose run executes an approved tool call (the `/run` skill). */
export const TOOL_EXECUTOR_SKILL = 'run';
const MAX_RESULT_CHARS = 50_000;

/**
 * The one door to MCP tools, for `/run`, for the supervisor's model-chosen calls and for skills
 * (`ctx.tools`). In order: the allowlists (channel, roles); then side effects: a tool that is not read-only
 * (or is destructive) never runs unless this run is the continuation of an approval for exactly this tool
 * and these arguments; otherwise an approval is requested and nothing runs. Every call is recorded.
 */
export class ToolGateway {
  readonly #backend: ToolBackend;
  readonly #policy: Policy;
  readonly #sink: ToolCallSink;

  constructor(backend: ToolBackend, policy: Policy, sink: ToolCallSink) {
    this.#backend = backend;
    this.#policy = policy;
    this.#sink = sink;
  }

  describe(entry: McpToolEntry): ToolInfo {
    return {
      name: entry.name,
      server: entry.server,
      tool: entry.tool.name,
      ...(entry.tool.title || entry.tool.annotations?.title
        ? { title: entry.tool.title ?? entry.tool.annotations?.title ?? '' }
        : {}),
      description: entry.tool.description ?? entry.tool.title ?? entry.tool.name,
      inputSchema: entry.tool.inputSchema as Record<string, unknown>,
      sideEffects: this.#policy.sideEffectsOverride(entry.name) ?? hasSideEffects(entry.tool),
    };
  }

  forRun(scope: ToolScope): ToolsPort {
    return {
      list: async () => {
        const roles = await scope.caller.roles();
        return this.#backend
          .tools()
          .filter((entry) => this.#policy.tool(entry.name, placeOf(scope.task), roles).allowed)
          .map((entry) => this.describe(entry));
      },
      lookup: async (name) => {
        const entry = this.#backend.find(name);
        if (!entry) {
          const words = name.split(/__|[_-]/).filter((word) => word.length > 2);
          const suggestions = this.#backend
            .tools()
            .map((tool) => tool.name)
            .filter((candidate) => words.some((word) => candidate.includes(word)))
            .slice(0, 5);
          return { status: 'unknown', suggestions };
        }
        const decision = this.#policy.tool(name, placeOf(scope.task), await scope.caller.roles());
        if (!decision.allowed) return { status: 'denied', reason: decision.reason, remedy: decision.remedy };
        return { status: 'available', tool: this.describe(entry) };
      },
      call: (name, args) => this.#call(scope, name, args),
    };
  }

  async #call(scope: ToolScope, name: string, args: Record<string, unknown>): Promise<ToolCallResult> {
    const started = performance.now();
    const entry = this.#backend.find(name);
    const record = (status: ToolCallEntry['status'], extra: { approvalId?: string; error?: string } = {}) =>
      this.#sink
        .record({
          id: uuidv7(),
          taskId: scope.task.id,
          tenantId: scope.task.tenantId,
          tool: name,
          origin: scope.origin,
          argsHash: stableHash(args),
          args: redactDeep(args),
          status,
          approvalId: extra.approvalId ?? null,
          error: extra.error ? redactSecrets(extra.error).slice(0, 2000) : null,
          durationMs: Math.round(performance.now() - started),
        })
        .catch((error: unknown) => scope.log.warn('tool-call-not-recorded', { tool: name, error }));
    if (!entry) {
      const known = this.#backend.tools().map((tool) => tool.name);
      const text = `There is no tool called ${name}.${known.length ? ` Tools: ${known.join(', ')}.` : ' No MCP tools are connected.'}`;
      await record('failed', { error: text });
      return { status: 'done', isError: true, text };
    }
    const decision = this.#policy.tool(name, placeOf(scope.task), await scope.caller.roles());
    if (!decision.allowed) {
      await record('denied', { error: decision.reason });
      return { status: 'denied', reason: decision.reason, remedy: decision.remedy };
    }
    if (this.describe(entry).sideEffects && !approvedFor(scope.approved(), name, args)) {
      return this.#requestApproval(scope, name, args, record);
    }
    const outcome = await this.#backend.call(name, args);
    const text = redactSecrets(outcome.text).slice(0, MAX_RESULT_CHARS);
    await record(outcome.isError ? 'failed' : 'succeeded', outcome.isError ? { error: text } : {});
    scope.log.info('tool-called', { tool: name, origin: scope.origin, isError: outcome.isError });
    return {
      status: 'done',
      isError: outcome.isError,
      text,
      ...(outcome.structured === undefined ? {} : { structured: redactDeep(outcome.structured) }),
    };
  }

  async #requestApproval(
    scope: ToolScope,
    name: string,
    args: Record<string, unknown>,
    record: (
      status: ToolCallEntry['status'],
      extra?: { approvalId?: string; error?: string },
    ) => Promise<void>,
  ): Promise<ToolCallResult> {
    const title = `Run ${name} for ${scope.caller.name}`;
    try {
      const ticket = await scope.approvals().request({
        action: { kind: 'tool', name, args, executor: TOOL_EXECUTOR_SKILL },
        title,
        summary: [
          { label: 'Tool', value: name },
          { label: 'Arguments', value: redactSecrets(canonicalJson(args)).slice(0, 2000) },
          { label: 'Asked by', value: originLabel(scope.origin) },
        ],
      });
      await record('approval_requested', { approvalId: ticket.approvalId });
      scope.log.info('tool-approval-requested', {
        tool: name,
        approvalId: ticket.approvalId,
        origin: scope.origin,
      });
      return {
        status: 'approval-requested',
        approvalId: ticket.approvalId,
        approvalStatus: ticket.status,
        title,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await record('denied', { error: message });
      return {
        status: 'denied',
        reason: `${name} changes something and needs an approval, which could not be requested: ${message}`,
        remedy: (error as { remedy?: string }).remedy ?? 'Ask an administrator to check the approvals setup.',
      };
    }
  }
}

/**
 * MCP's hints: a tool changes something unless it says it is read-only; a destructive hint always counts.
 * (The spec's defaults are readOnlyHint false, destructiveHint true: a tool without hints has side effects.)
 */
export function hasSideEffects(tool: Tool): boolean {
  if (tool.annotations?.destructiveHint === true) return true;
  return tool.annotations?.readOnlyHint !== true;
}

/** True when this run resumes an approval of exactly this tool with exactly these arguments. */
function approvedFor(
  approved: ApprovedAction | undefined,
  name: string,
  args: Record<string, unknown>,
): boolean {
  if (approved?.action.kind !== 'tool' || approved.action.name !== name) return false;
  return stableHash(approved.action.args) === stableHash(args);
}

function placeOf(task: Task): { platform: string; channel: string } {
  return { platform: task.replyTo.platform, channel: task.channel };
}

function originLabel(origin: ToolCallEntry['origin']): string {
  switch (origin) {
    case 'model':
      return 'the assistant (model-chosen; review the arguments)';
    case 'command':
      return 'a person, with /run';
    case 'mcp':
      return 'an MCP client';
    default:
      return origin;
  }
}
