import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The real MCP reference servers from npm (`@modelcontextprotocol/server-everything` and
 * `server-filesystem`), spawned from node_modules over stdio: never downloaded at test time.
 */
const MODULES = new URL('../../node_modules/@modelcontextprotocol/', import.meta.url).pathname;
export const EVERYTHING_SERVER = join(MODULES, 'server-everything/dist/index.js');
export const FILESYSTEM_SERVER = join(MODULES, 'server-filesystem/dist/index.js');

export interface McpWorkspace {
  /** The directory the filesystem server may read and write. */
  root: string;
  /** The MCP_CONFIG file (Claude Desktop's mcpServers shape). */
  configPath: string;
  write(name: string, content: string): string;
  remove(): void;
}

export function mcpWorkspace(
  servers: { everything?: boolean; filesystem?: boolean } = { everything: true, filesystem: true },
): McpWorkspace {
  const base = mkdtempSync(join(tmpdir(), 'chatops-mcp-'));
  const root = join(base, 'docs');
  mkdirSync(root);
  const mcpServers: Record<string, unknown> = {};
  if (servers.everything)
    mcpServers.everything = { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] };
  if (servers.filesystem)
    mcpServers.filesystem = { command: process.execPath, args: [FILESYSTEM_SERVER, root] };
  const configPath = join(base, 'mcp.json');
  writeFileSync(configPath, JSON.stringify({ mcpServers }, null, 2));
  return {
    root,
    configPath,
    write(name, content) {
      const path = join(root, name);
      writeFileSync(path, content);
      return path;
    },
    remove() {
      rmSync(base, { recursive: true, force: true });
    },
  };
}
