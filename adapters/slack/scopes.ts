/**
 * The bot scopes the adapter uses, each for a reason (manifests/slack/manifest.yml lists the same; a test
 * keeps them in step). OAuth installs ask for exactly these.
 */
export const BOT_SCOPES: Readonly<Record<string, string>> = {
  'app_mentions:read': 'receive @mentions in channels (app_mention)',
  'channels:history':
    'follow-ups in threads the bot answered, in public channels (message.channels); finding a digest post whose answer was lost (conversations.history)',
  'groups:history': 'the same in private channels (message.groups, conversations.history)',
  'im:history': 'direct messages (message.im)',
  'mpim:history': 'group DMs (message.mpim)',
  'channels:read': 'who is in a public channel (conversations.members, for the knowledge base)',
  'groups:read': 'who is in a private channel',
  'im:read': 'direct message channels',
  'mpim:read': 'group DM channels',
  'im:write': 'open a DM to notify approvers (conversations.open)',
  'chat:write': 'post, update and delete its replies (chat.postMessage, chat.update, chat.postEphemeral)',
  'chat:write.public': 'answer slash commands in public channels it was not invited to',
  commands: 'slash commands',
  'users:read': 'people’s names (users.info)',
  'files:read': 'read files people attach',
  'files:write': 'upload generated files and images',
  'assistant:write': 'status line and streamed answers in assistant threads',
};
