import type { ApprovalsPort } from '../../core/approvals.ts';
import type { Logger } from '../../core/ports.ts';
import type { SkillManifest } from '../../core/skill.ts';
import type { Task } from '../../core/task.ts';
import type { ToolCallResult, ToolsPort } from '../../core/tools.ts';
import type {
  ContentBlockParam,
  ConversationModel,
  MessageParam,
  ModelTurn,
  ToolSpec,
  ToolUse,
} from '../llm/conversation.ts';
import { commandInput, inputProblems, type SkillToolSpec } from '../skill-tools.ts';
import { supervisorSystemPrompt, untrusted } from './prompt.ts';

/**
 * The supervisor's tool loop: the model answers, or calls tools; MCP tool results go back to it as
 * untrusted data; a skill tool hands the request to that skill (or, for a skill with side effects, asks
 * for an approval instead); the loop ends with an answer, a hand-off, or when turns or budget run out.
 */
export interface LoopSetup {
  model: ConversationModel;
  task: Task;
  /** The caller's MCP tools (allowlists and approvals applied). */
  tools: ToolsPort | null;
  mcpTools: readonly ToolSpec[];
  skillTools: readonly SkillToolSpec[];
  manifests: readonly SkillManifest[];
  approvals: () => ApprovalsPort;
  maxTurns: number;
  log: Logger;
}

export interface LoopEvents {
  /** A tool is about to run (shown as progress). */
  onTool?(name: string): Promise<void>;
  /** The answer so far, while it streams. */
  onText?(textSoFar: string): void;
}

/** An MCP tool whose last call in the run reported an error (the model saw it; the person should too). */
export interface ToolError {
  tool: string;
  error: string;
}

export type LoopOutcome =
  | {
      kind: 'answer';
      text: string;
      model: string;
      toolsUsed: string[];
      approvals: string[];
      toolErrors: ToolError[];
    }
  | { kind: 'handoff'; spec: SkillToolSpec; input: Record<string, unknown>; toolsUsed: string[] };

const MAX_TOOL_RESULT_CHARS = 20_000;

export class SupervisorLoop {
  readonly #setup: LoopSetup;
  readonly messages: MessageParam[];
  readonly #toolsUsed: string[] = [];
  readonly #approvals: string[] = [];
  /** Per tool, the error of its last call; a later successful call of the same tool clears it. */
  readonly #toolErrors = new Map<string, string>();

  constructor(setup: LoopSetup, messages: MessageParam[]) {
    this.#setup = setup;
    this.messages = messages;
  }

  /** Every tool the model may call: the skills first (stable), then the MCP tools. */
  get toolSpecs(): ToolSpec[] {
    return [...this.#setup.skillTools, ...this.#setup.mcpTools];
  }

  /** One model turn (the first one is taken while routing, before any reply exists). */
  async turn(events: LoopEvents = {}): Promise<ModelTurn> {
    return this.#setup.model.converse({
      purpose: 'supervisor.turn',
      system: supervisorSystemPrompt(this.#setup.skillTools.map((spec) => spec.name)),
      tools: this.toolSpecs,
      messages: this.messages,
      cacheConversation: true,
      ...(events.onText ? { onText: events.onText } : {}),
    });
  }

  /**
   * The skill tool a turn hands over to. Inside the loop only skills without side effects are handed over
   * (the others become approval requests there); the routing turn may hand over to any skill, because the
   * router puts a side-effecting skill behind the approval gate.
   */
  handoffOf(
    turn: ModelTurn,
    options: { sideEffects: boolean } = { sideEffects: false },
  ): { spec: SkillToolSpec; input: Record<string, unknown> } | null {
    for (const use of turn.toolUses) {
      const spec = this.#setup.skillTools.find((candidate) => candidate.name === use.name);
      if (!spec || (spec.sideEffects && !options.sideEffects)) continue;
      const { args } = commandInput(spec, use.input);
      if (inputProblems(spec, this.#setup.manifests, args)) continue;
      return { spec, input: use.input };
    }
    return null;
  }

  /** Continues from a turn until the model answers or hands over. */
  async run(first: ModelTurn, events: LoopEvents = {}): Promise<LoopOutcome> {
    let turn = first;
    for (let count = 1; ; count += 1) {
      const handoff = this.handoffOf(turn);
      if (handoff) return { kind: 'handoff', ...handoff, toolsUsed: [...this.#toolsUsed] };
      if (turn.toolUses.length === 0) {
        return {
          kind: 'answer',
          text: turn.text,
          model: turn.model,
          toolsUsed: [...this.#toolsUsed],
          approvals: [...this.#approvals],
          toolErrors: this.#errors(),
        };
      }
      this.messages.push({ role: 'assistant', content: turn.content as ContentBlockParam[] });
      const results: ContentBlockParam[] = [];
      for (const use of turn.toolUses) results.push(await this.#runTool(use, events));
      this.messages.push({ role: 'user', content: results });
      if (count >= this.#setup.maxTurns) {
        this.#setup.log.warn('supervisor-turns-exhausted', { turns: count });
        return {
          kind: 'answer',
          text: `${turn.text ? `${turn.text}\n\n` : ''}I stopped after ${count} steps without a final answer. Ask again more narrowly, or use a command directly (/help lists them).`,
          model: turn.model,
          toolsUsed: [...this.#toolsUsed],
          approvals: [...this.#approvals],
          toolErrors: this.#errors(),
        };
      }
      turn = await this.turn(events);
    }
  }

  async #runTool(use: ToolUse, events: LoopEvents): Promise<ContentBlockParam> {
    const result = (content: string, isError = false): ContentBlockParam => ({
      type: 'tool_result',
      tool_use_id: use.id,
      content,
      ...(isError ? { is_error: true } : {}),
    });
    const skill = this.#setup.skillTools.find((candidate) => candidate.name === use.name);
    if (skill) return result(await this.#skillTool(skill, use), true);
    if (!this.#setup.tools || !this.#setup.mcpTools.some((tool) => tool.name === use.name)) {
      return result(`There is no tool called ${use.name}.`, true);
    }
    await events.onTool?.(use.name);
    this.#toolsUsed.push(use.name);
    const outcome = await this.#setup.tools.call(use.name, use.input);
    if (outcome.status === 'approval-requested') this.#approvals.push(outcome.approvalId);
    if (outcome.status === 'done' && outcome.isError) this.#toolErrors.set(use.name, outcome.text);
    else if (outcome.status === 'done') this.#toolErrors.delete(use.name);
    return result(...describeOutcome(use.name, outcome));
  }

  #errors(): ToolError[] {
    return [...this.#toolErrors].map(([tool, error]) => ({ tool, error }));
  }

  /** A skill tool that did not hand over: it has side effects (approval) or its arguments are wrong. */
  async #skillTool(spec: SkillToolSpec, use: ToolUse): Promise<string> {
    const { args } = commandInput(spec, use.input);
    const problems = inputProblems(spec, this.#setup.manifests, args);
    if (problems) return `Invalid arguments for ${spec.name}:\n${problems}`;
    const action = {
      kind: 'command' as const,
      name: spec.command ?? spec.skillId,
      args,
      executor: spec.skillId,
    };
    try {
      const ticket = await this.#setup.approvals().request({
        action,
        title: `/${spec.command ?? spec.skillId} ${Object.entries(args)
          .map(([key, value]) => `${key}=${value}`)
          .join(' ')}`.trim(),
        summary: [
          { label: 'Skill', value: spec.skillId },
          { label: 'Asked by', value: 'the assistant, on behalf of the requester (review the arguments)' },
        ],
        ...(args.env ? { environment: args.env } : {}),
      });
      this.#approvals.push(ticket.approvalId);
      this.#toolsUsed.push(spec.name);
      return `Not run: ${spec.name} changes things, so an approval was requested (approval ${ticket.approvalId}, ${ticket.status}). It runs only after people approve it. Tell the person.`;
    } catch (error) {
      return `Not run: ${spec.name} needs an approval, and requesting it failed: ${(error as Error).message}`;
    }
  }
}

function describeOutcome(name: string, outcome: ToolCallResult): [string, boolean] {
  switch (outcome.status) {
    case 'done': {
      const text =
        outcome.text.length > MAX_TOOL_RESULT_CHARS
          ? `${outcome.text.slice(0, MAX_TOOL_RESULT_CHARS)}\n[… cut at ${MAX_TOOL_RESULT_CHARS} characters]`
          : outcome.text;
      return [untrusted(name, text || '(no output)'), outcome.isError];
    }
    case 'approval-requested':
      return [
        `Not run: ${name} changes things, so an approval was requested (approval ${outcome.approvalId}). It runs only after people approve it. Tell the person.`,
        true,
      ];
    case 'denied':
      return [`Not allowed: ${outcome.reason} ${outcome.remedy}`, true];
  }
}
