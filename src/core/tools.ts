/**
 * The tools port: how a skill reaches the MCP tools the bot is connected to (`ctx.tools`). Skills never
 * import the MCP client; the runtime gives them this port, already bound to the task's caller and channel,
 * so the same allowlists and approvals apply to `/run`, to the supervisor's model-chosen calls and to skills.
 */

/** A tool as the caller may see it. Names are qualified by their server: `filesystem__read_file`. */
export interface ToolInfo {
  name: string;
  server: string;
  /** The tool's own name on its server (`read_file`). */
  tool: string;
  title?: string;
  description: string;
  /** JSON Schema of the arguments (an object schema), as the server declared it. */
  inputSchema: Record<string, unknown>;
  /**
   * True when calling it changes something (not `readOnlyHint`, or `destructiveHint`, unless the allowlist
   * file says otherwise): such a call needs an approval bound to its exact arguments.
   */
  sideEffects: boolean;
}

export type ToolCallResult =
  /** The tool ran. `isError` is the tool's own failure (bad input, not found), which the model should see. */
  | { status: 'done'; isError: boolean; text: string; structured?: unknown }
  /** The call has side effects: an approval was requested and nothing ran. */
  | { status: 'approval-requested'; approvalId: string; approvalStatus: string; title: string }
  /** The allowlists forbid this call for this caller or channel. */
  | { status: 'denied'; reason: string; remedy: string };

export type ToolLookup =
  | { status: 'available'; tool: ToolInfo }
  /** The tool exists, but the allowlists forbid it for this caller or channel. */
  | { status: 'denied'; reason: string; remedy: string }
  | { status: 'unknown'; suggestions: string[] };

export interface ToolsPort {
  /** The tools this caller may use in this channel (side-effecting ones included: they ask first). */
  list(): Promise<ToolInfo[]>;
  /** One tool by name, or why it cannot be used here (for precise errors). */
  lookup(name: string): Promise<ToolLookup>;
  /**
   * Calls a tool. Side effects never run unapproved: without a matching approved action in this run, an
   * approval is requested and `approval-requested` comes back.
   */
  call(name: string, args: Record<string, unknown>): Promise<ToolCallResult>;
}
