import {
  APPROVAL_APPROVE_ACTION,
  APPROVAL_EXECUTE_ACTION,
  APPROVAL_REJECT_ACTION,
  APPROVALS_SKILL,
} from '../../core/approvals.ts';
import { ChatOpsError } from '../../core/errors.ts';
import type { Skill } from '../../core/skill.ts';
import type { SkillCatalog } from '../../core/skill-catalog.ts';
import { isCommandTask, type Task, type TaskAction } from '../../core/task.ts';
import type { Router } from '../router.ts';

export interface Route {
  skill: Skill;
  via: 'command' | 'action' | 'router' | 'sticky' | 'model' | 'fallback';
  /** Said to the user alongside the answer, e.g. that no language model is configured. */
  note?: string;
  /** The task the skill runs, when routing refined it (a model filled in the command's arguments). */
  task?: Task;
}

export const FALLBACK_SKILL = 'help';

/** Buttons every renderer adds, owned by a skill other than the prefix says: 👍/👎 are the knowledge base's. */
const ACTION_OWNERS: Readonly<Record<string, string>> = { feedback: 'knowledge' };

/**
 * Picks the skill for a task. Commands and button clicks are table look-ups (no model); free text goes
 * through the router; when nothing fits, `help` answers and says why.
 */
export async function chooseRoute(
  task: Task,
  catalog: SkillCatalog,
  router: Router,
  languageModel: string | null,
): Promise<Route> {
  if (isCommandTask(task)) {
    const entry = catalog.byCommand(task.command);
    if (!entry) {
      const known = catalog
        .commandNames()
        .map((name) => `/${name}`)
        .join(', ');
      throw new ChatOpsError('UNKNOWN_COMMAND', `/${task.command} is not a command I know.`, {
        remedy: `Try one of: ${known}. Type /help for what each does.`,
        details: { command: task.command },
      });
    }
    return { skill: entry.skill, via: 'command' };
  }
  if (task.kind === 'action' && task.action) {
    // Button ids are namespaced by the skill that handles them (`status.refresh`); fall back to the skill
    // that rendered the clicked message.
    const owner = actionOwner(task.action);
    const skill = catalog.byId(owner) ?? (task.action.skill ? catalog.byId(task.action.skill) : undefined);
    if (!skill) {
      throw new ChatOpsError(
        'UNKNOWN_ACTION',
        `The button "${task.action.id}" belongs to no installed skill.`,
        {
          remedy: 'The skill that rendered it may have been removed; run the command again.',
        },
      );
    }
    return { skill, via: 'action' };
  }
  const choice = await router.route(task, catalog.manifests);
  const chosen = choice ? catalog.byId(choice.skillId) : undefined;
  const noModel = languageModel
    ? undefined
    : 'No language model is configured (ANTHROPIC_API_KEY is unset), so I route by commands and keywords.';
  if (chosen) return { skill: chosen, via: 'router', ...(noModel ? { note: noModel } : {}) };
  const fallback = catalog.byId(FALLBACK_SKILL);
  if (!fallback)
    throw new ChatOpsError('SKILL_NOT_FOUND', 'No skill matched and the help skill is not installed.');
  const note = `${noModel ?? ''} I could not tell which skill you want; here is what I can do.`.trim();
  return { skill: fallback, via: 'fallback', note };
}

/**
 * Which skill a click belongs to. Approve / Reject go to the approvals skill wherever they were clicked
 * (a channel card or an approver's direct message); an approval's continuation runs its executor skill
 * (the engine checks that it is exactly the approved action before anything runs).
 */
function actionOwner(action: TaskAction): string {
  if (action.id === APPROVAL_APPROVE_ACTION || action.id === APPROVAL_REJECT_ACTION) return APPROVALS_SKILL;
  if (action.id === APPROVAL_EXECUTE_ACTION) return action.skill ?? '';
  const prefix = action.id.split('.')[0] ?? '';
  return ACTION_OWNERS[prefix] ?? prefix;
}
