import { ChatOpsError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import { idempotencyKey, PostActionBody, parseBody } from '../api-schemas.ts';
import { apiActionToTask } from '../api-to-task.ts';
import { readJsonBody } from '../body.ts';
import { sendError, sendJson } from '../respond.ts';
import type { RequestContext, Route } from '../router.ts';
import { type ApiDependencies, admit, headersOf } from './api-dependencies.ts';

/** POST /api/v1/actions: a button click, checked against the buttons the message really carries. */
export function actionRoutes(deps: ApiDependencies): Route[] {
  const post = async ({ req, res, receivedAt }: RequestContext) => {
    let headers: Record<string, string> = {};
    try {
      const body = parseBody(PostActionBody, await readJsonBody(req, deps.maxBodyBytes));
      const key = idempotencyKey(req.headers['idempotency-key']);
      const admitted = await admit(deps, req, body.user);
      headers = admitted.headers;
      const message = await deps.messages.byId(body.messageId);
      if (!message || message.tenantId !== admitted.principal.tenantId || message.platform !== 'api') {
        throw new ChatOpsError('NOT_FOUND', `No message ${body.messageId} here.`, {
          remedy: 'Use a message id from GET /api/v1/threads/{threadId}/messages.',
        });
      }
      const button = message.actions.find((action) => action.id === body.actionId);
      if (!button) {
        throw new ChatOpsError('UNKNOWN_ACTION', `Message ${message.id} has no button "${body.actionId}".`, {
          remedy: `Use one of its actions: ${message.actions.map((action) => action.id).join(', ') || 'none'}.`,
          details: { fields: [{ field: 'actionId', message: 'not a button of this message' }] },
        });
      }
      const task = apiActionToTask(
        body,
        message,
        button,
        admitted.principal.tenantId,
        { taskId: uuidv7(), messageId: message.id, now: new Date() },
        key,
      );
      const accepted = await deps.intake.accept(task);
      sendJson(res, 202, { taskId: accepted.task.id, duplicate: accepted.duplicate }, headers);
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
