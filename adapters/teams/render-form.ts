import type { CardElement, IContainer } from '@microsoft/teams.cards';
import { FORM_FIELD_PREFIX, FORM_SUBMIT_ACTION, type FormBlock } from '../../src/core/index.ts';
import { escapeMarkdown, plainText } from './card-text.ts';

type Field = FormBlock['fields'][number];

/**
 * A command's form as Adaptive Card inputs: `Input.ChoiceSet` for an argument with choices, `Input.Text`
 * otherwise (its pattern as the client-side `regex`), each problem of the last submission under its field,
 * and one `Action.Execute` that sends the inputs back with the message id (the receiver checks them with
 * the same declaration as typed arguments). Without actions it shows what was submitted, read-only.
 */
export function formContainer(block: FormBlock, messageId: string, withActions: boolean): IContainer {
  const title = plainText(block.title, { weight: 'Bolder' });
  if (!withActions) {
    const facts = block.fields
      .filter((field) => field.value !== undefined)
      .map((field) => ({ title: escapeMarkdown(field.name), value: escapeMarkdown(field.value ?? '') }));
    const items: CardElement[] = [title];
    if (facts.length > 0) items.push({ type: 'FactSet', facts } as CardElement);
    return { type: 'Container', items } as IContainer;
  }
  const submit = {
    type: 'Action.Execute',
    title: block.submitLabel,
    verb: FORM_SUBMIT_ACTION,
    data: { chatops: { messageId, value: block.command } },
    style: 'positive',
  };
  return {
    type: 'Container',
    items: [
      title,
      ...block.fields.flatMap((field) => fieldElements(field)),
      { type: 'ActionSet', actions: [submit] } as CardElement,
    ],
  } as IContainer;
}

function fieldElements(field: Field): CardElement[] {
  const common = {
    id: `${FORM_FIELD_PREFIX}${field.name}`,
    label: `${field.name}${field.required ? '' : ' (optional)'}`,
    isRequired: field.required,
    // Shown by Teams when its own check (required, regex) fails; the receiver checks again either way.
    errorMessage: `${field.name} ${
      field.choices
        ? `must be one of ${field.choices.join(', ')}`
        : field.pattern
          ? `must match ${field.pattern}`
          : 'is required'
    }`.slice(0, 300),
    ...(field.value === undefined ? {} : { value: field.value }),
  };
  const input = field.choices
    ? {
        type: 'Input.ChoiceSet',
        ...common,
        style: 'compact',
        placeholder: field.description,
        choices: field.choices.slice(0, 100).map((choice) => ({ title: choice, value: choice })),
      }
    : {
        type: 'Input.Text',
        ...common,
        placeholder: field.description,
        maxLength: 2000,
        ...(field.pattern ? { regex: `^(?:${field.pattern})$` } : {}),
      };
  const problem = field.problem
    ? [plainText(`⚠️ ${field.name} ${field.problem}`, { color: 'Attention' })]
    : [];
  return [input as CardElement, ...problem];
}
