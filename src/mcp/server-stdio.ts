import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createSkillServer, type McpPrincipal, type SkillServerDependencies } from './server-tools.ts';

/**
 * The same skill server over stdio (`chatops mcp`), for Claude Desktop and IDE agents that start their MCP
 * servers as processes. Resolves when the client closes the connection. stdout carries only JSON-RPC.
 */
export async function serveStdio(deps: SkillServerDependencies, principal: McpPrincipal): Promise<void> {
  const server = createSkillServer(deps, principal);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  await server.connect(transport);
  deps.log.info('mcp-stdio-ready', { tools: 'skills' });
  process.stdin.once('end', () => void server.close());
  await closed;
}
