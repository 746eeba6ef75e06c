import { ChatOpsError } from '../core/errors.ts';
import {
  API_SCOPES,
  API_USER_NAME,
  type ApiKeyListing,
  ApiKeys,
  DEFAULT_SCOPES,
  parseScopes,
} from '../db/api-keys.ts';
import { AuditLog } from '../db/audit-log.ts';
import { Directory } from '../db/directory.ts';
import { withDatabase } from './admin-commands.ts';
import { type CliCommand, parseOptions } from './command.ts';

const USAGE = [
  'chatops api-key create --name N [--scopes S,S…] [--user U] [--tenant T]',
  'chatops api-key list [--tenant T]',
  'chatops api-key update --name N --scopes S,S… [--tenant T]',
  'chatops api-key revoke --name N [--tenant T]',
].join('\n       ');

const SCOPE_HELP = [
  'A key acts as itself (`key:<name>`), or with --user as that person (a personal token). Scopes:',
  ...Object.entries(API_SCOPES).map(([scope, meaning]) => `  ${scope.padEnd(9)}  ${meaning}`),
  `Default: ${DEFAULT_SCOPES.join(',')}. Deciding an approval needs a personal token (--user) or decide-as.`,
].join('\n');

/**
 * `chatops api-key`: REST API (and /mcp) keys as identities. Changes hold from the next request on every
 * gateway: keys are looked up on each request, never cached.
 */
export const apiKeyCommand: CliCommand = {
  name: 'api-key',
  summary:
    'Create, list, change the scopes of, or revoke REST API keys: service keys or personal tokens (--user).',
  usage: `${USAGE}\n\n${SCOPE_HELP}`,
  async run(args, env, io) {
    const { positional, options } = parseOptions(args);
    const action = positional[0] ?? '';
    const name = typeof options.name === 'string' ? options.name.trim() : '';
    const problem = usageProblem(action, name, options);
    if (problem) {
      io.err(`${problem}\nUsage: ${USAGE}\n\n${SCOPE_HELP}`);
      return 2;
    }
    const scopes = typeof options.scopes === 'string' ? parseScopes(options.scopes) : undefined;
    const user = typeof options.user === 'string' ? options.user.trim() : undefined;
    return withDatabase(env, async (database, defaultTenant) => {
      const tenant = typeof options.tenant === 'string' ? options.tenant : defaultTenant;
      const audit = new AuditLog(database);
      const keys = new ApiKeys(database, audit);
      if (action === 'create') {
        await new Directory(database, audit).ensureTenant(tenant, tenant, 'api');
        const created = await keys
          .create(name, tenant, { ...(scopes ? { scopes } : {}), ...(user ? { userId: user } : {}) })
          .catch((error: unknown) => {
            if (String((error as Error).message).includes('api_keys_name_unique')) {
              throw new ChatOpsError('VALIDATION_FAILED', `An API key named "${name}" exists already.`, {
                remedy: 'Choose another name, or revoke the old key first.',
              });
            }
            throw error;
          });
        io.out(created.key);
        const who = user ? `a personal token of ${user}` : `a service key (acts as key:${name})`;
        io.err(
          `Created API key "${name}" for tenant ${tenant}: ${who}, scopes ${created.scopes.join(',')}. Store it now: it is not shown again.`,
        );
        return 0;
      }
      if (action === 'list') {
        for (const key of await keys.list(tenant)) io.out(listLine(key));
        return 0;
      }
      if (action === 'update') {
        const changed = await keys.setScopes(name, tenant, scopes ?? []);
        io.out(changed ? `${name} now has the scopes ${scopes?.join(',')}.` : `No active key named ${name}.`);
        return changed ? 0 : 1;
      }
      const revoked = await keys.revoke(name, tenant);
      io.out(revoked ? `Revoked ${name}: refused from the next request on.` : `No active key named ${name}.`);
      return revoked ? 0 : 1;
    });
  },
};

function usageProblem(action: string, name: string, options: Record<string, string | true>): string | null {
  if (!['create', 'list', 'update', 'revoke'].includes(action)) return `Unknown action "${action}".`;
  if (action !== 'list' && !/^[\w.-]{1,64}$/.test(name))
    return '--name: 1-64 letters, digits, ".", "_" or "-".';
  if (options.scopes === true) return '--scopes needs a comma-separated list.';
  if (action === 'update' && typeof options.scopes !== 'string') return 'update needs --scopes.';
  if (options.user !== undefined && action !== 'create') return '--user is given when a key is created.';
  if (options.user !== undefined && (options.user === true || !API_USER_NAME.test(options.user.trim())))
    return '--user: the API user name of the person (1-80 letters, digits, ".", "_", "@" or "-").';
  return null;
}

/** `name  prefix…  created  scopes  user|service  [revoked]`: tab-separated for scripts. */
function listLine(key: ApiKeyListing): string {
  return [
    key.name,
    `${key.prefix}…`,
    key.createdAt.toISOString(),
    key.scopes.join(',') || '(none)',
    key.userId ? `user:${key.userId}` : 'service',
    ...(key.revoked ? ['revoked'] : []),
  ].join('\t');
}
