import { uuidv7 } from '../core/ids.ts';
import type { Platform } from '../core/task.ts';
import type { AuditLog } from './audit-log.ts';
import type { Database } from './database.ts';
import { Tenant, User, UserRole } from './entities/index.ts';

export interface UserIdentity {
  tenantId: string;
  platform: Platform;
  externalId: string;
  displayName?: string;
}

export interface UserWithRoles {
  platform: string;
  externalId: string;
  displayName: string;
  roles: string[];
}

/**
 * Tenants, users and their roles. Users are the platform's identities mapped to internal rows; roles are
 * what approvals and permissions check. Every grant and revoke is audited.
 */
export class Directory {
  readonly #database: Database;
  readonly #audit: AuditLog;

  constructor(database: Database, audit: AuditLog) {
    this.#database = database;
    this.#audit = audit;
  }

  async ensureTenant(id: string, name: string, platform: string): Promise<void> {
    await this.#database.sql(
      'insert into tenants (id, name, platform) values ($1, $2, $3) on conflict (id) do nothing',
      [id, name, platform],
    );
  }

  async ensureUser(identity: UserIdentity): Promise<string> {
    await this.ensureTenant(identity.tenantId, identity.tenantId, identity.platform);
    const em = this.#database.em();
    const existing = await em.findOne(User, {
      tenant: identity.tenantId,
      platform: identity.platform,
      externalId: identity.externalId,
    });
    if (existing) return existing.id;
    const user = em.create(User, {
      id: uuidv7(),
      tenant: em.getReference(Tenant, identity.tenantId),
      platform: identity.platform,
      externalId: identity.externalId,
      displayName: identity.displayName ?? identity.externalId,
    });
    await em.flush();
    return user.id;
  }

  async grantRole(identity: UserIdentity, role: string, grantedBy: string): Promise<boolean> {
    const userId = await this.ensureUser(identity);
    const em = this.#database.em();
    if (await em.findOne(UserRole, { user: userId, role })) return false;
    em.create(UserRole, { user: em.getReference(User, userId), role, grantedBy });
    await em.flush();
    await this.#audit.append({
      tenantId: identity.tenantId,
      actor: grantedBy,
      action: 'role-granted',
      target: `${identity.platform}:${identity.externalId}`,
      details: { role },
    });
    return true;
  }

  async revokeRole(identity: UserIdentity, role: string, revokedBy: string): Promise<boolean> {
    const em = this.#database.em();
    const user = await em.findOne(User, {
      tenant: identity.tenantId,
      platform: identity.platform,
      externalId: identity.externalId,
    });
    if (!user) return false;
    const removed = await em.nativeDelete(UserRole, { user: user.id, role });
    if (removed === 0) return false;
    await this.#audit.append({
      tenantId: identity.tenantId,
      actor: revokedBy,
      action: 'role-revoked',
      target: `${identity.platform}:${identity.externalId}`,
      details: { role },
    });
    return true;
  }

  /** Roles of one platform identity; one indexed query (skills ask through `ctx.caller.roles()`). */
  async rolesOf(tenantId: string, platform: string, externalId: string): Promise<string[]> {
    const rows = await this.#database.sql<{ role: string }>(
      `select r.role from user_roles r join users u on u.id = r.user_id
        where u.tenant_id = $1 and u.platform = $2 and u.external_id = $3 order by r.role`,
      [tenantId, platform, externalId],
    );
    return rows.map((row) => row.role);
  }

  /** Users of a tenant that hold at least one role, optionally only those holding `role`. */
  async usersWithRoles(tenantId: string, role?: string): Promise<UserWithRoles[]> {
    const rows = await this.#database.sql<{
      platform: string;
      external_id: string;
      display_name: string;
      roles: string[];
    }>(
      `select u.platform, u.external_id, u.display_name, array_agg(r.role order by r.role) as roles
         from users u join user_roles r on r.user_id = u.id
        where u.tenant_id = $1 and ($2::text is null or exists (
          select 1 from user_roles x where x.user_id = u.id and x.role = $2))
        group by u.id, u.platform, u.external_id, u.display_name order by u.external_id`,
      [tenantId, role ?? null],
    );
    return rows.map((row) => ({
      platform: row.platform,
      externalId: row.external_id,
      displayName: row.display_name,
      roles: row.roles,
    }));
  }
}
