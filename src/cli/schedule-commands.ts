import { loadConfig } from '../config/load-config.ts';
import { parseArguments } from '../core/command-text.ts';
import { ChatOpsError } from '../core/errors.ts';
import type { ScheduleSummary } from '../core/schedules.ts';
import { PlatformSchema } from '../core/task.ts';
import { AuditLog } from '../db/audit-log.ts';
import { openDatabase } from '../db/database.ts';
import { ScheduleStore } from '../db/schedule-store.ts';
import { installedCatalog, startScheduler } from '../main.ts';
import { schedulesPort } from '../scheduler/schedules-port.ts';
import { type CliCommand, parseOptions } from './command.ts';
import { untilSignalled } from './lifecycle.ts';
import { loggerFor, serviceRuntime } from './service-commands.ts';

/** `chatops scheduler`: fires schedules into the task queue; run any number of replicas. */
export const schedulerCommand: CliCommand = {
  name: 'scheduler',
  summary:
    'Run the scheduler: recurring commands (e.g. re-syncs) become tasks (replicas never double a run).',
  usage: 'chatops scheduler',
  async run(_args, env) {
    const config = loadConfig(env, 'scheduler');
    const log = loggerFor(config);
    const runtime = await serviceRuntime(config, log, false);
    const scheduler = await startScheduler(runtime).catch(async (error: unknown) => {
      await runtime.close();
      throw error;
    });
    return untilSignalled(log, async () => {
      await scheduler.close();
      await runtime.close();
    });
  },
};

const USAGE = [
  'chatops schedule add <name> --cron "<expr>" --channel <platform:channel> --command <name> [--timezone Z]',
  '                     [--by <user>] [--tenant T] [--disabled] [-- <text and key=value arguments>]',
  'chatops schedule list [--tenant T] [--channel <platform:channel>]',
  'chatops schedule remove <name> [--tenant T]',
].join('\n       ');

/** `chatops schedule add|list|remove`: what the scheduler runs, for administrators. */
export const scheduleCommand: CliCommand = {
  name: 'schedule',
  summary: 'Add, list or remove schedules (recurring runs of a command in a channel).',
  usage: USAGE,
  async run(args, env, io) {
    const separator = args.indexOf('--');
    const own = separator === -1 ? args : args.slice(0, separator);
    const rest = separator === -1 ? '' : args.slice(separator + 1).join(' ');
    const { positional, options } = parseOptions(own);
    const [action, name] = positional;
    if (!['add', 'list', 'remove'].includes(action ?? '') || (action !== 'list' && !name)) {
      io.err(`Usage: ${USAGE}`);
      return 2;
    }
    const config = loadConfig(env, 'cli');
    const tenantId = typeof options.tenant === 'string' ? options.tenant : config.tenant.defaultId;
    const database = await openDatabase(config.database);
    try {
      await database.migrate();
      const port = schedulesPort(new ScheduleStore(database, new AuditLog(database)), installedCatalog());
      if (action === 'list') {
        const where = typeof options.channel === 'string' ? channelOf(options.channel) : {};
        const schedules = await port.list(tenantId, where);
        if (schedules.length === 0) io.out('No schedules.');
        for (const schedule of schedules) io.out(describe(schedule));
        return 0;
      }
      if (action === 'remove') {
        const removed = await port.remove(tenantId, name ?? '', 'cli');
        io.out(removed ? `Removed schedule ${name}.` : `There is no schedule ${name}.`);
        return removed ? 0 : 1;
      }
      const required = (option: string) => {
        const value = options[option];
        if (typeof value !== 'string' || value.trim() === '') {
          throw new ChatOpsError('VALIDATION_FAILED', `chatops schedule add needs --${option}.`, {
            remedy: `Usage: ${USAGE}`,
          });
        }
        return value.trim();
      };
      const { platform, channel } = channelOf(required('channel'));
      const parsed = parseArguments(rest);
      const saved = await port.upsert({
        name: name ?? '',
        tenantId,
        cron: required('cron'),
        timezone: typeof options.timezone === 'string' ? options.timezone : 'UTC',
        platform,
        channel,
        command: required('command').replace(/^\//, ''),
        text: parsed.text,
        args: parsed.args,
        createdBy: typeof options.by === 'string' ? options.by : 'cli',
        enabled: options.disabled !== true,
      });
      io.out(`Saved. ${describe(saved)}`);
      return 0;
    } finally {
      await database.close();
    }
  },
};

/** `slack:C0123` → Slack channel C0123; a bare name is a web chat / REST API channel. */
function channelOf(spec: string): { platform: 'api' | 'slack' | 'teams'; channel: string } {
  const match = /^(?:(api|slack|teams):)?(.+)$/.exec(spec.trim());
  const platform = PlatformSchema.safeParse(match?.[1] ?? 'api');
  if (!match?.[2] || !platform.success) {
    throw new ChatOpsError('VALIDATION_FAILED', `"${spec}" is not a channel.`, {
      remedy: 'Write the channel as name (web chat / API) or slack:<channel id> or teams:<conversation id>.',
    });
  }
  return { platform: platform.data as 'api' | 'slack' | 'teams', channel: match[2] };
}

function describe(schedule: ScheduleSummary): string {
  const args = Object.entries(schedule.args).map(([key, value]) => `${key}=${value}`);
  const line = [`/${schedule.command}`, ...args, schedule.text].filter(Boolean).join(' ');
  const next = schedule.nextRunAt ? `next ${schedule.nextRunAt}` : 'disabled';
  return `${schedule.name}\t${schedule.cron} (${schedule.timezone})\t${schedule.platform}:${schedule.channel}\t${line}\t${next}`;
}
