import { Registry } from 'prom-client';
import { createModel } from '../agent/agent-setup.ts';
import { type Environment, loadConfig } from '../config/load-config.ts';
import { ChatOpsError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { SchedulesPort } from '../core/schedules.ts';
import { AuditLog } from '../db/audit-log.ts';
import { PostedChannelMembers } from '../db/channel-members.ts';
import { type Database, openDatabase } from '../db/database.ts';
import { ScheduleStore } from '../db/schedule-store.ts';
import { parseBody } from '../http/api-schemas.ts';
import { publicResult } from '../http/routes/api-knowledge.ts';
import { TaskIntake } from '../intake/task-intake.ts';
import { AccessSchema, accessFrom } from '../knowledge/access.ts';
import { ingestJobTask, KB_JOBS_CHANNEL } from '../knowledge/jobs.ts';
import { placeScope } from '../knowledge/place-scope.ts';
import { scheduleSync } from '../knowledge/schedule.ts';
import { counts, KnowledgeService } from '../knowledge/service.ts';
import { createRuntime, installedCatalog } from '../main.ts';
import { createLogger } from '../observability/logger.ts';
import { schedulesPort } from '../scheduler/schedules-port.ts';
import { type CliCommand, type CliIo, parseOptions } from './command.ts';

type Options = Record<string, string | true>;

const USAGE = [
  'chatops kb ingest <path|url|github:owner/repo[@ref][/folder]> --collection <name> [--include <glob>] [--channels a,b] [--roles r] [--queue] [--json]',
  'chatops kb search "<query>" [--collection <name>] [--k 5] [--mode hybrid|vector|fulltext] [--channel c] [--user u] [--json]',
  'chatops kb ask "<question>" [--collection <name>] [--channel c] [--user u] [--json]',
  'chatops kb list [--collection <name>] [--json]',
  'chatops kb delete --collection <name> [--document <uri>]',
  'chatops kb create <name> [--description d] [--channels a,b] [--roles r] [--editor-roles r]',
  'chatops kb access <name> [--channels a,b] [--roles r] [--editor-roles r] [--tenant-wide]',
  'chatops kb sync <name> | chatops kb reembed [--collection <name>] [--force]',
  'chatops kb schedule <name> --cron "0 3 * * *" [--timezone UTC] [--channel api:kb-jobs]',
  'chatops kb feedback [--json]',
].join('\n       ');

/**
 * `chatops kb …`: the knowledge base from a shell, on the same database as the bot. The CLI is an operator:
 * it reads every collection of the tenant unless `--channel`/`--user` name a place whose access applies.
 * `schedules` is the scheduler's port (null until a scheduler is installed).
 */
export function kbCommandWith(schedules: (database: Database) => SchedulesPort | null): CliCommand {
  return {
    name: 'kb',
    summary: 'The knowledge base: ingest documents, search, ask, list, delete, re-embed, schedule re-syncs.',
    usage: USAGE,
    async run(args, env, io) {
      const { positional, options } = parseOptions(args);
      const [verb, ...words] = positional;
      if (!verb) {
        io.err(`Usage: ${USAGE}`);
        return 2;
      }
      const config = loadConfig(env, 'cli');
      const log = createLogger({
        level: config.log.level === 'info' ? 'warn' : config.log.level,
        format: 'pretty',
        write: (line) => io.err(line),
      });
      if (verb === 'ingest' && options.queue === true) return queueIngest(words, options, env, io);
      const database = await openDatabase(config.database);
      try {
        await database.migrate();
        const service = new KnowledgeService({ database, config: config.knowledge, log });
        const tenant = text(options, 'tenant') ?? config.tenant.defaultId;
        const members = new PostedChannelMembers(database);
        const place = () =>
          placeScope(members, tenant, { channel: text(options, 'channel'), user: text(options, 'user') });
        switch (verb) {
          case 'ingest': {
            const source = required(words[0], 'a path, URL or github:owner/repo to ingest');
            const name = required(text(options, 'collection'), '--collection <name>');
            const access = accessOption(options);
            const collection = await service.ensureCollection(tenant, name, access ? { access } : undefined);
            const summary = await service.ingest(collection, source, {
              allowPath: true,
              ...(text(options, 'include') ? { include: text(options, 'include') as string } : {}),
              progress: async (done, total) => io.err(`  ${done}/${total}`),
            });
            print(
              io,
              options,
              summary,
              () =>
                `${name}: ${JSON.stringify(counts(summary))}${summary.failed.map((failure) => `\n  failed: ${failure.uri}: ${failure.error}`).join('')}`,
            );
            return summary.failed.length > 0 && summary.added + summary.updated + summary.unchanged === 0
              ? 1
              : 0;
          }
          case 'search': {
            const query = required(words.join(' '), 'a query');
            const k = Number(text(options, 'k') ?? 5);
            const mode = text(options, 'mode') as 'hybrid' | 'vector' | 'fulltext' | undefined;
            const result = await service.searchFor(query, await place(), {
              k: Number.isInteger(k) && k > 0 ? Math.min(k, 50) : 5,
              ...(text(options, 'collection') ? { collection: text(options, 'collection') as string } : {}),
              ...(mode ? { mode } : {}),
            });
            const results = result.sources.map(publicResult);
            print(io, options, { query, collections: result.collections, results }, () =>
              results.length === 0
                ? 'No results.'
                : results
                    .map(
                      (row) =>
                        `${row.rank}. ${row.score.toFixed(4)}  ${row.title}${row.headingPath.length ? ` › ${row.headingPath.join(' › ')}` : ''}\n   ${row.uri}\n   ${row.snippet}`,
                    )
                    .join('\n'),
            );
            return 0;
          }
          case 'ask': {
            const question = required(words.join(' '), 'a question');
            const answer = await service.ask(question, await place(), {
              llm: createModel(config, log, new Registry()),
              ...(text(options, 'collection') ? { collection: text(options, 'collection') as string } : {}),
            });
            print(io, options, { question, ...answer, sources: answer.sources.map(publicResult) }, () =>
              [
                answer.text,
                '',
                ...answer.sources.map(
                  (source) => `[${source.number}] ${source.title} — ${source.url ?? source.uri}`,
                ),
              ].join('\n'),
            );
            return 0;
          }
          case 'list': {
            const name = text(options, 'collection');
            if (name) {
              const documents = await service.documents(tenant, name);
              print(
                io,
                options,
                { collection: name, documents },
                () =>
                  documents
                    .map(
                      (document) =>
                        `${document.uri}\tv${document.version}\t${document.chunks} chunks\t${document.title}`,
                    )
                    .join('\n') || 'No documents.',
              );
              return 0;
            }
            const collections = await service.collections(tenant);
            print(
              io,
              options,
              { collections },
              () =>
                collections
                  .map(
                    (collection) =>
                      `${collection.name}\t${collection.documents} documents\t${collection.chunks} chunks\t${collection.access.visibility}${collection.access.channels.length ? ` channels=${collection.access.channels.join(',')}` : ''}${collection.access.roles.length ? ` roles=${collection.access.roles.join(',')}` : ''}\t${collection.embedding.provider}/${collection.embedding.model}/${collection.embedding.dimensions}`,
                  )
                  .join('\n') || 'No collections.',
            );
            return 0;
          }
          case 'delete': {
            const name = required(text(options, 'collection'), '--collection <name>');
            const document = text(options, 'document');
            if (document) {
              const collection = await service.collection(tenant, name);
              const deleted = await service.store.deleteDocument(collection.id, document);
              io.out(deleted ? `Deleted ${document} from ${name}.` : `${name} has no document ${document}.`);
              return deleted ? 0 : 1;
            }
            const deleted = await service.store.deleteCollection(tenant, name);
            io.out(deleted ? `Deleted collection ${name}.` : `There is no collection ${name}.`);
            return deleted ? 0 : 1;
          }
          case 'create': {
            const name = required(words[0], 'a collection name');
            const access = accessOption(options);
            const created = await service.createCollection(tenant, name, {
              ...(text(options, 'description')
                ? { description: text(options, 'description') as string }
                : {}),
              ...(access ? { access } : {}),
            });
            io.out(`Created ${created.name} (${created.access.visibility}).`);
            return 0;
          }
          case 'access': {
            const collection = await service.collection(tenant, required(words[0], 'a collection name'));
            const access = accessOption(options) ?? {
              visibility: 'tenant' as const,
              channels: [],
              roles: [],
              editorRoles: [],
            };
            await service.store.setAccess(
              collection,
              options['tenant-wide'] === true ? { ...access, visibility: 'tenant' } : access,
            );
            io.out(`${collection.name}: ${JSON.stringify(access)}`);
            return 0;
          }
          case 'sync': {
            const collection = await service.collection(tenant, required(words[0], 'a collection name'));
            const summary = await service.sync(collection, async (done, total) =>
              io.err(`  ${done}/${total}`),
            );
            print(io, options, summary, () => `${collection.name}: ${JSON.stringify(counts(summary))}`);
            return 0;
          }
          case 'reembed': {
            const moved = await service.reembed(tenant, {
              ...(text(options, 'collection') ? { collection: text(options, 'collection') as string } : {}),
              force: options.force === true,
              progress: async (name, done, total) => io.err(`  ${name}: ${done}/${total}`),
            });
            print(io, options, { reembedded: moved }, () =>
              moved.length === 0
                ? 'Every collection already uses the configured embedding model.'
                : moved
                    .map(
                      (entry) =>
                        `${entry.collection}: ${entry.chunks} chunks, ${entry.from.provider}/${entry.from.model} → ${entry.to.provider}/${entry.to.model} (${entry.to.dimensions})`,
                    )
                    .join('\n'),
            );
            return 0;
          }
          case 'schedule': {
            const collection = await service.collection(tenant, required(words[0], 'a collection name'));
            const schedule = await scheduleSync(schedules(database), {
              tenantId: tenant,
              collection: collection.name,
              cron: required(text(options, 'cron'), '--cron "<expression>"'),
              timezone: text(options, 'timezone') ?? 'UTC',
              channel: text(options, 'channel') ?? `api:${KB_JOBS_CHANNEL}`,
              createdBy: 'cli',
            });
            print(
              io,
              options,
              schedule,
              () =>
                `Scheduled ${schedule.name}: ${schedule.cron} (${schedule.timezone}); next ${schedule.nextRunAt ?? 'never'}.`,
            );
            return 0;
          }
          case 'feedback': {
            const entries = await service.feedback.feedback(tenant);
            print(
              io,
              options,
              { feedback: entries },
              () =>
                entries
                  .map(
                    (entry) =>
                      `${entry.vote === 'up' ? '👍' : '👎'} ${entry.userId}: ${entry.question ?? '(no question)'}`,
                  )
                  .join('\n') || 'No feedback yet.',
            );
            return 0;
          }
          default:
            io.err(`Unknown kb command "${verb}".\nUsage: ${USAGE}`);
            return 2;
        }
      } finally {
        await database.close();
      }
    },
  };
}

/** Re-syncs are scheduled in the schedules table, which `chatops scheduler` (or `chatops dev`) fires. */
export const kbCommand = kbCommandWith((database) =>
  schedulesPort(new ScheduleStore(database, new AuditLog(database)), installedCatalog()),
);

/** `--queue`: a large ingest as a job on the task queue, run by the workers (progress in #kb-jobs). */
async function queueIngest(words: string[], options: Options, env: Environment, io: CliIo): Promise<number> {
  const config = loadConfig(env, 'cli');
  const log = createLogger({ level: 'warn', format: 'pretty', write: (line) => io.err(line) });
  const source = required(words[0], 'a URL or github:owner/repo to ingest');
  const name = required(text(options, 'collection'), '--collection <name>');
  const runtime = await createRuntime(config, log, {
    subscribeLive: false,
    migrate: config.database.kind === 'pglite',
  });
  try {
    const access = accessOption(options);
    await runtime.knowledge.ensureCollection(config.tenant.defaultId, name, access ? { access } : undefined);
    const task = ingestJobTask({
      taskId: uuidv7(),
      tenantId: config.tenant.defaultId,
      user: 'cli',
      collection: name,
      source,
      now: new Date(),
    });
    await new TaskIntake(runtime.ledger, runtime.queue, runtime.metrics, log).accept(task, {
      id: uuidv7(),
      text: `/kb ${task.text} collection=${name}`,
    });
    print(
      io,
      options,
      { taskId: task.id, channel: KB_JOBS_CHANNEL },
      () => `Queued ${task.id}: follow it with GET /api/v1/tasks/${task.id} or in #${KB_JOBS_CHANNEL}.`,
    );
    return 0;
  } finally {
    await runtime.close();
  }
}

function text(options: Options, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === '') {
    throw new ChatOpsError('VALIDATION_FAILED', `This kb command needs ${what}.`, {
      remedy: `Usage: ${USAGE}`,
    });
  }
  return value;
}

function list(options: Options, name: string): string[] {
  return (text(options, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function accessOption(options: Options) {
  const channels = list(options, 'channels');
  const roles = list(options, 'roles');
  const editorRoles = list(options, 'editor-roles');
  if (channels.length + roles.length + editorRoles.length === 0) return undefined;
  return accessFrom(parseBody(AccessSchema, { channels, roles, editorRoles }));
}

function print(io: CliIo, options: Options, value: unknown, human: () => string): void {
  io.out(options.json === true ? JSON.stringify(value, null, 2) : human());
}
