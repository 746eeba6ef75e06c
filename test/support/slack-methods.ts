import { registerSlackMethod } from './contract/index.ts';

/**
 * Web API methods newer than the 2020 spec, with the arguments their documentation lists, and the
 * Slack-maintained response sample where the java-slack-sdk has one. The assistant and streaming methods
 * have no sample there; their documented responses (`{ok}`; `{ok, channel, ts}`) are checked against
 * chat.postMessage's sample, whose keys include all of theirs.
 */
let registered = false;

export function registerNewerSlackMethods(): void {
  if (registered) return;
  registered = true;
  registerSlackMethod('files.getUploadURLExternal', {
    required: ['filename', 'length'],
    optional: ['alt_txt', 'snippet_type'],
    responseSample: 'files.getUploadURLExternal.json',
  });
  registerSlackMethod('files.completeUploadExternal', {
    required: ['files'],
    optional: ['channel_id', 'channels', 'thread_ts', 'initial_comment', 'blocks'],
    responseSample: 'files.completeUploadExternal.json',
  });
  // In the 2020 spec, but its message schema forbids `metadata` (and wants at least one message), and
  // `include_all_metadata` is newer: the documented arguments, and Slack's own response sample.
  registerSlackMethod('conversations.history', {
    required: ['channel'],
    optional: ['cursor', 'include_all_metadata', 'inclusive', 'latest', 'limit', 'oldest'],
    responseSample: 'conversations.history.json',
  });
  registerSlackMethod('apps.connections.open', {
    required: [],
    optional: [],
    responseSample: 'apps.connections.open.json',
  });
  registerSlackMethod('assistant.threads.setStatus', {
    required: ['channel_id', 'thread_ts', 'status'],
    optional: ['loading_messages', 'icon_emoji', 'icon_url', 'username'],
    responseSample: 'chat.postMessage.json',
  });
  registerSlackMethod('chat.startStream', {
    required: ['channel', 'thread_ts'],
    optional: ['markdown_text', 'chunks', 'recipient_user_id', 'recipient_team_id', 'task_display_mode'],
    responseSample: 'chat.postMessage.json',
  });
  registerSlackMethod('chat.appendStream', {
    required: ['channel', 'ts'],
    optional: ['markdown_text', 'chunks'],
    responseSample: 'chat.postMessage.json',
  });
  registerSlackMethod('chat.stopStream', {
    required: ['channel', 'ts'],
    optional: ['markdown_text', 'chunks', 'blocks', 'metadata', 'session_status'],
    responseSample: 'chat.postMessage.json',
  });
}
