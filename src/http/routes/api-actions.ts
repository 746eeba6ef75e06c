import { requireScope } from '../api-identity.ts';
import {
  DevPostActionBody,
  idempotencyKey,
  PostActionBody as KeyedPostActionBody,
  type PostActionBody,
  parseBody,
} from '../api-schemas.ts';
import { readJsonBody } from '../body.ts';
import { sendError, sendJson } from '../respond.ts';
import type { RequestContext, Route } from '../route-table.ts';
import { type ApiDependencies, admit, headersOf, webRequest } from './api-dependencies.ts';

/**
 * POST /api/v1/actions: a button click, which the web adapter checks against the buttons the message really
 * carries. An approval's Approve / Reject is a decision: it needs the decider's own identity (see
 * api-identity.ts).
 */
export function actionRoutes(deps: ApiDependencies): Route[] {
  const schema = deps.auth.required ? KeyedPostActionBody : DevPostActionBody;
  const post = async ({ req, res, receivedAt }: RequestContext) => {
    let headers: Record<string, string> = {};
    try {
      const body: PostActionBody = parseBody(schema, await readJsonBody(req, deps.maxBodyBytes));
      const key = idempotencyKey(req.headers['idempotency-key']);
      const admitted = await admit(deps, req, body.user ?? null);
      headers = admitted.headers;
      const { principal } = admitted;
      requireScope(principal, 'chat', 'click buttons');
      const answer = await deps.web.click(
        webRequest(deps, principal, body, 'actions', key, (task) => ({
          messageId: task.action?.messageId,
          actionId: task.action?.id,
        })),
      );
      sendJson(res, 202, answer, headers);
      deps.metrics.ackLatency.observe(
        { platform: 'api' },
        Number(process.hrtime.bigint() - receivedAt) / 1e9,
      );
    } catch (error) {
      sendError(res, error, { ...headers, ...headersOf(error) });
    }
  };
  return [{ method: 'POST', path: '/api/v1/actions', handler: post }];
}
