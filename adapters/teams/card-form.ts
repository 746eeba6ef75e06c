import {
  commandFormBlock,
  commandLine,
  describeArgumentProblems,
  type MessageView,
  readFormSubmission,
  replaceForm,
  type SkillCatalog,
  type Task,
} from '../../src/core/index.ts';
import type { InboundActivity } from './activity.ts';
import { clickError } from './card-click.ts';
import { renderCard } from './render.ts';
import { type Click, formToTask, type MappingContext } from './to-task.ts';

/**
 * A submitted command form (the `Action.Execute` of a form card): its values are checked against the
 * command's declared arguments, exactly as typed arguments are. With problems, the card comes back at once
 * with each problem under its field and the values kept, and nothing is queued; otherwise the command
 * task is returned to be queued, and the card shows what runs, without inputs.
 */
export type FormAnswer = { task: Task | null; response: unknown };

export function answerFormSubmit(
  activity: InboundActivity,
  click: Click,
  card: MessageView | null,
  catalog: SkillCatalog,
  context: MappingContext,
): FormAnswer {
  const spec = click.value ? catalog.byCommand(click.value)?.command : undefined;
  if (!spec || !card?.reply) {
    return {
      task: null,
      response: clickError(400, `/${click.value ?? '?'} is not installed any more; nothing was run.`),
    };
  }
  const { args, problems } = readFormSubmission(spec, click.inputs ?? {});
  const form = commandFormBlock(spec, { values: args, problems });
  const shown = replaceForm(card.reply, form);
  if (problems.length > 0) {
    const notice = `Nothing was run. Please fix:\n${describeArgumentProblems(problems).replaceAll('`', '')}`;
    return { task: null, response: cardResponse(renderCard(shown, card.id, { notice })) };
  }
  const by = activity.from.name ?? 'you';
  const notice = `Running ${commandLine(spec.name, args)} (sent by ${by})…`;
  return {
    task: formToTask(activity, click, { command: spec.name, args }, context),
    response: cardResponse(renderCard(shown, card.id, { actions: false, notice })),
  };
}

function cardResponse(value: unknown) {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value };
}
