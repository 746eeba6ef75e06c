import { REPLY_VERSION } from '../../core/reply.ts';
import type { Skill, SkillContext } from '../../core/skill.ts';
import type { SkillCatalog } from '../../core/skill-catalog.ts';
import type { ModelTurn } from '../llm/conversation.ts';
import { handoffTask } from '../skill-tools.ts';
import type { SupervisorLoop } from './loop.ts';

/** The id answers the model writes itself (with or without MCP tools) are attributed to. */
export const ASSISTANT_SKILL = 'assistant';
const PROGRESS_INTERVAL_MS = 1000;

/**
 * The supervisor answering itself: it continues the tool loop from the turn taken while routing, shows
 * which tool runs and the answer as it streams (progress, replaced by the answer), and ends with an answer
 * that says who produced it. A later hand-off to a skill runs that skill in the same thread.
 */
export function assistantSkill(loop: SupervisorLoop, first: ModelTurn, catalog: SkillCatalog): Skill {
  return {
    id: ASSISTANT_SKILL,
    description: 'Claude answers directly, using the allowed MCP tools.',
    commands: [],
    keywords: [],
    examples: [],
    permissions: [],
    sideEffects: false,
    digests: [],
    async handle(ctx) {
      const progress = new ThrottledProgress(ctx);
      const outcome = await loop.run(first, {
        onTool: async (name) => {
          await progress.flush();
          await ctx.progress(`Running ${name}…`);
        },
        onText: (soFar) => progress.offer(soFar),
      });
      await progress.flush();
      if (outcome.kind === 'handoff') {
        const skill = catalog.byId(outcome.spec.skillId);
        if (!skill) throw new Error(`skill ${outcome.spec.skillId} vanished from the catalog`);
        await skill.handle({ ...ctx, task: handoffTask(ctx.task, outcome.spec, outcome.input) });
        return;
      }
      const credits = [
        `Answered by Claude (${outcome.model})`,
        outcome.toolsUsed.length > 0 ? `tools: ${[...new Set(outcome.toolsUsed)].join(', ')}` : null,
        outcome.approvals.length > 0 ? `approval pending: ${outcome.approvals.join(', ')}` : null,
      ].filter(Boolean);
      const text = outcome.text || 'I have nothing to add.';
      // A tool that failed is said plainly under the answer, whatever the model made of it.
      const failures = outcome.toolErrors.map(
        ({ tool, error }) => `⚠️ ${tool} reported an error: ${firstLine(error)}`,
      );
      await ctx.reply({
        v: REPLY_VERSION,
        text,
        blocks: [
          { type: 'markdown', text },
          ...failures.map((failure) => ({ type: 'context' as const, text: failure })),
          { type: 'context', text: credits.join(' · ') },
        ],
      });
    },
  };
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return (line.length > 300 ? `${line.slice(0, 300)}…` : line) || '(no output)';
}

/** Streams the answer into the progress message at most once a second, in order, without blocking. */
class ThrottledProgress {
  readonly #ctx: SkillContext;
  #latest: string | null = null;
  #last = 0;
  #chain: Promise<void> = Promise.resolve();

  constructor(ctx: SkillContext) {
    this.#ctx = ctx;
  }

  offer(text: string): void {
    this.#latest = text;
    const now = Date.now();
    if (now - this.#last < PROGRESS_INTERVAL_MS) return;
    this.#last = now;
    this.#push();
  }

  async flush(): Promise<void> {
    await this.#chain;
  }

  #push(): void {
    const text = this.#latest;
    if (text === null) return;
    this.#latest = null;
    const shown = text.length > 600 ? `…${text.slice(-600)}` : text;
    this.#chain = this.#chain
      .then(() => this.#ctx.progress(`✍️ ${shown}`))
      .catch((error: unknown) => this.#ctx.log.debug('progress-update-failed', { error }));
  }
}
