// Command forms (a reply's `form` block, rendered by adapters/web/render-form.ts): what a person typed is
// kept across re-renders (the page redraws on every live event), each field is checked against its
// declared pattern, and the form is sent as the command it stands for, in the form's thread.

/** `/deploy-cluster name=demo env=dev` from the filled-in fields (values with spaces or quotes quoted). */
function commandText(form) {
  const parts = [`/${form.dataset.command}`];
  for (const control of form.querySelectorAll('[name]')) {
    const value = control.value.trim();
    if (!value) continue;
    parts.push(
      /^[^\s"']*$/.test(value)
        ? `${control.name}=${value}`
        : `${control.name}="${value.replace(/["\\]/g, '\\$&')}"`,
    );
  }
  return parts.join(' ');
}

/** The problem with one field, in the words the server uses, or ''. */
function problemOf(control) {
  const value = control.value.trim();
  if (!value) return control.required ? 'is required' : '';
  const pattern = control.dataset.pattern;
  return pattern && !new RegExp(`^(?:${pattern})$`).test(value) ? `must match ${pattern}` : '';
}

export function commandForms({ send }) {
  const drafts = new Map(); // message id → { field: value }
  const sent = new Set(); // message ids whose form was sent

  return {
    /** Puts back what was typed into a freshly rendered message, and locks a form already sent. */
    restore(element) {
      const form = element.querySelector('form.command-form');
      if (!form) return;
      const id = element.dataset.messageId;
      for (const [name, value] of Object.entries(drafts.get(id) ?? {})) {
        const control = form.querySelector(`[name="${CSS.escape(name)}"]`);
        if (control) control.value = value;
      }
      if (sent.has(id)) for (const control of form.elements) control.disabled = true;
    },
    /** Remembers a field as it is typed or chosen. */
    remember(control) {
      const element = control.closest('[data-message-id]');
      if (!element || !control.closest('form.command-form') || !control.name) return;
      const id = element.dataset.messageId;
      drafts.set(id, { ...(drafts.get(id) ?? {}), [control.name]: control.value });
      control.setCustomValidity('');
    },
    /** Checks and sends a form; a field at fault is reported by the browser, next to it. */
    submit(form) {
      const element = form.closest('[data-message-id]');
      let valid = true;
      for (const control of form.querySelectorAll('[name]')) {
        const problem = problemOf(control);
        control.setCustomValidity(problem ? `${control.name} ${problem}` : '');
        if (problem) valid = false;
      }
      if (!valid) {
        form.reportValidity();
        return;
      }
      const id = element?.dataset.messageId;
      if (id) sent.add(id);
      for (const control of form.elements) control.disabled = true;
      send(commandText(form), id);
    },
  };
}
