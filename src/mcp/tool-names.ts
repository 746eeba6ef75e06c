import { createHash } from 'node:crypto';

/**
 * Tools from every server share one namespace: `server__tool`. Models accept `[A-Za-z0-9_-]{1,64}`, while
 * MCP tool names may hold dots or slashes; those become `_`, and over-long names get a stable hash suffix.
 */
export const TOOL_SEPARATOR = '__';
const MAX_LENGTH = 64;

export function qualifiedToolName(server: string, tool: string): string {
  const name = `${server}${TOOL_SEPARATOR}${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  if (name.length <= MAX_LENGTH) return name;
  const hash = createHash('sha256').update(`${server}\u0000${tool}`).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_LENGTH - 9)}_${hash}`;
}

/** The server part of a qualified name, or null when the name is not `server__tool`. */
export function serverOf(qualified: string): string | null {
  const index = qualified.indexOf(TOOL_SEPARATOR);
  return index > 0 ? qualified.slice(0, index) : null;
}
