import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ChatOpsError } from '../../core/errors.ts';

/**
 * The APPROVALS_CONFIG file: who approves what. Rules are tried in order and the first that matches an
 * action decides; what a rule leaves out comes from `defaults`, and what those leave out from the built-in
 * default (one person with the `approver` role, never the requester, 30 minutes).
 *
 * ```json
 * {
 *   "groups": { "oncall": ["api:bob", "slack:U0123ABCDEF", "teams:8f0c…"] },
 *   "defaults": { "expiresInMinutes": 30 },
 *   "rules": [
 *     { "name": "prod deploys", "action": "deploy-cluster", "environment": "prod",
 *       "approvers": { "roles": ["sre"] }, "required": 2, "expiresInMinutes": 60 },
 *     { "action": "filesystem__write_*", "arguments": { "path": "/srv/prod/*" }, "approvers": { "groups": ["oncall"] } },
 *     { "action": "dev-*", "environment": "dev", "requesterMayApprove": true },
 *     { "action": "filesystem__delete_*", "approvers": { "roles": [] } }
 *   ]
 * }
 * ```
 */
const Pattern = z.string().min(1).max(200);
const RoleName = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a role name such as approver or sre');
const GroupName = z.string().regex(/^[A-Za-z][\w.-]{0,63}$/, 'letters, digits, "_", "." or "-"');
/** `alice` is the web/API user alice; `slack:U123`, `teams:<Entra object id>` name platform users. */
const UserSpec = z
  .string()
  .regex(
    /^((slack|teams|api|mcp):[^\s:][^\s]{0,254}|[A-Za-z0-9][A-Za-z0-9_.@-]{0,79})$/,
    'a user such as alice, slack:U0123ABCDEF or teams:<Entra object id>',
  );

const ApproversSchema = z.strictObject({
  roles: z.array(RoleName).optional(),
  groups: z.array(GroupName).optional(),
  users: z.array(UserSpec).optional(),
});

const settings = {
  /** Who may approve. An empty (or `{}`) list means nobody: the action can never run. */
  approvers: ApproversSchema.optional(),
  /** How many distinct people must approve. */
  required: z.int().min(1).max(20).optional(),
  requesterMayApprove: z.boolean().optional(),
  expiresInMinutes: z
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional(),
  /** Who may withdraw a pending request: the requester, the approvers, holders of these roles. */
  cancel: z
    .strictObject({
      requester: z.boolean().optional(),
      approvers: z.boolean().optional(),
      roles: z.array(RoleName).optional(),
    })
    .optional(),
};

const RuleSchema = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  /** A command (`deploy-cluster`) or tool (`filesystem__write_*`) name; `*` matches any run of characters. */
  action: Pattern,
  kind: z.enum(['command', 'tool']).optional(),
  /** Matched against the request's environment (or its `env` / `environment` argument). */
  environment: Pattern.optional(),
  /** Argument name → pattern of its value (non-string values are matched as canonical JSON). */
  arguments: z.record(z.string().min(1).max(100), Pattern).optional(),
  ...settings,
});

export const ApprovalsFileSchema = z.strictObject({
  groups: z.record(GroupName, z.array(UserSpec)).optional(),
  defaults: z.strictObject(settings).optional(),
  rules: z.array(RuleSchema).optional(),
});
export type ApprovalsFile = z.infer<typeof ApprovalsFileSchema>;
export type ApprovalRuleDefinition = z.infer<typeof RuleSchema>;
export type ApproversDefinition = z.infer<typeof ApproversSchema>;

/** Reads and checks the file; every problem is reported at once, each with where it is. */
export function readApprovalsFile(path: string): ApprovalsFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw invalid(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  const parsed = ApprovalsFileSchema.safeParse(json);
  const problems = parsed.success
    ? crossCheck(parsed.data)
    : [
        ...parsed.error.issues.map((issue) => `${where(issue.path, json)}: ${issue.message}`),
        // So one start-up names every problem, check what can be checked in a file that is only partly right.
        ...bestEffortCrossCheck(json),
      ];
  if (problems.length > 0 || !parsed.success) throw invalid(path, problems);
  return parsed.data;
}

function bestEffortCrossCheck(json: unknown): string[] {
  const file = json as ApprovalsFile;
  const shaped =
    typeof json === 'object' &&
    json !== null &&
    (file.rules === undefined || Array.isArray(file.rules)) &&
    (file.groups === undefined || (typeof file.groups === 'object' && file.groups !== null));
  if (!shaped) return [];
  try {
    return crossCheck(file);
  } catch {
    return [];
  }
}

/** What a schema cannot see: unknown groups, impossible approver counts, duplicate rule names. */
export function crossCheck(file: ApprovalsFile): string[] {
  const problems: string[] = [];
  const groups = file.groups ?? {};
  const known = Object.keys(groups);
  const check = (label: string, rule: { approvers?: ApproversDefinition; required?: number }) => {
    for (const group of rule.approvers?.groups ?? []) {
      if (!(group in groups)) {
        problems.push(
          `${label}.approvers.groups: unknown group "${group}" (${known.length ? `defined: ${known.join(', ')}` : 'the file defines no "groups"'})`,
        );
      }
    }
    const approvers = rule.approvers;
    const required = rule.required ?? file.defaults?.required ?? 1;
    if (approvers && (approvers.roles ?? []).length === 0) {
      const people = new Set([
        ...(approvers.users ?? []),
        ...(approvers.groups ?? []).flatMap((group) => groups[group] ?? []),
      ]);
      if (people.size > 0 && people.size < required) {
        problems.push(
          `${label}: needs ${required} distinct approvers but names only ${people.size} (${[...people].join(', ')})`,
        );
      }
    }
  };
  if (file.defaults) check('defaults', file.defaults);
  const names = new Set<string>();
  (file.rules ?? []).forEach((rule, index) => {
    const label = ruleLabel(rule, index);
    check(label, rule);
    if (rule.name && names.has(rule.name))
      problems.push(`${label}: another rule has the name "${rule.name}"`);
    if (rule.name) names.add(rule.name);
  });
  return problems;
}

export function ruleLabel(rule: { name?: string | undefined }, index: number): string {
  return rule.name ? `rules[${index}] ("${rule.name}")` : `rules[${index}]`;
}

function where(path: readonly PropertyKey[], json: unknown): string {
  if (path.length === 0) return '(file)';
  if (path[0] === 'rules' && typeof path[1] === 'number') {
    const rule = (json as { rules?: { name?: unknown }[] }).rules?.[path[1]];
    const name = typeof rule?.name === 'string' ? rule.name : undefined;
    const rest = path.slice(2).map(String);
    return [ruleLabel({ name }, path[1]), ...rest].join('.');
  }
  return path.map(String).join('.');
}

function invalid(path: string, problems: string[]): ChatOpsError {
  return new ChatOpsError(
    'CONFIG_INVALID',
    `APPROVALS_CONFIG (${path}) is invalid:\n  - ${problems.join('\n  - ')}`,
    {
      remedy:
        'The file may hold "groups", "defaults" and "rules" (each rule: action, optional kind, environment, arguments, approvers, required, requesterMayApprove, expiresInMinutes, cancel); see the README. Fix it, or unset APPROVALS_CONFIG for the built-in default.',
      details: { problems },
    },
  );
}
