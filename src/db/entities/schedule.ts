import { defineEntity, p } from '@mikro-orm/core';

/** A recurring run of a skill command (see migrations/Migration20261202400000_schedules.ts). */
export const ScheduleRecord = defineEntity({
  name: 'ScheduleRecord',
  tableName: 'schedules',
  properties: {
    id: p.uuid().primary(),
    tenantId: p.text(),
    name: p.text(),
    cron: p.text(),
    timezone: p.text(),
    platform: p.text(),
    channel: p.text(),
    command: p.text(),
    text: p.text().default(''),
    args: p.json<Record<string, string>>().defaultRaw(`'{}'`),
    createdBy: p.text(),
    enabled: p.boolean().default(true),
    replyRef: p.json<Record<string, unknown>>().nullable(),
    lastRunAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'schedules_name_unique', properties: ['tenantId', 'name'] }],
  indexes: [{ name: 'schedules_channel_index', properties: ['tenantId', 'platform', 'channel'] }],
});

/** One digest post per schedule and period (see migrations/Migration20261208300000_digests.ts). */
export const DigestRunRecord = defineEntity({
  name: 'DigestRunRecord',
  tableName: 'digest_runs',
  properties: {
    schedule: () => p.manyToOne(ScheduleRecord).primary().deleteRule('cascade'),
    periodKey: p.text().primary(),
    tenantId: p.text(),
    taskId: p.uuid(),
    status: p.enum(['claimed', 'sending', 'posted', 'skipped', 'unknown'] as const),
    fireTime: p.datetime(),
    periodStart: p.datetime(),
    periodEnd: p.datetime(),
    catchUp: p.boolean().default(false),
    attempts: p.integer().default(0),
    messageId: p.uuid().nullable(),
    platformMessageId: p.text().nullable(),
    figures: p.json<Record<string, number>>().defaultRaw(`'{}'`),
    sendingAt: p.datetime().nullable(),
    postedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'digest_runs_latest_index', properties: ['schedule', 'periodEnd'] }],
});
