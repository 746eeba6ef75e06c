/**
 * The Teams adapter's entry points for the composition root, which loads this module only when Teams is
 * configured (the Teams SDK takes a second or two to load; CLI commands that do not need it skip that).
 */

export type { TeamsContact, TeamsContacts, TeamsMessageLookup } from './ports.ts';
export { TEAMS_ENDPOINT, TeamsReceiver, type TeamsReceiverOptions } from './receiver.ts';
export { renderCard, renderMessageActivity } from './render.ts';
export { TeamsSender, type TeamsSenderOptions } from './sender.ts';
export type { TeamsSettings } from './settings.ts';
