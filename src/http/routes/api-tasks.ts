import { ChatOpsError } from '../../core/errors.ts';
import { isUuid } from '../../db/message-store.ts';
import { requireScope } from '../api-identity.ts';
import { sendJson } from '../respond.ts';
import type { RequestContext, Route } from '../route-table.ts';
import { type ApiDependencies, admit } from './api-dependencies.ts';

/** GET /api/v1/tasks/{id}: status, skill, replies and error of one task. */
export function taskRoutes(deps: ApiDependencies): Route[] {
  const get = async ({ req, res, params }: RequestContext) => {
    const { principal } = await admit(deps, req, null);
    requireScope(principal, 'chat', 'read tasks');
    const id = params.id ?? '';
    const task = isUuid(id) ? await deps.ledger.get(id) : null;
    if (!task || task.payload.tenantId !== principal.tenantId) {
      throw new ChatOpsError('NOT_FOUND', `No task ${id} here.`, {
        remedy: 'Use the taskId returned when the message was posted.',
      });
    }
    const replies = await deps.messages.repliesOf(task.id);
    sendJson(res, 200, {
      id: task.id,
      status: task.status,
      skill: task.skill,
      kind: task.payload.kind,
      channel: task.payload.channel,
      threadId: task.payload.thread,
      attempts: task.attempts,
      receivedAt: task.receivedAt.toISOString(),
      startedAt: task.startedAt?.toISOString() ?? null,
      finishedAt: task.finishedAt?.toISOString() ?? null,
      replies: replies.map(deps.present),
      ...(task.error && task.status === 'failed' ? { error: task.error } : {}),
    });
  };
  return [{ method: 'GET', path: '/api/v1/tasks/:id', handler: get }];
}
