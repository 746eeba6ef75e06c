import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ChatOpsError } from '../core/errors.ts';

/**
 * Per-channel and per-role allowlists for skills and MCP tools, and side-effect overrides for tools whose
 * hints are wrong, from the ALLOWLIST_CONFIG file:
 *
 * ```json
 * {
 *   "channels": { "ops": { "skills": ["*"], "tools": ["*"] }, "*": { "skills": ["help", "knowledge"], "tools": ["filesystem__read_*"] } },
 *   "roles": { "deploy-cluster": ["sre"], "filesystem__write_*": ["sre", "admin"] },
 *   "sideEffects": { "everything__toggle-*": false, "search__index_page": true }
 * }
 * ```
 *
 * Channels are matched as `platform:channel`, then `channel`, then `*`; no entry means no channel limit.
 * A name matching a `roles` pattern needs one of its roles. Without a file everything is allowed (side
 * effects still need an approval). `help` is always allowed, so people can see what they may do.
 */
const Patterns = z.array(z.string().min(1).max(200));
const PolicyFile = z.strictObject({
  channels: z
    .record(z.string(), z.strictObject({ skills: Patterns.optional(), tools: Patterns.optional() }))
    .optional(),
  roles: z.record(z.string(), z.array(z.string().min(1))).optional(),
  sideEffects: z.record(z.string(), z.boolean()).optional(),
});
export type PolicyDocument = z.infer<typeof PolicyFile>;

export type Decision = { allowed: true } | { allowed: false; reason: string; remedy: string };

export interface Place {
  platform: string;
  channel: string;
}

const ALWAYS_ALLOWED_SKILLS = new Set(['help']);

export class Policy {
  readonly #document: PolicyDocument;

  constructor(document: PolicyDocument = {}) {
    this.#document = document;
  }

  static load(path: string | undefined): Policy {
    if (!path) return new Policy();
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ChatOpsError(
        'CONFIG_INVALID',
        `Cannot read ALLOWLIST_CONFIG (${path}): ${(error as Error).message}.`,
        {
          remedy: 'Point ALLOWLIST_CONFIG at a readable JSON file, or unset it to allow everything.',
        },
      );
    }
    const result = PolicyFile.safeParse(json);
    if (!result.success) {
      const problems = result.error.issues.map(
        (issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`,
      );
      throw new ChatOpsError(
        'CONFIG_INVALID',
        `ALLOWLIST_CONFIG is invalid:\n  - ${problems.join('\n  - ')}`,
        {
          remedy: 'The file may hold "channels", "roles" and "sideEffects" (see the README).',
        },
      );
    }
    return new Policy(result.data);
  }

  skill(skillId: string, place: Place, roles: readonly string[]): Decision {
    if (ALWAYS_ALLOWED_SKILLS.has(skillId)) return { allowed: true };
    return this.#decide('skill', skillId, place, roles);
  }

  /**
   * Whether a decision on this name depends on the caller's roles. Most names match no role rule, and
   * asking saves a database round trip per task on the hot path.
   */
  needsRoles(kind: 'skill' | 'tool', name: string): boolean {
    if (kind === 'skill' && ALWAYS_ALLOWED_SKILLS.has(name)) return false;
    return Object.keys(this.#document.roles ?? {}).some((pattern) => globMatches(pattern, name));
  }

  tool(toolName: string, place: Place, roles: readonly string[]): Decision {
    return this.#decide('tool', toolName, place, roles);
  }

  /** The configured side-effect flag for a tool, or undefined when its own hints decide. */
  sideEffectsOverride(toolName: string): boolean | undefined {
    for (const [pattern, value] of Object.entries(this.#document.sideEffects ?? {})) {
      if (globMatches(pattern, toolName)) return value;
    }
    return undefined;
  }

  #decide(kind: 'skill' | 'tool', name: string, place: Place, roles: readonly string[]): Decision {
    const channels = this.#document.channels;
    const rule =
      channels?.[`${place.platform}:${place.channel}`] ?? channels?.[place.channel] ?? channels?.['*'];
    const patterns = rule ? (kind === 'skill' ? rule.skills : rule.tools) : undefined;
    if (rule && !(patterns ?? []).some((pattern) => globMatches(pattern, name))) {
      return {
        allowed: false,
        reason: `The ${kind} ${name} is not allowed in #${place.channel}.`,
        remedy: `Use it in a channel where it is allowed, or ask an administrator to add it to ALLOWLIST_CONFIG for #${place.channel}.`,
      };
    }
    for (const [pattern, needed] of Object.entries(this.#document.roles ?? {})) {
      if (!globMatches(pattern, name) || needed.some((role) => roles.includes(role))) continue;
      return {
        allowed: false,
        reason: `The ${kind} ${name} needs one of the roles ${needed.join(', ')}.`,
        remedy: `Ask an administrator to run: chatops role grant <you> ${needed[0]}`,
      };
    }
    return { allowed: true };
  }
}

/** `*` matches any run of characters; everything else literally. */
export function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}
