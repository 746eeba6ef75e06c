import { defineEntity, p } from '@mikro-orm/core';

/** A Slack workspace (or Grid organisation) that installed the app (see Migration20261202100000). */
export const SlackInstallationRecord = defineEntity({
  name: 'SlackInstallationRecord',
  tableName: 'slack_installations',
  properties: {
    tenantId: p.text().primary(),
    teamId: p.text().nullable(),
    enterpriseId: p.text().nullable(),
    isEnterpriseInstall: p.boolean().default(false),
    botToken: p.text(),
    botUserId: p.text(),
    botId: p.text().nullable(),
    appId: p.text().nullable(),
    scopes: p.array().default([]),
    installedBy: p.text().nullable(),
    installedAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
