import type { FormBlock } from '../../src/core/index.ts';
import { escapeHtml } from './escape.ts';

type Field = FormBlock['fields'][number];

/**
 * A command's form as HTML: a menu for an argument with choices, a text field otherwise, each with its
 * description and the last problem by it. The page (chat.js) checks the declared patterns, then posts the
 * filled-in fields as the command (`/deploy-cluster name=… env=…`) in the form's thread, where it is
 * checked again like any typed command.
 */
export function renderForm(block: FormBlock): string {
  const fields = block.fields.map(renderField).join('');
  return `<form class="block command-form" data-command="${escapeHtml(block.command)}" novalidate><strong>${escapeHtml(block.title)}</strong>${fields}<button type="submit" class="button primary">${escapeHtml(block.submitLabel)}</button></form>`;
}

function renderField(field: Field): string {
  const name = escapeHtml(field.name);
  const required = field.required ? ' required' : '';
  const value = field.value ?? '';
  const control = field.choices
    ? `<select name="${name}"${required}><option value="">Choose…</option>${field.choices
        .map(
          (choice) =>
            `<option value="${escapeHtml(choice)}"${choice === value ? ' selected' : ''}>${escapeHtml(choice)}</option>`,
        )
        .join('')}</select>`
    : `<input type="text" name="${name}" maxlength="2000" value="${escapeHtml(value)}"${required}${
        field.pattern ? ` data-pattern="${escapeHtml(field.pattern)}"` : ''
      }>`;
  const problem = field.problem ? `<span class="field-problem">${escapeHtml(field.problem)}</span>` : '';
  return `<label class="form-field"><span class="field-name">${name}${field.required ? '' : ' <em>(optional)</em>'}</span>${control}<small>${escapeHtml(field.description)}</small>${problem}</label>`;
}
