import { writeFileSync } from 'node:fs';
import { loadConfig } from '../config/load-config.ts';
import { ChatOpsError } from '../core/errors.ts';
import {
  JIRA_REPORTS,
  type JiraChannelSettings,
  type JiraReportName,
  type JiraReportRequest,
} from '../core/jira.ts';
import type { ReplyBlock } from '../core/reply.ts';
import { openDatabase } from '../db/database.ts';
import { JiraService } from '../integrations/jira/service.ts';
import { createLogger } from '../observability/logger.ts';
import { type CliCommand, type CliIo, parseOptions } from './command.ts';

type Options = Record<string, string | true>;

const USAGE = [
  'chatops jira <sprint|velocity|cycle-time|blockers|workload|forecast> [--board <id>] [--project <KEY>] [--sprint <name>] [--sprints N] [--days N] [--items N] [--channel <platform:channel>] [--chart <file.png>] [--json]',
  'chatops jira sync [--board <id> | --project <KEY>] [--full] [--json]',
].join('\n       ');

/**
 * `chatops jira …`: the same reports as `/jira`, for scripts (`--json` prints the numbers the chat answer
 * is built from) and for cron (`chatops jira sync`). Settings are the installation's (JIRA_DEFAULT_*), or a
 * channel's (`--channel slack:C0123ABCDEF`) as `/jira config` stored them.
 */
export const jiraCommand: CliCommand = {
  name: 'jira',
  summary:
    'Jira analytics: sync the snapshot, print sprint, velocity, cycle-time, blockers, workload or forecast reports.',
  usage: USAGE,
  async run(args, env, io) {
    const { positional, options } = parseOptions(args);
    const [verb] = positional;
    if (!verb || (verb !== 'sync' && !(JIRA_REPORTS as readonly string[]).includes(verb))) {
      io.err(`Usage: ${USAGE}`);
      return 2;
    }
    const config = loadConfig(env, 'cli');
    if (!config.jira) {
      throw new ChatOpsError('CONFIG_INVALID', 'JIRA_HOST is not set.', {
        remedy: 'Set JIRA_HOST, JIRA_EMAIL and JIRA_API_TOKEN (see .env.example).',
      });
    }
    const log = createLogger({ level: 'warn', format: 'pretty', write: (line) => io.err(line) });
    const database = await openDatabase(config.database);
    try {
      await database.migrate();
      const service = new JiraService({ database, config: config.jira, log });
      const tenant = text(options, 'tenant') ?? config.tenant.defaultId;
      const settings = await settingsFor(service, tenant, options);
      if (verb === 'sync') return await sync(service, tenant, settings, options, io);
      const result = await service.report(tenant, requestOf(verb as JiraReportName, options), settings);
      const chartPath = text(options, 'chart');
      const chart = result.reply.blocks.find((block) => block.type === 'file');
      if (chartPath && chart?.type === 'file' && chart.contentBase64)
        writeFileSync(chartPath, Buffer.from(chart.contentBase64, 'base64'));
      if (options.json === true) {
        io.out(
          JSON.stringify(
            { report: result.report, numbers: result.numbers, definitions: result.definitions },
            null,
            2,
          ),
        );
      } else io.out(result.reply.blocks.map(plainBlock).filter(Boolean).join('\n\n'));
      return 0;
    } finally {
      await database.close();
    }
  },
};

async function sync(
  service: JiraService,
  tenant: string,
  settings: JiraChannelSettings,
  options: Options,
  io: CliIo,
): Promise<number> {
  const board = number(options, 'board') ?? (text(options, 'project') ? undefined : settings.board);
  const project = text(options, 'project') ?? (board === undefined ? settings.project : undefined);
  const scopes = [...(board !== undefined ? [{ board }] : []), ...(project ? [{ project }] : [])];
  if (scopes.length === 0) {
    io.err('Name a board or project to sync (--board <id> or --project <KEY>), or set JIRA_DEFAULT_BOARD.');
    return 2;
  }
  for (const scope of scopes) {
    const result = await service.sync(tenant, scope, { full: options.full === true });
    const counters = service.http.counters;
    io.out(
      options.json === true
        ? JSON.stringify({ ...result, requests: counters.requests, rateLimited: counters.rateLimited })
        : `${result.scope}: ${result.full ? 'full' : 'incremental'} sync, ${result.issues} issues in ${(result.durationMs / 1000).toFixed(1)} s (${counters.requests} requests, ${counters.rateLimited} rate-limited).`,
    );
  }
  return 0;
}

async function settingsFor(
  service: JiraService,
  tenant: string,
  options: Options,
): Promise<JiraChannelSettings> {
  const channel = text(options, 'channel');
  const stored = channel
    ? await service.state.channelSettings(
        tenant,
        channel.split(':')[0] ?? 'api',
        channel.split(':').slice(1).join(':'),
      )
    : {};
  const board = stored.board ?? service.config.defaultBoard;
  const project = stored.project ?? service.config.defaultProject;
  return {
    ...stored,
    ...(board !== undefined ? { board } : {}),
    ...(project ? { project } : {}),
    timezone: text(options, 'timezone') ?? stored.timezone ?? service.config.timezone,
  };
}

function requestOf(report: JiraReportName, options: Options): JiraReportRequest {
  const project = text(options, 'project');
  const sprint = text(options, 'sprint');
  const board = number(options, 'board');
  const sprints = number(options, 'sprints');
  const days = number(options, 'days');
  const items = number(options, 'items');
  return {
    report,
    ...(board !== undefined ? { board } : {}),
    ...(project ? { project: project.toUpperCase() } : {}),
    ...(sprint ? { sprint } : {}),
    ...(sprints !== undefined ? { sprints } : {}),
    ...(days !== undefined ? { days } : {}),
    ...(items !== undefined ? { items } : {}),
  };
}

/** A terminal shows no markdown: bold marks go, links become "KEY (url)". */
function plain(markdown: string): string {
  return markdown.replace(/\*\*/g, '').replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)');
}

function plainBlock(block: ReplyBlock): string {
  if (block.type === 'markdown' || block.type === 'context') return plain(block.text);
  if (block.type === 'fields')
    return block.fields.map((field) => `${field.label}: ${field.value}`).join('\n');
  if (block.type === 'table')
    return [block.columns.join('\t'), ...block.rows.map((row) => row.map(plain).join('\t'))].join('\n');
  if (block.type === 'file') return `[chart: ${block.name}; write it with --chart <file.png>]`;
  return '';
}

function text(options: Options, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function number(options: Options, name: string): number | undefined {
  const value = text(options, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new ChatOpsError('VALIDATION_FAILED', `--${name} must be a whole number, not "${value}".`, {
      remedy: `Usage: ${USAGE}`,
    });
  }
  return parsed;
}
