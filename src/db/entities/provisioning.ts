import { defineEntity, p } from '@mikro-orm/core';

/**
 * Provisioning (see migrations/Migration20261208400100_provisioning.ts and src/provisioning): one lock per
 * tenant and environment (a unique row: who holds it, why, until when, where it was asked), and the
 * clusters /deploy-cluster made, one row per deploy run.
 */
export const EnvironmentLockRecord = defineEntity({
  name: 'EnvironmentLockRecord',
  tableName: 'environment_locks',
  properties: {
    tenantId: p.text().primary(),
    environment: p.text().primary(),
    holderKey: p.text(),
    holderName: p.text(),
    runId: p.uuid().nullable(),
    reason: p.text(),
    channel: p.text(),
    thread: p.text(),
    expiresAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});

export const ClusterRecordEntity = defineEntity({
  name: 'ClusterRecordEntity',
  tableName: 'clusters',
  properties: {
    id: p.uuid().primary(),
    tenantId: p.text(),
    name: p.text(),
    platform: p.text(),
    environment: p.text(),
    size: p.text(),
    region: p.text(),
    nodes: p.integer(),
    status: p.text(),
    planHash: p.text(),
    requestedBy: p.text(),
    runUrl: p.text().nullable(),
    expiresAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'clusters_tenant_index', properties: ['tenantId', 'environment', 'status'] }],
});
