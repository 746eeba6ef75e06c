import { z } from 'zod';
import type { ChannelMembersPort } from '../../core/channels.ts';
import { ChatOpsError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { LanguageModel } from '../../core/language-model.ts';
import type { SchedulesPort } from '../../core/schedules.ts';
import { AccessSchema, accessFrom } from '../../knowledge/access.ts';
import { ingestJobTask, KB_JOBS_CHANNEL } from '../../knowledge/jobs.ts';
import { placeScope } from '../../knowledge/place-scope.ts';
import { scheduleSync } from '../../knowledge/schedule.ts';
import type { KnowledgeService } from '../../knowledge/service.ts';
import { parseSource } from '../../knowledge/sources/index.ts';
import { ownUser, requireScope } from '../api-identity.ts';
import { parseBody } from '../api-schemas.ts';
import { readJsonBody } from '../body.ts';
import { sendJson } from '../respond.ts';
import type { RequestContext, Route } from '../route-table.ts';
import { type ApiDependencies, admit } from './api-dependencies.ts';

export interface KnowledgeApiDependencies {
  api: ApiDependencies;
  service: KnowledgeService;
  members: ChannelMembersPort;
  /** The scheduler's port, or null where no scheduler is installed. */
  schedules: SchedulesPort | null;
  /** The model for answers, or null (extractive answers). */
  llm: LanguageModel | null;
}

const CollectionName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, '1-64 lower-case letters, digits, ".", "_" or "-"');
const Place = {
  /** Answer as this place would: `platform:channel` (its members' access), and/or as this user. */
  channel: z.string().min(1).max(255).optional(),
  user: z.string().min(1).max(255).optional(),
};

const CreateBody = z.strictObject({
  name: CollectionName,
  description: z.string().max(500).optional(),
  access: AccessSchema.optional(),
});
const IngestBody = z.strictObject({
  collection: CollectionName,
  source: z.string().min(1).max(2000),
  access: AccessSchema.optional(),
});
const SearchBody = z.strictObject({
  query: z.string().trim().min(1).max(2000),
  collection: CollectionName.optional(),
  k: z.number().int().min(1).max(50).optional(),
  mode: z.enum(['hybrid', 'vector', 'fulltext']).optional(),
  ...Place,
});
const AskBody = z.strictObject({
  question: z.string().trim().min(1).max(4000),
  collection: CollectionName.optional(),
  ...Place,
});
const ScheduleBody = z.strictObject({
  cron: z.string().min(9).max(100),
  timezone: z.string().min(1).max(64).default('UTC'),
  channel: z.string().max(200).optional(),
});

/**
 * The knowledge base over REST (`/api/v1/kb/...`), for the same things as `chatops kb`. An API key acts
 * as an operator: it reads every collection of its tenant, unless the request names a place (`channel`,
 * `user`), whose access then applies exactly as in chat. Ingests are queued jobs (202 with a task id).
 */
export function knowledgeRoutes(deps: KnowledgeApiDependencies): Route[] {
  const { service } = deps;
  // Every route here needs the `knowledge` scope: it is an operator's view of the whole tenant.
  const tenantOf = async (context: RequestContext) => {
    const { principal } = await admit(deps.api, context.req, null);
    requireScope(principal, 'knowledge', 'use the knowledge-base API');
    return principal;
  };
  const body = (context: RequestContext) => readJsonBody(context.req, deps.api.maxBodyBytes);
  const scopeOf = (tenantId: string, place: { channel?: string | undefined; user?: string | undefined }) =>
    placeScope(deps.members, tenantId, place);
  return [
    {
      method: 'GET',
      path: '/api/v1/kb/collections',
      handler: async (context) => {
        const { tenantId } = await tenantOf(context);
        sendJson(context.res, 200, { collections: await service.collections(tenantId) });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/kb/collections',
      handler: async (context) => {
        const { tenantId } = await tenantOf(context);
        const input = parseBody(CreateBody, await body(context));
        const created = await service.createCollection(tenantId, input.name, {
          ...(input.description ? { description: input.description } : {}),
          ...(input.access ? { access: accessFrom(input.access) } : {}),
        });
        sendJson(context.res, 201, created);
      },
    },
    {
      method: 'PUT',
      path: '/api/v1/kb/collections/:name/access',
      handler: async (context) => {
        const { tenantId } = await tenantOf(context);
        const collection = await service.collection(tenantId, context.params.name ?? '');
        const access = accessFrom(parseBody(AccessSchema, await body(context)));
        await service.store.setAccess(collection, access);
        sendJson(context.res, 200, { ...collection, access });
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/kb/collections/:name',
      handler: async (context) => {
        const { tenantId } = await tenantOf(context);
        const name = context.params.name ?? '';
        if (!(await service.store.deleteCollection(tenantId, name))) await service.collection(tenantId, name);
        sendJson(context.res, 200, { deleted: name });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/kb/collections/:name/documents',
      handler: async (context) => {
        const { tenantId } = await tenantOf(context);
        sendJson(context.res, 200, {
          documents: await service.documents(tenantId, context.params.name ?? ''),
        });
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/kb/collections/:name/documents',
      handler: async (context) => {
        const { tenantId } = await tenantOf(context);
        const collection = await service.collection(tenantId, context.params.name ?? '');
        const uri = context.url.searchParams.get('uri') ?? '';
        if (!(await service.store.deleteDocument(collection.id, uri))) {
          throw new ChatOpsError('NOT_FOUND', `Collection "${collection.name}" has no document ${uri}.`, {
            remedy: 'List its documents with GET /api/v1/kb/collections/{name}/documents.',
          });
        }
        sendJson(context.res, 200, { deleted: uri });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/kb/ingest',
      handler: async (context) => {
        const principal = await tenantOf(context);
        const input = parseBody(IngestBody, await body(context));
        // Refuse bad sources now (a path, file://), not in the worker.
        parseSource(input.source, { allowPath: false });
        await service.ensureCollection(
          principal.tenantId,
          input.collection,
          input.access ? { access: accessFrom(input.access) } : undefined,
        );
        const task = ingestJobTask({
          taskId: uuidv7(),
          tenantId: principal.tenantId,
          user: principal.key ? ownUser(principal.key).id : 'api',
          collection: input.collection,
          source: input.source,
          now: new Date(),
        });
        const accepted = await deps.api.intake.accept(task, {
          id: uuidv7(),
          text: `/kb ${task.text} collection=${input.collection}`,
        });
        sendJson(context.res, 202, {
          taskId: accepted.task.id,
          channel: KB_JOBS_CHANNEL,
          threadId: task.thread,
        });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/kb/search',
      handler: async (context) => {
        const { tenantId } = await tenantOf(context);
        const input = parseBody(SearchBody, await body(context));
        const result = await service.searchFor(input.query, await scopeOf(tenantId, input), {
          ...(input.k ? { k: input.k } : {}),
          ...(input.collection ? { collection: input.collection } : {}),
          ...(input.mode ? { mode: input.mode } : {}),
        });
        sendJson(context.res, 200, {
          query: input.query,
          collections: result.collections,
          results: result.sources.map(publicResult),
        });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/kb/ask',
      handler: async (context) => {
        const { tenantId } = await tenantOf(context);
        const input = parseBody(AskBody, await body(context));
        const answer = await service.ask(input.question, await scopeOf(tenantId, input), {
          llm: deps.llm,
          ...(input.collection ? { collection: input.collection } : {}),
        });
        sendJson(context.res, 200, {
          question: input.question,
          ...answer,
          sources: answer.sources.map(publicResult),
        });
      },
    },
    {
      method: 'PUT',
      path: '/api/v1/kb/collections/:name/schedule',
      handler: async (context) => {
        const principal = await tenantOf(context);
        const collection = await service.collection(principal.tenantId, context.params.name ?? '');
        const input = parseBody(ScheduleBody, await body(context));
        const schedule = await scheduleSync(deps.schedules, {
          tenantId: principal.tenantId,
          collection: collection.name,
          cron: input.cron,
          timezone: input.timezone,
          channel: input.channel ?? `api:${KB_JOBS_CHANNEL}`,
          createdBy: principal.key ? ownUser(principal.key).id : 'api',
        });
        sendJson(context.res, 200, schedule);
      },
    },
    {
      method: 'GET',
      path: '/api/v1/kb/feedback',
      handler: async (context) => {
        const { tenantId } = await tenantOf(context);
        sendJson(context.res, 200, { feedback: await service.feedback.feedback(tenantId) });
      },
    },
  ];
}

/** A result as the API and `chatops kb search --json` show it. */
export function publicResult(source: {
  number: number;
  collection: string;
  uri: string;
  url: string | null;
  title: string;
  headingPath: string[];
  page: number | null;
  score: number;
  similarity: number;
  textRank: number;
  snippet: string;
}) {
  const { number, collection, uri, url, title, headingPath, page, score, similarity, textRank, snippet } =
    source;
  return {
    rank: number,
    collection,
    uri,
    url,
    title,
    headingPath,
    page,
    score,
    similarity,
    textRank,
    snippet,
  };
}
