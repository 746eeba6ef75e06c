import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ChatOpsError } from '../core/errors.ts';
import { type ApiAuthOptions, authenticate } from '../http/api-auth.ts';
import { readJsonBody } from '../http/body.ts';
import { sendError } from '../http/respond.ts';
import type { Mount } from '../http/router.ts';
import { createSkillServer, type SkillServerDependencies } from './server-tools.ts';

export const MCP_PATH = '/mcp';

/**
 * `/mcp` on the gateway: the bot's skills over MCP's Streamable HTTP transport, stateless (any gateway
 * replica answers any request), behind the REST API's bearer keys. In `chatops dev`, where the API has no
 * keys, only loopback host names are accepted, so a web page cannot reach it through DNS rebinding.
 */
export function mcpMount(
  deps: SkillServerDependencies & { auth: ApiAuthOptions; maxBodyBytes: number },
): Mount {
  return {
    prefix: MCP_PATH,
    handler: async (req, res) => {
      try {
        if (!deps.auth.required) assertLoopbackHost(req);
        const principal = await authenticate(req, deps.auth).catch((error: unknown) => {
          res.setHeader('www-authenticate', 'Bearer realm="chatops"');
          throw error;
        });
        const body = req.method === 'POST' ? await readJsonBody(req, deps.maxBodyBytes) : undefined;
        const server = createSkillServer(deps, {
          tenantId: principal.tenantId,
          userId: principal.keyName ? `key:${principal.keyName}` : 'mcp-client',
          userName: principal.keyName ? `MCP client (${principal.keyName})` : 'MCP client',
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

function assertLoopbackHost(req: IncomingMessage): void {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (['127.0.0.1', 'localhost', '[::1]'].includes(host)) return;
  throw new ChatOpsError(
    'FORBIDDEN',
    `The MCP endpoint of chatops dev only answers on loopback, not "${host}".`,
    {
      remedy: 'Connect to http://127.0.0.1:<port>/mcp, or run `chatops gateway` with API keys.',
    },
  );
}
