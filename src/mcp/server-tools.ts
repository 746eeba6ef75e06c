import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import {
  commandInput,
  inputProblems,
  REQUEST_FIELD,
  type SkillToolSpec,
  skillTools,
} from '../agent/skill-tools.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Intake, Logger } from '../core/ports.ts';
import type { SkillManifest } from '../core/skill.ts';
import type { SkillCatalog } from '../core/skill-catalog.ts';
import { type Platform, TASK_VERSION, type Task } from '../core/task.ts';
import { isInputLimitError } from '../core/task-check.ts';
import { WORKFLOWS_SKILL } from '../core/workflows.ts';
import type { MessageStore } from '../db/message-store.ts';
import type { TaskLedger } from '../db/task-ledger.ts';

/**
 * The bot's own skills as MCP tools, for Claude Desktop, IDE agents and other MCP clients. A call becomes
 * a Task (`platform: mcp`) on the same queue and supervisor path as a chat message; the answer is the
 * text the skill replied. Replies (approval requests included) are posted to the configured channel, so
 * a side effect requested through MCP waits for people to approve it there: it never runs directly.
 */
export interface SkillServerDependencies {
  catalog: SkillCatalog;
  intake: Intake;
  ledger: TaskLedger;
  messages: MessageStore;
  version: string;
  replyTo: { platform: Platform; channel: string };
  waitMs: number;
  log: Logger;
}

export interface McpPrincipal {
  tenantId: string;
  userId: string;
  userName: string;
}

/** The free-text tool: anything a person could type in chat, routed by the supervisor. */
export const CHAT_TOOL = 'chat';
// `run` is for people in chat; `workflows` only runs buttons and approval continuations.
const HIDDEN = ['run', WORKFLOWS_SKILL];
const POLL_MS = 150;

/** The skill tools the server offers besides `chat`: one per installed command (`run` stays in chat). */
export function serverToolSpecs(manifests: readonly SkillManifest[]): SkillToolSpec[] {
  return skillTools(manifests, HIDDEN).filter((spec) => spec.name !== CHAT_TOOL);
}

/** What an MCP client reads about the server, generated from the installed skills so it names only those. */
export function serverInstructions(manifests: readonly SkillManifest[]): string {
  const names = serverToolSpecs(manifests).map((spec) => spec.name);
  const commands = names.length > 0 ? `one per installed command (${names.join(', ')}) and ` : '';
  return `Tools of the chat-ops bot: ${commands}"${CHAT_TOOL}" for anything a person would type in chat. Each runs a skill as if a person used it in chat. Tools that change things (destructiveHint) only request an approval from people in chat.`;
}

export function createSkillServer(deps: SkillServerDependencies, principal: McpPrincipal): Server {
  const server = new Server(
    { name: 'chatops', title: 'chatops bot', version: deps.version },
    { capabilities: { tools: {} }, instructions: serverInstructions(deps.catalog.manifests) },
  );
  const specs = () => serverToolSpecs(deps.catalog.manifests);
  const chat = chatTool(deps.catalog.manifests);
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [chat, ...specs().map(toMcpTool)],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const input = (request.params.arguments ?? {}) as Record<string, unknown>;
    if (request.params.name === CHAT_TOOL) {
      const text = typeof input[REQUEST_FIELD] === 'string' ? String(input[REQUEST_FIELD]).trim() : '';
      if (!text) return failure(`"${REQUEST_FIELD}" is required: what you would type in chat.`);
      return run(deps, principal, { kind: 'api', text }, `${text}`);
    }
    const spec = specs().find((candidate) => candidate.name === request.params.name);
    if (!spec) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    const { args, request: words } = commandInput(spec, input);
    const unknown = Object.keys(input).filter(
      (key) => key !== REQUEST_FIELD && !spec.argumentNames.includes(key),
    );
    const problems = [
      ...unknown.map((key) => `\`${key}\` is not an argument of ${spec.name}`),
      ...(inputProblems(spec, deps.catalog.manifests, args)?.split('\n') ?? []),
    ];
    if (problems.length > 0) return failure(`Invalid arguments for ${spec.name}:\n${problems.join('\n')}`);
    const shown = [
      `/${spec.command ?? spec.skillId}`,
      ...Object.entries(args).map(([k, v]) => `${k}=${v}`),
      words,
    ]
      .filter(Boolean)
      .join(' ');
    const shape = spec.command
      ? { kind: 'command' as const, command: spec.command, args, text: words ?? '' }
      : { kind: 'api' as const, text: words ?? '' };
    return run(deps, principal, shape, shown);
  });
  return server;
}

/** The free-text tool; its example request is one an installed skill lists, so it never promises more. */
function chatTool(manifests: readonly SkillManifest[]): Tool {
  const example = manifests.flatMap((skill) => skill.examples)[0];
  return {
    name: CHAT_TOOL,
    title: 'Ask the bot',
    description:
      'Send a message to the chat-ops bot as a person would in chat; the supervisor routes it to the right skill and the answer comes back.',
    inputSchema: {
      type: 'object',
      properties: {
        [REQUEST_FIELD]: {
          type: 'string',
          description: example ? `The message, e.g. "${example}"` : 'The message.',
        },
      },
      required: [REQUEST_FIELD],
    },
    annotations: { title: 'Ask the bot', readOnlyHint: false, destructiveHint: false, openWorldHint: true },
  };
}

function toMcpTool(spec: SkillToolSpec): Tool {
  return {
    name: spec.name,
    title: spec.command ? `/${spec.command}` : spec.skillId,
    description: spec.description,
    inputSchema: spec.inputSchema as Tool['inputSchema'],
    annotations: {
      title: spec.command ? `/${spec.command}` : spec.skillId,
      readOnlyHint: !spec.sideEffects,
      destructiveHint: spec.sideEffects,
      openWorldHint: true,
    },
  };
}

async function run(
  deps: SkillServerDependencies,
  principal: McpPrincipal,
  shape: Pick<Task, 'kind' | 'text' | 'command' | 'args'>,
  shown: string,
): Promise<CallToolResult> {
  const thread = uuidv7();
  const task: Task = {
    v: TASK_VERSION,
    id: uuidv7(),
    tenantId: principal.tenantId,
    platform: 'mcp',
    ...shape,
    user: { id: principal.userId, name: principal.userName },
    channel: deps.replyTo.channel,
    thread,
    replyTo: {
      platform: deps.replyTo.platform,
      tenantId: principal.tenantId,
      channel: deps.replyTo.channel,
      thread,
    },
    sourceEventId: thread,
    receivedAt: new Date().toISOString(),
  };
  let accepted: Awaited<ReturnType<SkillServerDependencies['intake']['accept']>>;
  try {
    accepted = await deps.intake.accept(task, { id: uuidv7(), text: shown });
  } catch (error) {
    // Too large to become a task: the caller is told the limit, and nothing is queued.
    if (isInputLimitError(error)) return failure(error.explanation);
    throw error;
  }
  deps.log.info('mcp-tool-called', {
    taskId: accepted.task.id,
    command: task.command ?? null,
    user: principal.userId,
  });
  const status = await waitForOutcome(deps, accepted.task.id);
  const replies = await deps.messages.repliesOf(accepted.task.id);
  const answer = replies
    .map((message) => message.text)
    .filter(Boolean)
    .join('\n\n');
  const where = `#${deps.replyTo.channel} (${deps.replyTo.platform})`;
  if (status === 'queued' || status === 'running') {
    return text(
      `Still working on it (task ${accepted.task.id}, ${status}). The answer will be posted in ${where}; GET /api/v1/tasks/${accepted.task.id} shows it.`,
    );
  }
  const footer = `— task ${accepted.task.id} · ${status} · posted in ${where}`;
  return {
    ...text(`${answer || '(no answer)'}\n\n${footer}`),
    ...(status === 'failed' ? { isError: true } : {}),
  };
}

async function waitForOutcome(deps: SkillServerDependencies, taskId: string): Promise<string> {
  const deadline = Date.now() + deps.waitMs;
  for (;;) {
    const row = await deps.ledger.get(taskId);
    const status = row?.status ?? 'queued';
    if (status === 'succeeded' || status === 'failed' || status === 'awaiting_approval') return status;
    if (Date.now() >= deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function text(value: string): CallToolResult {
  return { content: [{ type: 'text', text: value }] };
}

function failure(message: string): CallToolResult {
  return { ...text(message), isError: true };
}
