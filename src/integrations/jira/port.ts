import { ChatOpsError } from '../../core/errors.ts';
import type { JiraChannelSettings, JiraPort } from '../../core/jira.ts';
import type { Task } from '../../core/task.ts';
import { statusIdsNamed } from './analytics/workflow.ts';
import type { JiraService } from './service.ts';
import type { SyncScope } from './sync.ts';

/**
 * `ctx.jira` for one task: the engine bound to the task's tenant and channel, so the channel's defaults
 * (`/jira config`) apply and are stored per channel. Settings are checked against Jira before they are
 * saved: a board that does not exist or a status Jira does not have is an error with the remedy, not a
 * default that breaks every later report.
 */
export function jiraPortFor(service: JiraService, task: Task): JiraPort {
  const { tenantId: tenant, platform, channel } = task;
  const stored = () => service.state.channelSettings(tenant, platform, channel);
  const merged = async (): Promise<JiraChannelSettings> => {
    const own = await stored();
    const board = own.board ?? service.config.defaultBoard;
    const project = own.project ?? service.config.defaultProject;
    return {
      ...own,
      ...(board !== undefined ? { board } : {}),
      ...(project !== undefined ? { project } : {}),
      timezone: own.timezone ?? service.config.timezone,
    };
  };
  return {
    report: async (request) => service.report(tenant, request, await merged()),
    settings: merged,
    async configure(changes) {
      const next: JiraChannelSettings = { ...(await stored()) };
      if (changes.board !== undefined) {
        const board = await service.api.board(changes.board);
        next.board = board.id;
      }
      if (changes.project !== undefined) next.project = (await service.api.project(changes.project)).key;
      for (const field of ['started', 'done'] as const) {
        const names = changes[field];
        if (names === undefined) continue;
        if (names.length === 0) delete next[field];
        else {
          statusIdsNamed(names, await statusesOf(service, tenant));
          next[field] = names;
        }
      }
      if (changes.timezone !== undefined) next.timezone = checkedTimeZone(changes.timezone);
      await service.state.saveChannelSettings(tenant, platform, channel, next, `${platform}:${task.user.id}`);
      return merged();
    },
    async sync(options) {
      const settings = await merged();
      const scopes: SyncScope[] =
        options.board !== undefined
          ? [{ board: options.board }]
          : options.project
            ? [{ project: options.project }]
            : [
                ...(settings.board !== undefined ? [{ board: settings.board }] : []),
                ...(settings.project ? [{ project: settings.project }] : []),
              ];
      if (scopes.length === 0) {
        throw new ChatOpsError('VALIDATION_FAILED', 'Which Jira board or project should I sync?', {
          remedy:
            "Name one (`/jira sync board=12`) or set this channel's with `/jira config board=<id> project=<KEY>`.",
        });
      }
      const results = [];
      for (const scope of scopes) {
        const result = await service.sync(tenant, scope, { full: options.full === true });
        results.push({
          scope: result.scope,
          full: result.full,
          issues: result.issues,
          durationMs: result.durationMs,
          ran: result.ran,
        });
      }
      return results;
    },
    async projectKeys() {
      const keys = new Set(await service.store.projectKeys(tenant));
      if (service.config.defaultProject) keys.add(service.config.defaultProject);
      return [...keys];
    },
  };
}

async function statusesOf(service: JiraService, tenant: string) {
  const known = await service.store.statuses(tenant);
  if (known.size > 0) return known;
  const fetched = (await service.api.statuses()).map((status) => ({
    id: status.id,
    name: status.name,
    category: status.statusCategory?.key ?? 'indeterminate',
  }));
  await service.store.saveStatuses(tenant, fetched);
  return new Map(fetched.map((status) => [status.id, status]));
}

function checkedTimeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    throw new ChatOpsError('VALIDATION_FAILED', `"${zone}" is not a time zone.`, {
      remedy: 'Use an IANA time zone name, e.g. Europe/Berlin or America/New_York.',
    });
  }
}
