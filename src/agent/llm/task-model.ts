import type { Completion, CompletionRequest, LanguageModel } from '../../core/language-model.ts';
import type { TaskBudget } from './budget.ts';
import { conversationOf } from './claude-client.ts';
import type { ConversationModel, ConversationRequest, ModelTurn } from './conversation.ts';
import type { UsageRecorder } from './usage-recorder.ts';

/**
 * The model as one task sees it: every call is checked against the task's budget, bounded by its time,
 * charged to it and recorded with its id. Skills get this as `ctx.llm`; the supervisor uses `converse`.
 */
export class TaskModel implements LanguageModel, ConversationModel {
  readonly model: string;
  readonly #inner: ConversationModel;
  readonly #budget: TaskBudget;
  readonly #recorder: UsageRecorder;
  readonly #task: { id: string; tenantId: string };

  constructor(
    inner: ConversationModel,
    budget: TaskBudget,
    recorder: UsageRecorder,
    task: { id: string; tenantId: string },
  ) {
    this.model = inner.model;
    this.#inner = inner;
    this.#budget = budget;
    this.#recorder = recorder;
    this.#task = task;
  }

  get budget(): TaskBudget {
    return this.#budget;
  }

  async converse(request: ConversationRequest): Promise<ModelTurn> {
    this.#budget.assertAvailable();
    const turn = await this.#inner.converse({ ...request, signal: request.signal ?? this.#budget.signal });
    await this.#charge(request.purpose, turn.model, turn.usage, turn.durationMs);
    return turn;
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const turn = await this.converse(conversationOf(request));
    return { text: turn.text, model: turn.model, usage: turn.usage };
  }

  async #charge(
    purpose: string,
    model: string,
    usage: ModelTurn['usage'],
    durationMs: number,
  ): Promise<void> {
    this.#budget.charge(usage);
    await this.#recorder.record({
      taskId: this.#task.id,
      tenantId: this.#task.tenantId,
      purpose,
      model,
      usage,
      durationMs: Math.round(durationMs),
    });
  }
}
