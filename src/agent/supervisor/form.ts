import { commandFormReply, needsForm, showsForms } from '../../core/command-form.ts';
import type { SkillCatalog } from '../../core/skill-catalog.ts';
import { isCommandTask, type Task } from '../../core/task.ts';
import type { Route } from './command-table.ts';

/**
 * A command run bare on a platform that shows forms (Teams, the web chat, a Slack message) is answered with
 * the form of its declared arguments instead of running the skill: nothing runs until the form comes back
 * as the command with its arguments. The answer is an ordinary stored reply, so its button is checked
 * against the message like any other click. (A bare Slack slash command opens the modal in the receiver.)
 */
export function withForm(route: Route, task: Task, catalog: SkillCatalog): Route {
  if (route.via !== 'command' || !isCommandTask(task) || !showsForms(task.platform)) return route;
  const spec = catalog.byCommand(task.command)?.command;
  if (!spec || !needsForm(spec, task.text, task.args ?? {})) return route;
  return {
    ...route,
    skill: {
      ...route.skill,
      async handle(ctx) {
        await ctx.reply(commandFormReply(spec));
      },
    },
  };
}
