import type { ChannelMembersPort } from '../core/channels.ts';
import { ChatOpsError } from '../core/errors.ts';
import type { KnowledgePort } from '../core/knowledge.ts';
import type { LanguageModel } from '../core/language-model.ts';
import type { Caller } from '../core/skill.ts';
import type { Task, TaskFile } from '../core/task.ts';
import type { Database } from '../db/database.ts';
import { citedSources } from '../db/feedback-store.ts';
import type { MessageStore } from '../db/message-store.ts';
import { threadFiles } from '../db/thread-files.ts';
import type { Collection, ReaderScope } from './domain.ts';
import { isIngestJob } from './jobs.ts';
import type { KnowledgeService } from './service.ts';
import type { SourceItem } from './sources/index.ts';
import { safeFetch } from './sources/safe-fetch.ts';

export interface KnowledgePortDependencies {
  service: KnowledgeService;
  members: ChannelMembersPort;
  messages: MessageStore;
  database: Database;
  /** Downloads a chat file (replaces the default download entirely; tests bring their own). */
  downloadFile?: (task: Task, file: TaskFile) => Promise<SourceItem>;
  /**
   * Credentials for a chat file's URL, for platforms whose files need the bot's token (Slack's
   * `url_private`): asked per URL, so a token only ever goes to its own platform's file host.
   */
  fileHeaders?: (task: Task, url: URL) => Promise<Record<string, string> | undefined>;
}

/**
 * The knowledge port of one task (`ctx.knowledge`). Who reads: in a DM the asker; in a shared channel
 * every member (the platform says who), so only collections they all may read answer there; when the
 * platform cannot say, only collections open to the tenant or to that channel. Chat ingestion needs the
 * collection's editor role (operators' API and scheduled runs are trusted).
 */
export function knowledgePortFor(
  deps: KnowledgePortDependencies,
  task: Task,
  caller: Caller,
  llm: LanguageModel | null,
): KnowledgePort {
  const { service } = deps;
  const channel = `${task.platform}:${task.channel}`;
  const asker: ReaderScope = {
    tenantId: task.tenantId,
    platform: task.platform,
    channel,
    readers: [task.user.id],
    admin: false,
  };
  let shared: Promise<ReaderScope> | null = null;
  const placeScope = () => {
    shared ??= (async (): Promise<ReaderScope> => {
      if (task.kind === 'dm') return asker;
      const members = await deps.members.members(task.tenantId, task.platform, task.channel);
      return { ...asker, readers: members === null ? null : [...new Set([...members, task.user.id])] };
    })();
    return shared;
  };
  const editable = async (name: string, createIfMissing: boolean): Promise<Collection> => {
    const existing = await service.store.collection(task.tenantId, name);
    const collection =
      existing ??
      (createIfMissing
        ? await service.createCollection(task.tenantId, name, {
            description: `Files shared in ${channel}`,
            access: { visibility: 'restricted', channels: [channel], roles: [], editorRoles: [] },
          })
        : await service.collection(task.tenantId, name));
    // Schedules and ingest jobs were authorised where they were set up (CLI, `knowledge`-scoped REST);
    // everyone else, chat through the REST API included, needs an editor role or read access from here.
    if (!existing || task.kind === 'schedule' || isIngestJob(task)) return collection;
    const editors = collection.access.editorRoles;
    const allowed =
      editors.length > 0
        ? (await caller.roles()).some((role) => editors.includes(role))
        : (await service.search.readable(await placeScope())).some(
            (readable) => readable.id === collection.id,
          );
    if (!allowed) {
      throw new ChatOpsError('FORBIDDEN', `${caller.name} may not add documents to "${name}" here.`, {
        remedy:
          editors.length > 0
            ? `It needs one of the roles ${editors.join(', ')}.`
            : 'Ask in a channel that may read it.',
      });
    }
    return collection;
  };
  const download =
    deps.downloadFile ??
    (async (_task: Task, file: TaskFile): Promise<SourceItem> => {
      if (!file.url) {
        throw new ChatOpsError('VALIDATION_FAILED', `${file.name} has no download link.`, {
          remedy: 'Share the file again.',
        });
      }
      const headers = await deps.fileHeaders?.(task, new URL(file.url));
      const fetched = await safeFetch(file.url, {
        ...service.sources.download,
        ...(headers ? { headers } : {}),
      });
      return {
        uri: `chat:${task.platform}/${task.channel}/${file.name}`,
        name: file.name,
        mediaType: file.mimeType ?? fetched.contentType,
        bytes: fetched.bytes,
        source: 'chat',
      };
    });

  return {
    async ask(question, options = {}) {
      const scope = options.privately ? asker : await placeScope();
      const sharedPlace = !options.privately && task.kind !== 'dm';
      return service.ask(question, scope, {
        llm,
        ...(options.collection ? { collection: options.collection } : {}),
        ...(options.k ? { k: options.k } : {}),
        ...(sharedPlace ? { askerScope: asker } : {}),
      });
    },
    async search(query, options = {}) {
      return (await service.searchFor(query, await placeScope(), options)).sources;
    },
    async collections() {
      const readable = new Set(
        (await service.search.readable(await placeScope())).map((collection) => collection.name),
      );
      return (await service.collections(task.tenantId))
        .filter((collection) => readable.has(collection.name))
        .map(({ name, description, documents, chunks }) => ({ name, description, documents, chunks }));
    },
    async threadFiles() {
      const earlier = await threadFiles(deps.database, task);
      return [...earlier, ...(task.files ?? [])].filter(
        (file, index, all) =>
          all.findIndex((other) => other.name === file.name && other.url === file.url) === index,
      );
    },
    async ingestFiles(name, files, progress) {
      const collection = await editable(name, true);
      const items: SourceItem[] = [];
      for (const file of files) items.push(await download(task, file));
      return service.ingestItems(collection, items, progress);
    },
    async sync(name, progress) {
      return service.sync(await editable(name, false), progress);
    },
    async ingestSource(name, source, progress) {
      return service.ingest(await editable(name, true), source, { allowPath: false, progress });
    },
    async addDocument(name, document) {
      const collection = await service.ensureCollection(task.tenantId, name, {
        description: 'Written by the bot (deployments: outputs, access and runbooks)',
      });
      const item: SourceItem = {
        uri: document.uri,
        name: `${document.title}.md`,
        mediaType: 'text/markdown',
        bytes: new TextEncoder().encode(`# ${document.title}\n\n${document.markdown}\n`),
        source: 'chat',
      };
      return service.ingestItems(collection, [item]);
    },
    async recordAnswer(messageId, question, answer) {
      await service.feedback.recordAnswer(task.tenantId, messageId, question, answer);
    },
    async questionOf(messageId) {
      return (await service.feedback.answer(messageId))?.question ?? null;
    },
    async recordFeedback(messageId, vote) {
      const message = await deps.messages.byId(messageId);
      if (!message || message.tenantId !== task.tenantId) return { recorded: false };
      const answer = await service.feedback.answer(messageId);
      await service.feedback.recordFeedback({
        tenantId: task.tenantId,
        messageId,
        platform: task.platform,
        channel: task.channel,
        userId: task.user.id,
        vote,
        skill: message.skill,
        question: answer?.question ?? null,
        answer: answer?.answer ?? message.text,
        sources: answer?.sources ?? citedSources([]),
      });
      return { recorded: true };
    },
  };
}
