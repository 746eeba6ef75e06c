import { apiActionToTask } from '../../../adapters/web/to-task.ts';
import { APPROVAL_APPROVE_ACTION, APPROVAL_REJECT_ACTION } from '../../core/approvals.ts';
import { ChatOpsError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import {
  actingIdentity,
  onBehalfOf,
  principalId,
  requireScope,
  scopedSourceEventId,
} from '../api-identity.ts';
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
import { type ApiDependencies, admit, auditOnBehalf, headersOf } from './api-dependencies.ts';

const DECISIONS: ReadonlySet<string> = new Set([APPROVAL_APPROVE_ACTION, APPROVAL_REJECT_ACTION]);

/**
 * POST /api/v1/actions: a button click, checked against the buttons the message really carries. An
 * approval's Approve / Reject is a decision: it needs the decider's own identity (see api-identity.ts).
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
      const message = await deps.messages.byId(body.messageId);
      if (!message || message.tenantId !== principal.tenantId || message.platform !== 'api') {
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
      const identity = actingIdentity(principal, body.user, DECISIONS.has(button.id) ? 'decide' : 'chat');
      const source =
        key === undefined
          ? undefined
          : scopedSourceEventId('actions', principal.tenantId, principalId(principal, body.user), key);
      const task = apiActionToTask(
        body,
        { user: identity.user, onBehalfOf: onBehalfOf(identity) },
        message,
        button,
        principal.tenantId,
        { taskId: uuidv7(), messageId: message.id, now: new Date() },
        source,
      );
      await auditOnBehalf(deps, principal, identity, {
        request: 'POST /api/v1/actions',
        taskId: task.id,
        messageId: message.id,
        actionId: button.id,
        ...(key === undefined ? {} : { idempotencyKey: key }),
      });
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
