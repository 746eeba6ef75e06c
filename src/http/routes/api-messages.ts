import { ChatOpsError } from '../../core/errors.ts';
import { requireScope } from '../api-identity.ts';
import {
  DevPostMessageBody,
  idempotencyKey,
  PostMessageBody as KeyedPostMessageBody,
  type PostMessageBody,
  parseBody,
} from '../api-schemas.ts';
import { readJsonBody } from '../body.ts';
import { sendError, sendJson } from '../respond.ts';
import type { RequestContext, Route } from '../route-table.ts';
import { type ApiDependencies, admit, headersOf, webRequest } from './api-dependencies.ts';

/**
 * POST /api/v1/messages: validate, decide who the message is from (the key, or the person it may act for),
 * hand it to the web adapter's receiver (task, record + enqueue), answer 202. Nothing slow on this path; the
 * user's message is announced to live viewers after the response has gone out.
 */
export function messageRoutes(deps: ApiDependencies): Route[] {
  const schema = deps.auth.required ? KeyedPostMessageBody : DevPostMessageBody;
  const post = async ({ req, res, receivedAt }: RequestContext) => {
    let headers: Record<string, string> = {};
    try {
      const raw = await readJsonBody(req, deps.maxBodyBytes);
      const body: PostMessageBody = parseBody(schema, raw);
      const key = idempotencyKey(req.headers['idempotency-key']);
      const admitted = await admit(deps, req, body.user ?? null);
      headers = admitted.headers;
      const { principal } = admitted;
      const received = await deps.web.message(
        webRequest(deps, principal, body, 'messages', key, (task) => ({ channel: task.channel })),
      );
      sendJson(res, 202, received.answer, headers);
      deps.metrics.ackLatency.observe(
        { platform: 'api' },
        Number(process.hrtime.bigint() - receivedAt) / 1e9,
      );
      received.announce();
    } catch (error) {
      sendError(res, error, { ...headers, ...headersOf(error) });
    }
  };

  const thread = async ({ req, res, params, url }: RequestContext) => {
    const { principal } = await admit(deps, req, null);
    requireScope(principal, 'chat', 'read threads');
    const threadId = params.threadId ?? '';
    const channel =
      url.searchParams.get('channel') ??
      (await deps.messages.threadLocation(principal.tenantId, 'api', threadId))?.channel;
    const messages = channel ? await deps.messages.thread(principal.tenantId, 'api', channel, threadId) : [];
    if (messages.length === 0) {
      throw new ChatOpsError('NOT_FOUND', `No thread ${threadId} here.`, {
        remedy: 'Use the threadId returned by POST /api/v1/messages.',
      });
    }
    sendJson(res, 200, { threadId, channel, messages: messages.map(deps.present) });
  };

  const channelMessages = async ({ req, res, params, url }: RequestContext) => {
    const { principal } = await admit(deps, req, null);
    requireScope(principal, 'chat', 'read channels');
    const limit = Math.min(500, Math.max(1, Number(url.searchParams.get('limit') ?? 200) || 200));
    const channel = (params.channel ?? '').replace(/^#/, '');
    const messages = await deps.messages.channel(principal.tenantId, 'api', channel, limit);
    sendJson(res, 200, { channel, messages: messages.map(deps.present) });
  };

  const channels = async ({ req, res }: RequestContext) => {
    const { principal } = await admit(deps, req, null);
    requireScope(principal, 'chat', 'read channels');
    sendJson(res, 200, { channels: await deps.messages.channels(principal.tenantId, 'api') });
  };

  return [
    { method: 'POST', path: '/api/v1/messages', handler: post },
    { method: 'GET', path: '/api/v1/threads/:threadId/messages', handler: thread },
    { method: 'GET', path: '/api/v1/channels', handler: channels },
    { method: 'GET', path: '/api/v1/channels/:channel/messages', handler: channelMessages },
  ];
}
