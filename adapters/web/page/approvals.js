// The web console's approvals: what waits for your decision (decide it here or in its thread), your own
// pending requests (cancel them), and the "reject with a reason" form. Cards are the server's escaped
// HTML (adapters/web/render.ts); decisions go through POST /api/v1/actions like every other click, and
// the server decides who may do what.

const APPROVE = 'approval.approve';
const REJECT = 'approval.reject';

export function approvalsConsole({ api, getUser, showError, sendClick, onChange }) {
  const waiting = document.querySelector('#approvals-waiting');
  const requested = document.querySelector('#approvals-requested');
  const count = document.querySelector('#approvals-count');
  // The reject form survives re-renders: which card it is on, and what has been typed so far.
  let rejecting = null;
  let timer = null;
  let inFlight = null;

  function reasonForm(button) {
    const form = document.createElement('form');
    form.className = 'reject-reason';
    const input = document.createElement('input');
    input.name = 'reason';
    input.maxLength = 500;
    input.placeholder = 'Reason (optional)';
    input.setAttribute('aria-label', 'Reason for rejecting');
    input.value = rejecting?.reason ?? '';
    input.addEventListener('input', () => {
      if (rejecting) rejecting.reason = input.value;
    });
    const confirm = document.createElement('button');
    confirm.type = 'submit';
    confirm.className = 'button danger';
    confirm.textContent = 'Reject';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'button';
    cancel.textContent = 'Keep it';
    cancel.addEventListener('click', () => {
      rejecting = null;
      onChange();
      void refresh();
    });
    form.append(input, confirm, cancel);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const reason = input.value.trim();
      rejecting = null;
      confirm.disabled = true;
      void sendClick({
        messageId: button.dataset.messageId,
        actionId: REJECT,
        value: button.dataset.value,
        ...(reason ? { inputs: { reason } } : {}),
      }).then(() => {
        onChange();
        scheduleRefresh();
      });
    });
    return form;
  }

  /** Re-attaches the open reject form to a freshly rendered card (the page re-renders on every event). */
  function decorate(element, where = 'messages') {
    if (!rejecting || rejecting.where !== where) return;
    for (const button of element.querySelectorAll(`button[data-action-id="${REJECT}"]`)) {
      if (button.dataset.messageId !== rejecting.messageId || button.dataset.value !== rejecting.value)
        continue;
      const block = button.closest('.block.buttons');
      if (!block || block.nextElementSibling?.classList.contains('reject-reason')) continue;
      const form = reasonForm(button);
      block.after(form);
      if (rejecting.focused) queueMicrotask(() => form.querySelector('input')?.focus());
    }
  }

  /** Approve posts at once; Reject first asks for an optional reason. True when the click was ours. */
  function handleClick(button) {
    const actionId = button.dataset.actionId;
    if (actionId !== APPROVE && actionId !== REJECT) return false;
    if (actionId === REJECT) {
      const where = button.closest('#approvals-console') ? 'console' : 'messages';
      rejecting = {
        messageId: button.dataset.messageId,
        value: button.dataset.value,
        reason: '',
        focused: true,
        where,
      };
      onChange();
      if (where === 'console') void refresh();
      return true;
    }
    button.disabled = true;
    void sendClick({ messageId: button.dataset.messageId, actionId, value: button.dataset.value }).then(
      scheduleRefresh,
    );
    return true;
  }

  function summaryLine(item) {
    const expires = new Date(item.expiresAt).toISOString().slice(11, 16);
    return `${item.requestedBy} · #${item.channel} · ${item.approvalsGiven} of ${item.approvalsRequired} · expires ${expires} UTC`;
  }

  function waitingItem(item) {
    const article = document.createElement('article');
    article.className = 'approval-item';
    article.dataset.approvalId = item.approvalId;
    const meta = document.createElement('p');
    meta.className = 'meta';
    meta.textContent = summaryLine(item);
    const card = document.createElement('div');
    card.className = 'body';
    if (item.message?.html) card.innerHTML = item.message.html;
    else card.textContent = item.title;
    const open = document.createElement('a');
    open.href = `#${encodeURIComponent(item.channel)}`;
    open.textContent = 'Open the thread';
    article.append(meta, card, open);
    decorate(article, 'console');
    return article;
  }

  function requestedItem(item) {
    const article = document.createElement('article');
    article.className = 'approval-item mine';
    article.dataset.approvalId = item.approvalId;
    const title = document.createElement('strong');
    title.textContent = item.title;
    const meta = document.createElement('p');
    meta.className = 'meta';
    meta.textContent = summaryLine(item);
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'button';
    cancel.textContent = 'Cancel request';
    cancel.addEventListener('click', () => {
      cancel.disabled = true;
      const body = {
        channel: item.channel,
        user: getUser(),
        text: `/approvals cancel ${item.approvalId}`,
        threadId: item.thread,
      };
      api('/api/v1/messages', { method: 'POST', body: JSON.stringify(body) })
        .then(scheduleRefresh)
        .catch((error) => {
          cancel.disabled = false;
          showError(error);
        });
    });
    article.append(title, meta, cancel);
    return article;
  }

  function empty(text) {
    const note = document.createElement('p');
    note.className = 'empty';
    note.textContent = text;
    return note;
  }

  async function refresh() {
    const user = getUser();
    inFlight ??= api(`/api/v1/approvals?user=${encodeURIComponent(user)}`)
      .then((data) => {
        if (user !== getUser()) return;
        waiting.replaceChildren(
          ...(data.waiting.length ? data.waiting.map(waitingItem) : [empty('Nothing waits for you.')]),
        );
        requested.replaceChildren(
          ...(data.requested.length
            ? data.requested.map(requestedItem)
            : [empty('No pending requests of yours.')]),
        );
        count.textContent = data.waiting.length ? `(${data.waiting.length})` : '';
      })
      .catch(showError)
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  }

  /** Coalesces bursts of live events into one refresh. */
  function scheduleRefresh() {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), 250);
  }

  setInterval(() => void refresh(), 15_000);
  return { refresh, scheduleRefresh, decorate, handleClick };
}
