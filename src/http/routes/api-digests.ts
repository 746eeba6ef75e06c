import { z } from 'zod';
import type { DigestDraft, DigestsPort } from '../../core/digests.ts';
import { ChatOpsError } from '../../core/errors.ts';
import { type Platform, PlatformSchema } from '../../core/task.ts';
import { ownUser, requireScope } from '../api-identity.ts';
import { parseBody } from '../api-schemas.ts';
import { readJsonBody } from '../body.ts';
import { sendJson } from '../respond.ts';
import type { RequestContext, Route } from '../route-table.ts';
import { type ApiDependencies, admit } from './api-dependencies.ts';

/** The digests port of an API caller: an operator of its tenant, named after its key. */
export type OperatorDigests = (input: { tenantId: string; operator: string }) => DigestsPort;

const Place = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .transform((value, context) => {
    const [prefix, ...rest] = value.includes(':') ? value.split(':') : ['api', value.replace(/^#/, '')];
    const platform = PlatformSchema.safeParse(prefix);
    if (!platform.success || ['scheduler', 'mcp'].includes(platform.data) || rest.join(':') === '') {
      context.addIssue({
        code: 'custom',
        message: 'a channel: name (web chat), slack:C0123ABCDEF or teams:19:…',
      });
      return z.NEVER;
    }
    return { platform: platform.data as Platform, channel: rest.join(':') };
  });

const DraftBody = z.strictObject({
  kind: z.string().trim().min(1).max(40),
  /** A phrase ("weekdays at 17:30") or a cron expression. */
  when: z.string().trim().min(1).max(200),
  channel: Place,
  timeZone: z.string().trim().min(1).max(64).optional(),
  options: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/), z.string().max(64)).default({}),
});

/**
 * Scheduled digests over REST, for the same things as `/digest` and `chatops digest`. A key with the
 * `digests` scope acts as an operator of its tenant: it sees and changes every digest, and may set
 * operator-only options.
 *
 * GET /api/v1/digests[?channel=] · POST /api/v1/digests (201, with the next runs and a sample) ·
 * POST /api/v1/digests/preview (the same, nothing saved) · GET|DELETE /api/v1/digests/{id} ·
 * POST /api/v1/digests/{id}/pause|resume|run
 */
export function digestRoutes(deps: ApiDependencies, digestsFor: OperatorDigests): Route[] {
  const portOf = async (context: RequestContext) => {
    const { principal, headers } = await admit(deps, context.req, null);
    requireScope(principal, 'digests', 'manage digests');
    return {
      port: digestsFor({
        tenantId: principal.tenantId,
        operator: principal.key ? ownUser(principal.key).id : 'api',
      }),
      headers,
    };
  };
  const draftOf = async (context: RequestContext): Promise<DigestDraft> => {
    const body = parseBody(DraftBody, await readJsonBody(context.req, deps.maxBodyBytes));
    return {
      kind: body.kind,
      when: body.when,
      place: body.channel,
      ...(body.timeZone ? { timeZone: body.timeZone } : {}),
      options: body.options,
    };
  };
  const change = (action: 'pause' | 'resume' | 'run') => async (context: RequestContext) => {
    const { port, headers } = await portOf(context);
    const id = context.params.id ?? '';
    if (action === 'run') {
      const { digest, taskId } = await port.runNow(id);
      sendJson(context.res, 202, { digest, taskId }, headers);
      return;
    }
    sendJson(context.res, 200, { digest: await port.setPaused(id, action === 'pause') }, headers);
  };
  return [
    {
      method: 'GET',
      path: '/api/v1/digests',
      handler: async (context) => {
        const { port, headers } = await portOf(context);
        const filter = context.url.searchParams.get('channel');
        const place = filter ? Place.safeParse(filter) : null;
        if (place && !place.success) {
          throw new ChatOpsError('VALIDATION_FAILED', `"${filter}" is not a channel.`, {
            remedy: 'Use ?channel=ops (web chat), ?channel=slack:C0123ABCDEF or ?channel=teams:19:…',
          });
        }
        const all = await port.list();
        const digests = place?.success
          ? all.filter(
              (digest) => digest.platform === place.data.platform && digest.channel === place.data.channel,
            )
          : all;
        sendJson(context.res, 200, { digests, kinds: port.kinds() }, headers);
      },
    },
    {
      method: 'POST',
      path: '/api/v1/digests',
      handler: async (context) => {
        const { port, headers } = await portOf(context);
        sendJson(context.res, 201, await port.add(await draftOf(context)), headers);
      },
    },
    {
      method: 'POST',
      path: '/api/v1/digests/preview',
      handler: async (context) => {
        const { port, headers } = await portOf(context);
        sendJson(context.res, 200, await port.preview(await draftOf(context)), headers);
      },
    },
    {
      method: 'GET',
      path: '/api/v1/digests/:id',
      handler: async (context) => {
        const { port, headers } = await portOf(context);
        const found = (await port.list()).find((digest) => digest.id === context.params.id);
        if (!found) {
          throw new ChatOpsError('NOT_FOUND', `There is no digest ${context.params.id}.`, {
            remedy: 'List them with GET /api/v1/digests.',
          });
        }
        sendJson(context.res, 200, found, headers);
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/digests/:id',
      handler: async (context) => {
        const { port, headers } = await portOf(context);
        sendJson(context.res, 200, { removed: await port.remove(context.params.id ?? '') }, headers);
      },
    },
    { method: 'POST', path: '/api/v1/digests/:id/pause', handler: change('pause') },
    { method: 'POST', path: '/api/v1/digests/:id/resume', handler: change('resume') },
    { method: 'POST', path: '/api/v1/digests/:id/run', handler: change('run') },
  ];
}
