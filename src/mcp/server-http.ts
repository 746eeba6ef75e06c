import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ChatOpsError } from '../core/errors.ts';
import { type ApiAuthOptions, authenticate } from '../http/api-auth.ts';
import { ownUser, principalId, requireScope } from '../http/api-identity.ts';
import { readJsonBody } from '../http/body.ts';
import { type RateLimiter, rateLimitHeaders } from '../http/rate-limit.ts';
import { sendError } from '../http/respond.ts';
import type { Mount } from '../http/route-table.ts';
import { createSkillServer, type SkillServerDependencies } from './server-tools.ts';

export const MCP_PATH = '/mcp';

/**
 * `/mcp` on the gateway: the bot's skills over MCP's Streamable HTTP transport, stateless (any gateway
 * replica answers any request), behind the REST API's bearer keys and their identity rule: a call acts as
 * its key — a personal token's person, or the service key itself (`key:<name>`) — and MCP has no way to
 * name anyone else. Approvals it requests are decided by clicks on the card where they are posted, by
 * someone else (requester and decider are the same `api` identity on both). Rate-limited per key. In `chatops dev`, where the API has no keys, only
 * loopback callers and host names are accepted, so a web page cannot reach it through DNS rebinding.
 */
export function mcpMount(
  deps: SkillServerDependencies & { auth: ApiAuthOptions; maxBodyBytes: number; rateLimiter: RateLimiter },
): Mount {
  return {
    prefix: MCP_PATH,
    handler: async (req, res) => {
      try {
        const principal = await authenticate(req, deps.auth).catch((error: unknown) => {
          if (deps.auth.required) res.setHeader('www-authenticate', 'Bearer realm="chatops"');
          throw error;
        });
        requireScope(principal, 'chat', 'use the MCP server');
        const decision = await deps.rateLimiter.check(
          `${principal.tenantId}:${principalId(principal, 'mcp-client')}`,
        );
        for (const [name, value] of Object.entries(rateLimitHeaders(decision))) res.setHeader(name, value);
        if (!decision.allowed) {
          res.setHeader('retry-after', String(decision.resetSeconds));
          throw new ChatOpsError('RATE_LIMITED', `More than ${decision.limit} requests this minute.`, {
            remedy: `Wait ${decision.resetSeconds} s (see Retry-After), or raise API_RATE_LIMIT_PER_MINUTE.`,
            details: { limit: decision.limit, retryAfterSeconds: decision.resetSeconds },
          });
        }
        const body = req.method === 'POST' ? await readJsonBody(req, deps.maxBodyBytes) : undefined;
        const user = principal.key ? ownUser(principal.key) : { id: 'mcp-client', name: 'MCP client' };
        const server = createSkillServer(deps, {
          tenantId: principal.tenantId,
          userId: user.id,
          userName: principal.key ? `${user.name ?? user.id} via MCP` : (user.name ?? user.id),
        });
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: undefined,
          enableJsonResponse: true,
        });
        res.on('close', () => {
          void transport.close();
          void server.close();
        });
        await server.connect(transport);
        await transport.handleRequest(req as IncomingMessage, res as ServerResponse, body);
      } catch (error) {
        sendError(res, error);
      }
    },
  };
}
