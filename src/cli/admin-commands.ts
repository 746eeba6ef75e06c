import { type Environment, loadConfig } from '../config/load-config.ts';
import { ChatOpsError } from '../core/errors.ts';
import { PlatformSchema } from '../core/task.ts';
import { AuditLog } from '../db/audit-log.ts';
import { type Database, openDatabase } from '../db/database.ts';
import { Directory, type UserIdentity } from '../db/directory.ts';
import { type CliCommand, parseOptions } from './command.ts';

/** Opens the database (migrating it), runs `work` with the default tenant, and closes it. */
export async function withDatabase<T>(
  env: Environment,
  work: (database: Database, tenant: string) => Promise<T>,
): Promise<T> {
  const config = loadConfig(env, 'cli');
  const database = await openDatabase(config.database);
  try {
    await database.migrate();
    return await work(database, config.tenant.defaultId);
  } finally {
    await database.close();
  }
}

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'Apply pending database migrations (PostgreSQL or the embedded database).',
  usage: 'chatops migrate',
  async run(_args, env, io) {
    const config = loadConfig(env, 'cli');
    const database = await openDatabase(config.database);
    try {
      const applied = await database.migrate();
      io.out(applied.length === 0 ? 'The database is up to date.' : `Applied: ${applied.join(', ')}`);
      return 0;
    } finally {
      await database.close();
    }
  },
};

/** `alice` → the API/web-chat user alice; `slack:U123` → a Slack user. */
export function parseUserSpec(spec: string, tenantId: string): UserIdentity {
  const match = /^(?:([a-z]+):)?(.+)$/.exec(spec);
  const platform = PlatformSchema.safeParse(match?.[1] ?? 'api');
  if (!match?.[2] || !platform.success) {
    throw new ChatOpsError('VALIDATION_FAILED', `"${spec}" is not a user.`, {
      remedy: `Write the user as name (web chat / API) or platform:id, with platform one of ${PlatformSchema.options.join(', ')}.`,
    });
  }
  return { tenantId, platform: platform.data, externalId: match[2] };
}

const ROLE = /^[a-z][a-z0-9_-]{0,39}$/;

export const roleCommand: CliCommand = {
  name: 'role',
  summary: 'Grant, revoke or list the roles of users (approvals and permissions check roles).',
  usage:
    'chatops role grant|revoke <user> <role> [--tenant T] | chatops role list [<user>] [--role R] [--tenant T]',
  async run(args, env, io) {
    const { positional, options } = parseOptions(args);
    const [action, user, role] = positional;
    if (!['grant', 'revoke', 'list'].includes(action ?? '') || (action !== 'list' && (!user || !role))) {
      io.err(`Usage: ${this.usage}`);
      return 2;
    }
    if (role && !ROLE.test(role)) {
      io.err(
        `"${role}" is not a role name: use lower-case letters, digits, "-" or "_" (e.g. approver, sre).`,
      );
      return 2;
    }
    return withDatabase(env, async (database, defaultTenant) => {
      const tenant = typeof options.tenant === 'string' ? options.tenant : defaultTenant;
      const directory = new Directory(database, new AuditLog(database));
      if (action === 'list') {
        const filterRole = typeof options.role === 'string' ? options.role : undefined;
        const users = await directory.usersWithRoles(tenant, filterRole);
        const shown = user
          ? users.filter((entry) => entry.externalId === parseUserSpec(user, tenant).externalId)
          : users;
        if (shown.length === 0) io.out('No users with roles.');
        for (const entry of shown) io.out(`${entry.platform}:${entry.externalId}\t${entry.roles.join(', ')}`);
        return 0;
      }
      const identity = parseUserSpec(user ?? '', tenant);
      const changed =
        action === 'grant'
          ? await directory.grantRole(identity, role ?? '', 'cli')
          : await directory.revokeRole(identity, role ?? '', 'cli');
      const who = `${identity.platform}:${identity.externalId}`;
      io.out(
        action === 'grant'
          ? changed
            ? `Granted ${role} to ${who}.`
            : `${who} already has ${role}.`
          : changed
            ? `Revoked ${role} from ${who}.`
            : `${who} did not have ${role}.`,
      );
      return 0;
    });
  },
};
