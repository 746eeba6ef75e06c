import type { ApprovalsPort, ApprovedAction } from '../../core/approvals.ts';
import { ChatOpsError } from '../../core/errors.ts';
import type { LanguageModel } from '../../core/language-model.ts';
import type { Logger } from '../../core/ports.ts';
import type { Caller } from '../../core/skill.ts';
import type { SkillCatalog } from '../../core/skill-catalog.ts';
import type { Task } from '../../core/task.ts';
import type { ToolsPort } from '../../core/tools.ts';
import { WORKFLOWS_SKILL } from '../../core/workflows.ts';
import { TaskBudget } from '../llm/budget.ts';
import type { ConversationModel, MessageParam, ToolSpec } from '../llm/conversation.ts';
import { TaskModel } from '../llm/task-model.ts';
import type { UsageRecorder } from '../llm/usage-recorder.ts';
import type { Policy } from '../policy.ts';
import { type SkillToolSpec, skillTools } from '../skill-tools.ts';
import { TOOL_EXECUTOR_SKILL, type ToolGateway } from '../tool-gateway.ts';
import type { Route } from './command-table.ts';
import { withForm } from './form.ts';
import { gatedSkill, needsGate } from './gate.ts';
import { SupervisorLoop } from './loop.ts';
import type { ThreadMemory } from './memory.ts';
import { OfflineRouter } from './offline-router.ts';
import { routeTask } from './route-task.ts';

export interface AgentOptions {
  catalog: SkillCatalog;
  memory: ThreadMemory;
  policy: Policy;
  /** The Claude client, or null when no API key is configured. */
  model: ConversationModel | null;
  recorder: UsageRecorder | null;
  /** The MCP tools, or null when no MCP server is configured. */
  gateway: ToolGateway | null;
  budgets: { tokens: number; timeMs: number; maxTurns: number };
  log: Logger;
  offline?: OfflineRouter;
}

/**
 * Skills the model is not offered as tools: `/run` is for people (the model calls MCP tools itself), and
 * `workflows` only runs buttons and approval continuations.
 */
const HIDDEN_FROM_MODEL = [TOOL_EXECUTOR_SKILL, WORKFLOWS_SKILL];

/**
 * The supervisor as the worker sees it: one `AgentRun` per task, holding the task's model budget, its
 * routing decision, its tools port and what it leaves behind (the thread's sticky skill).
 */
export class Agent {
  readonly #options: AgentOptions;
  readonly #offline: OfflineRouter;

  constructor(options: AgentOptions) {
    this.#options = options;
    this.#offline = options.offline ?? new OfflineRouter();
  }

  get modelName(): string | null {
    return this.#options.model?.model ?? null;
  }

  begin(task: Task, caller: Caller, log: Logger): AgentRun {
    return new AgentRun(this.#options, this.#offline, task, caller, log);
  }
}

export class AgentRun {
  /** The model as this task's skills see it (`ctx.llm`): budgeted and accounted to the task. */
  readonly llm: (LanguageModel & ConversationModel) | null;
  readonly #options: AgentOptions;
  readonly #offline: OfflineRouter;
  readonly #task: Task;
  readonly #caller: Caller;
  readonly #log: Logger;
  readonly #budget: TaskBudget;
  #approvals: ApprovalsPort | null = null;

  constructor(options: AgentOptions, offline: OfflineRouter, task: Task, caller: Caller, log: Logger) {
    this.#options = options;
    this.#offline = offline;
    this.#task = task;
    this.#caller = caller;
    this.#log = log;
    this.#budget = new TaskBudget({ tokens: options.budgets.tokens, timeMs: options.budgets.timeMs });
    this.llm =
      options.model && options.recorder
        ? new TaskModel(options.model, this.#budget, options.recorder, {
            id: task.id,
            tenantId: task.tenantId,
          })
        : null;
  }

  async route(): Promise<Route> {
    const { catalog, memory, policy } = this.#options;
    let route = await routeTask({
      task: this.#task,
      caller: this.#caller,
      catalog,
      offline: this.#offline,
      memory,
      model: this.llm,
      tools: () => this.#toolsForModel(),
      loop: (messages, tools) => this.#loop(messages, tools),
      log: this.#log,
    });
    route = withForm(route, route.task ?? this.#task, catalog);
    if (needsGate(route.task ?? this.#task, route.skill, route.via === 'model')) {
      route = { ...route, skill: gatedSkill(route.skill) };
    }
    const roles = policy.needsRoles('skill', route.skill.id) ? await this.#caller.roles() : [];
    const decision = policy.skill(route.skill.id, placeOf(this.#task), roles);
    if (!decision.allowed) throw new ChatOpsError('FORBIDDEN', decision.reason, { remedy: decision.remedy });
    return route;
  }

  /**
   * The tools port of a skill's context, bound to its approvals (and approved action, for the executor of
   * an approved tool call). Undefined when no MCP server is configured.
   */
  toolsFor(
    skillId: string,
    context: { approvals: ApprovalsPort; approved: () => ApprovedAction | undefined },
  ): ToolsPort | undefined {
    this.#approvals = context.approvals;
    const gateway = this.#options.gateway;
    if (!gateway) return undefined;
    const executing = this.#task.kind === 'action' && skillId === TOOL_EXECUTOR_SKILL;
    return gateway.forRun({
      task: this.#task,
      caller: this.#caller,
      origin: executing ? 'approval' : skillId === TOOL_EXECUTOR_SKILL ? 'command' : 'skill',
      approvals: () => context.approvals,
      approved: context.approved,
      log: this.#log,
    });
  }

  /**
   * After success, the skill the thread sticks to (saved with the task's outcome), or null: fallbacks,
   * clicks and the assistant's own answers leave the thread free, so the next message is routed afresh.
   */
  stickySkill(route: Route): string | null {
    if (!['router', 'sticky', 'model', 'command'].includes(route.via) || route.skill.id === 'help')
      return null;
    return this.#options.catalog.byId(route.skill.id) ? route.skill.id : null;
  }

  close(): void {
    this.#budget.close();
  }

  async #toolsForModel(): Promise<{ skills: SkillToolSpec[]; mcp: ToolSpec[] }> {
    const roles = await this.#caller.roles();
    const place = placeOf(this.#task);
    const manifests = this.#options.catalog.manifests.filter(
      (skill) =>
        (skill.permissions.length === 0 || skill.permissions.some((role) => roles.includes(role))) &&
        this.#options.policy.skill(skill.id, place, roles).allowed,
    );
    const port = this.#modelTools();
    const mcp = port
      ? (await port.list()).map((tool) => ({
          name: tool.name,
          description: `${tool.description}${tool.sideEffects ? '\n[Changes things: calling it only requests an approval from people.]' : ''}`,
          inputSchema: tool.inputSchema,
        }))
      : [];
    return { skills: skillTools(manifests, HIDDEN_FROM_MODEL), mcp };
  }

  #modelTools(): ToolsPort | null {
    const gateway = this.#options.gateway;
    if (!gateway) return null;
    return gateway.forRun({
      task: this.#task,
      caller: this.#caller,
      origin: 'model',
      approvals: () => this.#approvalsPort(),
      // The model never resumes an approval: approved tool calls run in the executor skill's own run.
      approved: () => undefined,
      log: this.#log,
    });
  }

  #loop(messages: MessageParam[], tools: { skills: SkillToolSpec[]; mcp: ToolSpec[] }): SupervisorLoop {
    return new SupervisorLoop(
      {
        model: this.llm as ConversationModel,
        task: this.#task,
        tools: this.#modelTools(),
        mcpTools: tools.mcp,
        skillTools: tools.skills,
        manifests: this.#options.catalog.manifests,
        approvals: () => this.#approvalsPort(),
        maxTurns: this.#options.budgets.maxTurns,
        log: this.#log,
      },
      messages,
    );
  }

  #approvalsPort(): ApprovalsPort {
    if (this.#approvals) return this.#approvals;
    throw new ChatOpsError('FORBIDDEN', 'Approvals are not available in this run.', {
      remedy: 'This is a wiring bug: the skill context must be built before the supervisor runs tools.',
    });
  }
}

function placeOf(task: Task): { platform: string; channel: string } {
  return { platform: task.replyTo.platform, channel: task.channel };
}
