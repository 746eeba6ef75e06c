// The local web chat: a channel view over the REST API and its live stream, like any other API client.
// Message HTML comes from the server's renderer (adapters/web/render.ts), which escapes everything;
// text this page shows itself is set with textContent.
import { approvalsConsole } from './approvals.js';
import { commandForms } from './forms.js';

const state = {
  channel: decodeURIComponent(location.hash.slice(1)) || 'general',
  user: localStorage.getItem('chatops.user') || 'alice',
  channels: new Set(['general', 'ops']),
  messages: new Map(),
  openThreads: new Set(),
  stream: null,
};

const $ = (selector) => document.querySelector(selector);

function sortKey(message) {
  return `${message.createdAt}|${message.id}`;
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { 'content-type': 'application/json', ...(options.headers || {}) },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${response.status}`;
    throw new Error(message);
  }
  return body;
}

function showError(error) {
  const banner = $('#error-banner');
  banner.textContent = error ? String(error.message || error) : '';
  banner.hidden = !error;
}

function renderChannels() {
  const list = $('#channel-list');
  list.replaceChildren();
  for (const name of [...state.channels].sort()) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = `#${encodeURIComponent(name)}`;
    link.textContent = `# ${name}`;
    link.dataset.channel = name;
    if (name === state.channel) link.classList.add('active');
    item.append(link);
    list.append(item);
  }
  $('#channel-title').textContent = `# ${state.channel}`;
}

function messageElement(message) {
  const element = document.createElement('div');
  element.className = `message ${message.author.kind}`;
  element.dataset.messageId = message.id;
  const meta = document.createElement('div');
  meta.className = 'meta';
  const author = document.createElement('span');
  author.className = 'author';
  author.textContent = message.author.kind === 'bot' ? 'chatops' : message.author.name;
  const time = document.createElement('time');
  time.dateTime = message.createdAt;
  time.textContent = new Date(message.createdAt).toLocaleTimeString();
  meta.append(author, time);
  if (message.skill) {
    const skill = document.createElement('span');
    skill.className = 'skill';
    skill.textContent = `via ${message.skill}`;
    meta.append(skill);
  }
  if (message.reply?.visibility === 'ephemeral') {
    element.classList.add('ephemeral');
    const only = document.createElement('span');
    only.className = 'only-you';
    only.textContent = 'only visible to you';
    meta.append(only);
  }
  const body = document.createElement('div');
  body.className = 'body';
  if (message.html !== undefined) body.innerHTML = message.html;
  else body.textContent = message.text;
  element.append(meta, body);
  approvals.decorate(element);
  forms.restore(element);
  return element;
}

function threadComposer(threadId) {
  const form = document.createElement('form');
  form.className = 'thread-composer';
  const input = document.createElement('input');
  input.placeholder = 'Reply in thread…';
  input.setAttribute('aria-label', 'Reply in thread');
  const send = document.createElement('button');
  send.type = 'submit';
  send.textContent = 'Reply';
  form.append(input, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    void postMessage(text, threadId);
  });
  return form;
}

function render() {
  const container = $('#messages');
  const nearBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
  const threads = new Map();
  const inChannel = [...state.messages.values()].filter(
    (message) => message.channel === state.channel && visibleToMe(message),
  );
  inChannel.sort((left, right) => (sortKey(left) < sortKey(right) ? -1 : 1));
  for (const message of inChannel) {
    if (!threads.has(message.thread))
      threads.set(message.thread, { root: null, replies: [], firstKey: sortKey(message) });
    const thread = threads.get(message.thread);
    if (message.id === message.thread) thread.root = message;
    else thread.replies.push(message);
  }
  const ordered = [...threads.entries()].sort((left, right) =>
    left[1].firstKey < right[1].firstKey ? -1 : 1,
  );
  container.replaceChildren();
  for (const [threadId, thread] of ordered) {
    const element = document.createElement('section');
    element.className = 'thread';
    element.dataset.threadId = threadId;
    if (thread.root) element.append(messageElement(thread.root));
    const replies = document.createElement('div');
    replies.className = 'replies';
    for (const reply of thread.replies) replies.append(messageElement(reply));
    if (thread.replies.length > 0) element.append(replies);
    const actions = document.createElement('div');
    actions.className = 'thread-actions';
    const toggle = document.createElement('button');
    toggle.type = 'button';
    toggle.className = 'reply-toggle';
    toggle.textContent =
      thread.replies.length > 0
        ? `${thread.replies.length} repl${thread.replies.length === 1 ? 'y' : 'ies'} · Reply`
        : 'Reply';
    toggle.addEventListener('click', () => {
      if (state.openThreads.has(threadId)) state.openThreads.delete(threadId);
      else state.openThreads.add(threadId);
      render();
    });
    actions.append(toggle);
    element.append(actions);
    if (state.openThreads.has(threadId)) element.append(threadComposer(threadId));
    container.append(element);
  }
  if (nearBottom) container.scrollTop = container.scrollHeight;
}

/** Ephemeral replies (refused clicks, private listings) are for the person they name. */
function visibleToMe(message) {
  const reply = message.reply;
  return reply?.visibility !== 'ephemeral' || !reply.ephemeralUser || reply.ephemeralUser === state.user;
}

function upsert(message) {
  const known = state.messages.get(message.id);
  if (known && known.updatedAt > message.updatedAt && known.html !== undefined) return;
  state.messages.set(message.id, message);
  state.channels.add(message.channel);
}

async function postMessage(text, threadId) {
  showError(null);
  try {
    // The browser's zone: digests scheduled from here run in the person's own time.
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const body = {
      channel: state.channel,
      user: state.user,
      text,
      ...(threadId ? { threadId } : {}),
      ...(timeZone ? { timeZone } : {}),
    };
    const accepted = await api('/api/v1/messages', { method: 'POST', body: JSON.stringify(body) });
    if (accepted.messageId && !state.messages.has(accepted.messageId)) {
      // Shown at once; the live event replaces it with the server's copy.
      const now = new Date().toISOString();
      upsert({
        id: accepted.messageId,
        channel: state.channel,
        thread: accepted.threadId,
        author: { kind: 'user', id: state.user, name: state.user },
        text,
        skill: null,
        createdAt: now,
        updatedAt: '',
      });
    }
    if (!threadId) state.openThreads.add(accepted.threadId);
    render();
  } catch (error) {
    showError(error);
  }
}

/** Sends a click as the current user; false (and the error shown) when the API refused it. */
async function sendClick(click) {
  showError(null);
  try {
    const body = { ...click, user: state.user };
    if (body.value === undefined) delete body.value;
    await api('/api/v1/actions', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}

async function clickButton(button) {
  if (approvals.handleClick(button)) return;
  button.disabled = true;
  const sent = await sendClick({
    messageId: button.dataset.messageId,
    actionId: button.dataset.actionId,
    value: button.dataset.value,
  });
  if (!sent) button.disabled = false;
}

const approvals = approvalsConsole({
  api,
  getUser: () => state.user,
  showError,
  sendClick,
  onChange: () => render(),
});

// A command form is sent as the command itself, typed into the form's thread.
const forms = commandForms({
  send: (text, messageId) => void postMessage(text, state.messages.get(messageId)?.thread),
});

function connectStream() {
  state.stream?.close();
  const status = $('#live-status');
  const stream = new EventSource(`/api/v1/stream?channel=${encodeURIComponent(state.channel)}`);
  stream.addEventListener('open', () => {
    status.textContent = 'live';
    status.classList.add('online');
  });
  stream.addEventListener('error', () => {
    status.textContent = 'reconnecting…';
    status.classList.remove('online');
  });
  for (const type of ['message.created', 'message.updated']) {
    stream.addEventListener(type, (event) => {
      const data = JSON.parse(event.data);
      upsert(data.message);
      render();
      if (data.message.reply?.blocks?.some((block) => block.type === 'approval')) approvals.scheduleRefresh();
    });
  }
  state.stream = stream;
}

async function openChannel(name) {
  state.channel = name;
  state.channels.add(name);
  renderChannels();
  connectStream();
  try {
    const [channel, channels] = await Promise.all([
      api(`/api/v1/channels/${encodeURIComponent(name)}/messages`),
      api('/api/v1/channels'),
    ]);
    for (const known of channels.channels) state.channels.add(known);
    for (const message of channel.messages) upsert(message);
    renderChannels();
    render();
  } catch (error) {
    showError(error);
  }
}

function start() {
  const userInput = $('#user-name');
  userInput.value = state.user;
  userInput.addEventListener('change', () => {
    if (!userInput.checkValidity() || !userInput.value)
      return showError(new Error('A user name is 1-80 letters, digits, ".", "_", "@" or "-".'));
    // The browser fires "change" again on blur; re-rendering then would swallow the click that blurred it.
    if (userInput.value === state.user) return;
    state.user = userInput.value;
    localStorage.setItem('chatops.user', state.user);
    render();
    void approvals.refresh();
  });
  $('#composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('#composer-input');
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    void postMessage(text);
  });
  $('#new-channel-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('#new-channel-name');
    const name = input.value.trim().replace(/^#/, '');
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/.test(name))
      return showError(new Error('A channel name is 1-80 letters, digits, ".", "_" or "-".'));
    input.value = '';
    location.hash = encodeURIComponent(name);
  });
  $('#messages').addEventListener('input', (event) => forms.remember(event.target));
  $('#messages').addEventListener('submit', (event) => {
    const form = event.target.closest('form.command-form');
    if (!form) return;
    event.preventDefault();
    forms.submit(form);
  });
  for (const area of ['#messages', '#approvals-console']) {
    $(area).addEventListener('click', (event) => {
      const button = event.target.closest('button[data-action-id]');
      if (button) void clickButton(button);
    });
  }
  window.addEventListener(
    'hashchange',
    () => void openChannel(decodeURIComponent(location.hash.slice(1)) || 'general'),
  );
  void openChannel(state.channel);
  void approvals.refresh();
}

start();
