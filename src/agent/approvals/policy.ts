import type { ApprovalAction } from '../../core/approvals.ts';
import { canonicalJson } from '../../core/ids.ts';
import { globMatches } from '../policy.ts';
import {
  type ApprovalRuleDefinition,
  type ApprovalsFile,
  type ApproversDefinition,
  readApprovalsFile,
  ruleLabel,
} from './policy-file.ts';

/**
 * The rule that applies to one request, fully resolved (groups expanded to people). It is stored with the
 * approval, so a later change of the policy file never changes who may decide a request already made.
 */
export interface ResolvedApprovalPolicy {
  /** Which rule decided: `default`, or `rules[2] ("prod deploys")`. */
  rule: string;
  approvers: { roles: string[]; users: string[] };
  required: number;
  requesterMayApprove: boolean;
  expiresInMinutes: number;
  cancel: { requester: boolean; approvers: boolean; roles: string[] };
}

/** A person as the policy sees them: their platform identity and roles. */
export interface PolicySubject {
  platform: string;
  id: string;
  roles: readonly string[];
}

export const DEFAULT_APPROVER_ROLE = 'approver';

const BUILT_IN: Omit<ResolvedApprovalPolicy, 'rule'> = {
  approvers: { roles: [DEFAULT_APPROVER_ROLE], users: [] },
  required: 1,
  requesterMayApprove: false,
  expiresInMinutes: 30,
  cancel: { requester: true, approvers: true, roles: [] },
};

export class ApprovalPolicy {
  readonly #file: ApprovalsFile;

  constructor(file: ApprovalsFile = {}) {
    this.#file = file;
  }

  /** Reads APPROVALS_CONFIG at start-up (a bad file stops the process); no path: the built-in default. */
  static load(path: string | undefined): ApprovalPolicy {
    return new ApprovalPolicy(path ? readApprovalsFile(path) : {});
  }

  /** The first matching rule; without one, the requesting skill's `fallback` or else the defaults. */
  resolve(
    action: Pick<ApprovalAction, 'kind' | 'name' | 'args'>,
    environment?: string,
    fallback?: { roles: string[]; required: number; expiresInMinutes?: number },
  ): ResolvedApprovalPolicy {
    const env = environment ?? textArgument(action.args.env) ?? textArgument(action.args.environment);
    const rules = this.#file.rules ?? [];
    const index = rules.findIndex((rule) => matches(rule, action, env));
    const rule = index >= 0 ? rules[index] : undefined;
    const defaults = this.#file.defaults ?? {};
    if (!rule && fallback) {
      return {
        rule: 'the skill default',
        approvers: { roles: [...new Set(fallback.roles)], users: [] },
        required: fallback.required,
        requesterMayApprove: false,
        expiresInMinutes: fallback.expiresInMinutes ?? defaults.expiresInMinutes ?? BUILT_IN.expiresInMinutes,
        cancel: { ...BUILT_IN.cancel, ...defaults.cancel, roles: defaults.cancel?.roles ?? [] },
      };
    }
    const approvers = rule?.approvers ?? defaults.approvers;
    const cancel = { ...BUILT_IN.cancel, ...defaults.cancel, ...rule?.cancel };
    return {
      rule: rule ? ruleLabel(rule, index) : this.#file.defaults ? 'defaults' : 'default',
      approvers: approvers ? this.#expand(approvers) : BUILT_IN.approvers,
      required: rule?.required ?? defaults.required ?? BUILT_IN.required,
      requesterMayApprove:
        rule?.requesterMayApprove ?? defaults.requesterMayApprove ?? BUILT_IN.requesterMayApprove,
      expiresInMinutes: rule?.expiresInMinutes ?? defaults.expiresInMinutes ?? BUILT_IN.expiresInMinutes,
      cancel: { requester: cancel.requester, approvers: cancel.approvers, roles: cancel.roles ?? [] },
    };
  }

  #expand(approvers: ApproversDefinition): ResolvedApprovalPolicy['approvers'] {
    const groups = this.#file.groups ?? {};
    const people = [
      ...(approvers.users ?? []),
      ...(approvers.groups ?? []).flatMap((name) => groups[name] ?? []),
    ];
    return { roles: [...new Set(approvers.roles ?? [])], users: [...new Set(people.map(userKeyOf))] };
  }
}

/** True when nobody at all may approve (an empty approver list): such an action can never run. */
export function nobodyMayApprove(policy: ResolvedApprovalPolicy): boolean {
  return policy.approvers.roles.length === 0 && policy.approvers.users.length === 0;
}

/** Whether this person may approve or reject: named in the policy, and not the requester unless allowed. */
export function eligibility(
  policy: ResolvedApprovalPolicy,
  who: PolicySubject,
  requesterKey: string,
): 'eligible' | 'self-approval' | 'not-an-approver' {
  const key = subjectKey(who);
  const named =
    policy.approvers.users.includes(key) || policy.approvers.roles.some((role) => who.roles.includes(role));
  if (key === requesterKey && !policy.requesterMayApprove) return 'self-approval';
  return named ? 'eligible' : 'not-an-approver';
}

export function mayCancel(policy: ResolvedApprovalPolicy, who: PolicySubject, requesterKey: string): boolean {
  const key = subjectKey(who);
  if (policy.cancel.requester && key === requesterKey) return true;
  if (policy.cancel.roles.some((role) => who.roles.includes(role))) return true;
  return policy.cancel.approvers && eligibility(policy, who, requesterKey) === 'eligible';
}

/** `platform:id`, the key people are compared by (a Slack U123 and an API user U123 are different people). */
export function subjectKey(who: { platform: string; id: string }): string {
  return `${who.platform}:${who.id}`;
}

/** Describes who may approve, for the card: "2 approvals from sre", "1 approval from bob or carol". */
export function describeApprovers(policy: ResolvedApprovalPolicy): string {
  if (nobodyMayApprove(policy)) return 'nobody may approve this';
  const who = [
    ...policy.approvers.roles.map((role) => `role ${role}`),
    ...policy.approvers.users.map((user) => user.replace(/^api:/, '')),
  ].join(' or ');
  const count = `${policy.required} approval${policy.required === 1 ? '' : 's'}`;
  return `${count} from ${who}${policy.requesterMayApprove ? '' : ', not the requester'}`;
}

function matches(
  rule: ApprovalRuleDefinition,
  action: Pick<ApprovalAction, 'kind' | 'name' | 'args'>,
  environment: string | undefined,
): boolean {
  if (rule.kind && rule.kind !== action.kind) return false;
  if (!globMatches(rule.action, action.name)) return false;
  if (rule.environment && (environment === undefined || !globMatches(rule.environment, environment)))
    return false;
  return Object.entries(rule.arguments ?? {}).every(([name, pattern]) => {
    const value = action.args[name];
    if (value === undefined) return false;
    return globMatches(pattern, typeof value === 'string' ? value : canonicalJson(value));
  });
}

function textArgument(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function userKeyOf(spec: string): string {
  return /^(slack|teams|api|mcp):/.test(spec) ? spec : `api:${spec}`;
}
