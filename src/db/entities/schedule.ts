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
    lastRunAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'schedules_name_unique', properties: ['tenantId', 'name'] }],
  indexes: [{ name: 'schedules_channel_index', properties: ['tenantId', 'platform', 'channel'] }],
});
