// The Teams part of the composition root: the Bot Framework sender and the /api/messages receiver.
import type * as TeamsAdapter from '../../adapters/teams/index.ts';
import type { Config } from '../config/load-config.ts';
import type { Intake, Logger, Sender } from '../core/ports.ts';
import type { Platform } from '../core/task.ts';
import { PLATFORM_EVENT_MAX_BYTES } from '../core/task-limits.ts';
import type { Database } from '../db/database.ts';
import { TeamsContactStore } from '../db/teams-contacts.ts';
import type { Route } from '../http/route-table.ts';
import type { Runtime } from '../main.ts';

export function teamsSender(
  teams: typeof TeamsAdapter,
  config: Config,
  database: Database,
  log: Logger,
): [Platform, Sender] {
  const contacts = new TeamsContactStore(database);
  return ['teams', new teams.TeamsSender({ settings: config.teams, log, contacts })];
}

/** POST /api/messages: the Teams receiver (Bot Framework activities), on when Teams is configured. */
export function teamsRoute(teams: typeof TeamsAdapter, runtime: Runtime, intake: Intake): Route {
  const sender = runtime.senders.get('teams');
  if (!sender) throw new Error('the Teams sender is missing while Teams is enabled');
  const receiver = new teams.TeamsReceiver({
    settings: runtime.config.teams,
    intake,
    catalog: runtime.catalog,
    messages: runtime.messages,
    sender,
    contacts: new TeamsContactStore(runtime.database),
    defaultTenantId: runtime.config.tenant.defaultId,
    maxBodyBytes: Math.max(runtime.config.http.maxBodyBytes, PLATFORM_EVENT_MAX_BYTES),
    log: runtime.log.child({ platform: 'teams' }),
    onAcknowledged: (seconds) => runtime.metrics.ackLatency.observe({ platform: 'teams' }, seconds),
  });
  return {
    method: 'POST',
    path: teams.TEAMS_ENDPOINT,
    handler: ({ req, res }) => receiver.handleHttp(req, res),
  };
}
