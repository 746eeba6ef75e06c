/**
 * The Slack adapter's entry points for the composition root, which loads this module only when Slack is
 * configured (Bolt and its dependencies take a moment to load; CLI commands that do not need them skip that).
 */
export { AppHome, type AppHomeSources, homeView, type RecentTask, type RecentTasks } from './app-home.ts';
export { SlackChannelMembers } from './channel-members.ts';
export { SlackClients } from './clients.ts';
export {
  SLACK_INSTALL_PATH,
  SLACK_REDIRECT_PATH,
  SlackInstaller,
  type SlackInstallerOptions,
} from './installer.ts';
export { ChannelPacing } from './pacing.ts';
export type {
  ChannelPacer,
  RecentClicks,
  SlackInstallation,
  SlackInstallations,
  SlackMessageLookup,
  SlackPeople,
  SlackThreads,
} from './ports.ts';
export { SLACK_EVENTS_PATH, SlackReceiver, type SlackReceiverOptions } from './receiver.ts';
export { renderReply } from './render.ts';
export { SlackSender, type SlackSenderOptions } from './sender.ts';
export { SlackUserNames } from './user-names.ts';
