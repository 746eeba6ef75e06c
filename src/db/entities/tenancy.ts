import { defineEntity, p } from '@mikro-orm/core';

/** Tenants (Slack workspace, Entra tenant, or the local/API tenant), their users, roles and API keys. */
export const Tenant = defineEntity({
  name: 'Tenant',
  tableName: 'tenants',
  properties: {
    id: p.text().primary(),
    name: p.text(),
    platform: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    tenant: () => p.manyToOne(Tenant),
    platform: p.text(),
    externalId: p.text(),
    displayName: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'users_identity_unique', properties: ['tenant', 'platform', 'externalId'] }],
});

export const UserRole = defineEntity({
  name: 'UserRole',
  tableName: 'user_roles',
  properties: {
    user: () => p.manyToOne(User).primary().deleteRule('cascade'),
    role: p.text().primary(),
    grantedBy: p.text(),
    grantedAt: p.datetime().defaultRaw('now()'),
  },
});

export const ApiKey = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    id: p.uuid().primary(),
    tenant: () => p.manyToOne(Tenant),
    name: p.text(),
    keyHash: p.text().unique(),
    keyPrefix: p.text(),
    /** What the key may do (see API_SCOPES in src/db/api-keys.ts). */
    scopes: p.array().defaultRaw(`'{chat}'`),
    /** The API user a personal token acts as; null for a service key, which acts as itself. */
    userId: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
  uniques: [{ name: 'api_keys_name_unique', properties: ['tenant', 'name'] }],
});
