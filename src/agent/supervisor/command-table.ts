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

export interface Route {
  skill: Skill;
  via: 'command' | 'action' | 'router' | 'sticky' | 'model' | 'fallback';
  /** Said to the user alongside the answer, e.g. that no language model is configured. */
  note?: string;
  /** The task the skill runs, when routing refined it (a model filled in the command's arguments). */
  task?: Task;
}

/** Buttons every renderer adds, owned by a skill other than the prefix says: 👍/👎 are the knowledge base's. */
const ACTION_OWNERS: Readonly<Record<string, string>> = { feedback: 'knowledge' };

/**
 * The skill of a command or a button click: a table look-up, no model. Null for free text, which the
 * supervisor routes (see route-task.ts).
 */
export function routeByTable(task: Task, catalog: SkillCatalog): Route | null {
  if (isCommandTask(task)) {
    const entry = catalog.byCommand(task.command);
    if (!entry) {
      throw new ChatOpsError('UNKNOWN_COMMAND', `/${task.command} is not a command I know.`, {
        remedy: `Try one of: ${catalog.commandList()}. Type /help for what each does.`,
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
  return null;
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
