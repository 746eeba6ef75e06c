import { loadConfig } from '../config/load-config.ts';
import { parseArguments } from '../core/command-text.ts';
import type { DigestPreview, DigestView } from '../core/digests.ts';
import { ChatOpsError } from '../core/errors.ts';
import { PlatformSchema } from '../core/task.ts';
import { formatLocalTime } from '../core/time-format.ts';
import { TaskIntake } from '../intake/task-intake.ts';
import { createRuntime } from '../main.ts';
import { digestDependencies, operatorDigests } from '../wiring/digests.ts';
import { type CliCommand, parseOptions } from './command.ts';
import { loggerFor } from './service-commands.ts';

const USAGE = [
  'chatops digest add <kind> <when…> --channel <channel> [--tz Zone] [--tenant T] [--json] [-- key=value …]',
  'chatops digest list [--channel <channel>] [--tenant T] [--json]',
  'chatops digest remove|pause|resume|run <id> [--tenant T]',
  '(channel: a web chat name such as ops, slack:C0123ABCDEF or teams:19:…; when: "weekdays at 17:30" or cron)',
].join('\n       ');

/**
 * `chatops digest add|list|remove|pause|resume|run`: the same digests as `/digest` and /api/v1/digests,
 * as an operator (every digest of the tenant; operator-only options allowed). `add` prints the next three
 * runs and the digest as it reads now; `run` queues a run now (a worker posts it).
 */
export const digestCommand: CliCommand = {
  name: 'digest',
  summary: 'Add, list, pause, resume, run or remove scheduled digests (approvals, knowledge, usage).',
  usage: USAGE,
  async run(args, env, io) {
    const separator = args.indexOf('--');
    const own = separator === -1 ? args : args.slice(0, separator);
    const extra = separator === -1 ? {} : parseArguments(args.slice(separator + 1).join(' ')).args;
    const { positional, options } = parseOptions(own);
    const [action = '', ...rest] = positional;
    if (!['add', 'list', 'remove', 'pause', 'resume', 'run'].includes(action)) {
      io.err(`Usage: ${USAGE}`);
      return 2;
    }
    const config = loadConfig(env, 'cli');
    const log = loggerFor({ ...config, log: { ...config.log, level: 'warn' } });
    const runtime = await createRuntime(config, log, { subscribeLive: false, migrate: true });
    try {
      const tenantId = typeof options.tenant === 'string' ? options.tenant : config.tenant.defaultId;
      const intake = new TaskIntake(runtime.ledger, runtime.queue, runtime.metrics, log);
      const port = operatorDigests(digestDependencies(runtime, intake), { tenantId, operator: 'cli' });
      const json = options.json === true;
      const print = (value: unknown, text: string) => io.out(json ? JSON.stringify(value, null, 2) : text);
      switch (action) {
        case 'add': {
          const [kind = '', ...when] = rest;
          const channel = typeof options.channel === 'string' ? options.channel : '';
          if (!kind || when.length === 0 || !channel) {
            throw new ChatOpsError(
              'VALIDATION_FAILED',
              'chatops digest add needs a kind, a time and --channel.',
              {
                remedy: `Usage: ${USAGE}`,
              },
            );
          }
          const added = await port.add({
            kind,
            when: when.join(' '),
            place: placeOf(channel),
            ...(typeof options.tz === 'string' ? { timeZone: options.tz } : {}),
            options: extra,
          });
          print(added, describePreview(added));
          return 0;
        }
        case 'list': {
          const filter = typeof options.channel === 'string' ? placeOf(options.channel) : null;
          const digests = (await port.list()).filter(
            (digest) => !filter || (digest.platform === filter.platform && digest.channel === filter.channel),
          );
          print(digests, digests.length === 0 ? 'No digests.' : digests.map(describe).join('\n'));
          return 0;
        }
        case 'run': {
          const { digest, taskId } = await port.runNow(rest[0] ?? '');
          print({ digest, taskId }, `Queued a run of ${digest.id} now (task ${taskId}); a worker posts it.`);
          return 0;
        }
        default: {
          const id = rest[0] ?? '';
          const digest =
            action === 'remove' ? await port.remove(id) : await port.setPaused(id, action === 'pause');
          print(
            digest,
            `${action === 'remove' ? 'Removed' : action === 'pause' ? 'Paused' : 'Resumed'}: ${describe(digest)}`,
          );
          return 0;
        }
      }
    } finally {
      await runtime.close();
    }
  },
};

/** `slack:C0123ABCDEF`, `teams:19:…`, or a bare web chat channel name. */
function placeOf(spec: string): { platform: 'api' | 'slack' | 'teams'; channel: string } {
  const [prefix, ...rest] = spec.includes(':') ? spec.split(':') : ['api', spec.replace(/^#/, '')];
  const platform = PlatformSchema.safeParse(prefix);
  if (!platform.success || !['api', 'slack', 'teams'].includes(platform.data) || rest.join(':') === '') {
    throw new ChatOpsError('VALIDATION_FAILED', `"${spec}" is not a channel.`, {
      remedy: 'Write the channel as a web chat name (ops), slack:<channel id> or teams:<conversation id>.',
    });
  }
  return { platform: platform.data as 'api' | 'slack' | 'teams', channel: rest.join(':') };
}

function describe(digest: DigestView): string {
  const next = digest.enabled
    ? digest.nextRuns[0]
      ? `next ${formatLocalTime(new Date(digest.nextRuns[0]), digest.timeZone)}`
      : 'no next run'
    : 'paused';
  const last = digest.lastRun ? `last ${digest.lastRun.status} ${digest.lastRun.periodEnd}` : 'not run yet';
  return `${digest.id}\t${digest.kind}\t${digest.when} (${digest.timeZone})\t${digest.platform}:${digest.channel}\t${next}\t${last}`;
}

function describePreview(preview: DigestPreview): string {
  const runs = preview.nextRuns.map((run) => formatLocalTime(new Date(run), preview.timeZone));
  return [
    `Saved ${preview.digest?.id}: ${preview.digest?.kind} ${preview.when} (${preview.timeZone}, cron "${preview.cron}") in ${preview.place.platform}:${preview.place.channel}.`,
    `Next runs: ${runs.join(' · ')}`,
    `Now it would say: ${preview.sample.headline}`,
  ].join('\n');
}
