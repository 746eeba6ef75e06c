import { ChatOpsError, isChatOpsError } from '../../core/errors.ts';
import type { Logger } from '../../core/ports.ts';
import type { Caller, Skill } from '../../core/skill.ts';
import type { SkillCatalog } from '../../core/skill-catalog.ts';
import type { Task } from '../../core/task.ts';
import type { ConversationModel, ToolSpec } from '../llm/conversation.ts';
import { handoffTask, type SkillToolSpec } from '../skill-tools.ts';
import { assistantSkill } from './assistant.ts';
import { type Route, routeByTable } from './command-table.ts';
import type { SupervisorLoop } from './loop.ts';
import { appendMessage, type ThreadMemory } from './memory.ts';
import type { OfflineRouter } from './offline-router.ts';
import { requestPreamble } from './prompt.ts';

/** Who answers when nothing else fits: the list of what the bot can do. */
const FALLBACK_SKILL = 'help';

export const NO_MODEL_NOTE =
  'No language model is configured (ANTHROPIC_API_KEY is unset), so I route by commands, keywords and similarity.';

export interface RoutingInput {
  task: Task;
  caller: Caller;
  catalog: SkillCatalog;
  offline: OfflineRouter;
  memory: ThreadMemory;
  /** The task's model (budgeted), or null without an API key. */
  model: ConversationModel | null;
  /** What the caller may call: skill tools (allowlists applied) and MCP tools. */
  tools: () => Promise<{ skills: SkillToolSpec[]; mcp: ToolSpec[] }>;
  loop: (
    messages: Parameters<typeof appendMessage>[0],
    tools: { skills: SkillToolSpec[]; mcp: ToolSpec[] },
  ) => SupervisorLoop;
  log: Logger;
}

/**
 * Picks who answers. Commands and button clicks are table look-ups (no model). Free text goes to Claude
 * when configured (its first turn either hands over to a skill or starts the assistant's tool loop), and
 * to the offline router otherwise; a thread stays with its last skill unless the message clearly asks for
 * another. When Claude is unreachable the offline router answers at once, and says so.
 */
export async function routeTask(input: RoutingInput): Promise<Route> {
  const { task, catalog } = input;
  const byTable = routeByTable(task, catalog);
  if (byTable) return byTable;
  const sticky = await input.memory.stickySkill(task);
  const stickySkill = sticky ? catalog.byId(sticky) : undefined;
  if (input.model) {
    try {
      return await routeByModel(input, input.model, sticky);
    } catch (error) {
      if (!isChatOpsError(error) || error.code !== 'DEPENDENCY_UNAVAILABLE') throw error;
      input.log.warn('model-routing-unavailable', { error: error.message });
      const route = routeOffline(input, stickySkill);
      const why = `Claude is unavailable right now (${error.message.slice(0, 160)}), so I routed your message without it.`;
      return { ...route, note: `${why}${route.note ? ` ${route.note}` : ''}` };
    }
  }
  const route = routeOffline(input, stickySkill);
  return { ...route, note: [route.note, NO_MODEL_NOTE].filter(Boolean).join(' · ') };
}

async function routeByModel(
  input: RoutingInput,
  model: ConversationModel,
  sticky: string | null,
): Promise<Route> {
  const { task, caller } = input;
  const [history, roles, tools] = await Promise.all([
    input.memory.history(task, model),
    caller.roles(),
    input.tools(),
  ]);
  const files = (task.files ?? []).map(
    (file) => `[attached: ${file.name}${file.mimeType ? ` (${file.mimeType})` : ''}]`,
  );
  appendMessage(
    history,
    'user',
    [requestPreamble(task, roles, sticky), `${caller.name}: ${task.text}`, ...files].join('\n\n'),
  );
  const loop = input.loop(history, tools);
  const first = await loop.turn();
  // A skill with side effects is handed over too: AgentRun puts it behind the approval gate.
  const handoff = loop.handoffOf(first, { sideEffects: true });
  if (handoff) {
    const skill = input.catalog.byId(handoff.spec.skillId) as Skill;
    return {
      skill,
      via: 'model',
      task: handoffTask(task, handoff.spec, handoff.input),
      note: `Answered by *${skill.id}* (chosen by ${first.model})`,
    };
  }
  return { skill: assistantSkill(loop, first, input.catalog), via: 'model' };
}

function routeOffline(input: RoutingInput, sticky: Skill | undefined): Route {
  const choice = input.offline.choose(input.task.text, input.catalog.manifests);
  const chosen = choice ? input.catalog.byId(choice.skillId) : undefined;
  if (sticky && (!choice?.strong || chosen?.id === sticky.id)) {
    return {
      skill: sticky,
      via: 'sticky',
      note: `Answered by *${sticky.id}*, the skill this thread is with (say what you need to switch)`,
    };
  }
  if (chosen && choice) {
    return { skill: chosen, via: 'router', note: `Answered by *${chosen.id}* (${choice.reason})` };
  }
  const fallback = input.catalog.byId(FALLBACK_SKILL);
  if (!fallback)
    throw new ChatOpsError('SKILL_NOT_FOUND', 'No skill matched and the help skill is not installed.');
  return {
    skill: fallback,
    via: 'fallback',
    note: 'I could not tell which skill you want; here is what I can do.',
  };
}
