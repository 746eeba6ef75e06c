import { defineEntity, p } from '@mikro-orm/core';

/** How to reach a Teams user proactively (see migrations/Migration20261123400000_teams_contacts.ts). */
export const TeamsContactRecord = defineEntity({
  name: 'TeamsContactRecord',
  tableName: 'teams_contacts',
  properties: {
    tenantId: p.text().primary(),
    /** The Entra object id. */
    userId: p.text().primary(),
    /** The Teams user id (`29:…`). */
    teamsUserId: p.text(),
    serviceUrl: p.text(),
    botId: p.text(),
    personalConversationId: p.text().nullable(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
