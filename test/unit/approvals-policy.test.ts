import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ApprovalPolicy,
  describeApprovers,
  eligibility,
  mayCancel,
  nobodyMayApprove,
} from '../../src/agent/approvals/policy.ts';
import type { ApprovalsFile } from '../../src/agent/approvals/policy-file.ts';
import { isChatOpsError } from '../../src/core/index.ts';

const deploy = (args: Record<string, unknown>) => ({
  kind: 'command' as const,
  name: 'deploy-cluster',
  args,
});
const write = (args: Record<string, unknown>) => ({
  kind: 'tool' as const,
  name: 'filesystem__write_file',
  args,
});
const person = (id: string, roles: string[] = [], platform = 'api') => ({ platform, id, roles });

const FILE: ApprovalsFile = {
  groups: { oncall: ['bob', 'slack:U0123ABCDEF'] },
  defaults: { expiresInMinutes: 45 },
  rules: [
    { name: 'prod', action: 'deploy-*', environment: 'prod', approvers: { roles: ['sre'] }, required: 2 },
    {
      action: 'deploy-cluster',
      environment: 'dev',
      requesterMayApprove: true,
      approvers: { roles: ['developer'] },
    },
    {
      action: 'filesystem__write_*',
      kind: 'tool',
      arguments: { path: '/srv/prod/*' },
      approvers: { groups: ['oncall'] },
    },
    { action: 'filesystem__delete_*', approvers: {} },
    { action: 'everything__*', cancel: { requester: false, approvers: false, roles: ['admin'] } },
  ],
};

describe('approval policy', () => {
  const policy = new ApprovalPolicy(FILE);

  it('defaults to one approver with the approver role, never the requester, for 30 minutes', () => {
    const resolved = new ApprovalPolicy().resolve(write({ path: '/tmp/x' }));
    expect(resolved).toEqual({
      rule: 'default',
      approvers: { roles: ['approver'], users: [] },
      required: 1,
      requesterMayApprove: false,
      expiresInMinutes: 30,
      cancel: { requester: true, approvers: true, roles: [] },
    });
    expect(describeApprovers(resolved)).toBe('1 approval from role approver, not the requester');
  });

  it('takes the first matching rule, by action, environment (or the env argument) and arguments', () => {
    expect(policy.resolve(deploy({ env: 'prod' }))).toMatchObject({ rule: 'rules[0] ("prod")', required: 2 });
    expect(policy.resolve(deploy({}), 'prod').approvers.roles).toEqual(['sre']);
    expect(policy.resolve(deploy({ environment: 'dev' }))).toMatchObject({
      rule: 'rules[1]',
      requesterMayApprove: true,
    });
    expect(policy.resolve(deploy({ env: 'staging' }))).toMatchObject({
      rule: 'defaults',
      expiresInMinutes: 45,
    });
    expect(policy.resolve(write({ path: '/srv/prod/app.conf' }))).toMatchObject({
      rule: 'rules[2]',
      approvers: { roles: [], users: ['api:bob', 'slack:U0123ABCDEF'] },
    });
    expect(policy.resolve(write({ path: '/srv/dev/app.conf' })).rule).toBe('defaults');
    // A rule for tools never matches a command of the same name.
    expect(
      policy.resolve({ kind: 'command', name: 'filesystem__write_file', args: { path: '/srv/prod/x' } }).rule,
    ).toBe('defaults');
  });

  it('reads an empty approver list as nobody, never everybody', () => {
    const resolved = policy.resolve({ kind: 'tool', name: 'filesystem__delete_file', args: {} });
    expect(nobodyMayApprove(resolved)).toBe(true);
    expect(describeApprovers(resolved)).toBe('nobody may approve this');
    expect(eligibility(resolved, person('root', ['approver', 'admin']), 'api:alice')).toBe('not-an-approver');
  });

  it('decides who may approve: named by role or name, not the requester unless the rule allows it', () => {
    const prod = policy.resolve(deploy({ env: 'prod' }));
    expect(eligibility(prod, person('carol', ['sre']), 'api:alice')).toBe('eligible');
    expect(eligibility(prod, person('alice', ['sre']), 'api:alice')).toBe('self-approval');
    expect(eligibility(prod, person('bob', ['approver']), 'api:alice')).toBe('not-an-approver');
    // The same id on another platform is another person.
    expect(eligibility(prod, person('alice', ['sre'], 'slack'), 'api:alice')).toBe('eligible');
    const dev = policy.resolve(deploy({ env: 'dev' }));
    expect(eligibility(dev, person('alice', ['developer']), 'api:alice')).toBe('eligible');
    const oncall = policy.resolve(write({ path: '/srv/prod/x' }));
    expect(eligibility(oncall, person('U0123ABCDEF', [], 'slack'), 'api:alice')).toBe('eligible');
  });

  it('decides who may cancel', () => {
    const normal = policy.resolve(deploy({ env: 'prod' }));
    expect(mayCancel(normal, person('alice'), 'api:alice')).toBe(true);
    expect(mayCancel(normal, person('carol', ['sre']), 'api:alice')).toBe(true);
    expect(mayCancel(normal, person('mallory'), 'api:alice')).toBe(false);
    const strict = policy.resolve({ kind: 'tool', name: 'everything__toggle', args: {} });
    expect(mayCancel(strict, person('alice'), 'api:alice')).toBe(false);
    expect(mayCancel(strict, person('bob', ['approver']), 'api:alice')).toBe(false);
    expect(mayCancel(strict, person('root', ['admin']), 'api:alice')).toBe(true);
  });
});

describe('the policy file', () => {
  const directory = mkdtempSync(join(tmpdir(), 'chatops-policy-unit-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  function problemsOf(content: string): string[] {
    const path = join(directory, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, content);
    try {
      ApprovalPolicy.load(path);
      return [];
    } catch (error) {
      if (!isChatOpsError(error) || error.code !== 'CONFIG_INVALID') throw error;
      expect(error.message).toContain(`APPROVALS_CONFIG (${path}) is invalid`);
      expect(error.remedy).toContain('unset APPROVALS_CONFIG');
      return error.details.problems as string[];
    }
  }

  it('loads a good file, and no file means the built-in default', () => {
    expect(problemsOf(JSON.stringify(FILE))).toEqual([]);
    expect(ApprovalPolicy.load(undefined).resolve(deploy({})).rule).toBe('default');
  });

  it('names every problem at once, each with where it is', () => {
    const problems = problemsOf(
      JSON.stringify({
        rules: [
          { name: 'prod', action: 'deploy-cluster', approvers: { roles: ['SRE team'] }, expiresInMinutes: 0 },
          { name: 'prod', action: '' },
        ],
        default: {},
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('rules[0] ("prod").approvers.roles.0: a role name such as approver or sre'),
        expect.stringContaining('rules[0] ("prod").expiresInMinutes'),
        expect.stringContaining('rules[1] ("prod").action'),
        expect.stringContaining('(file): Unrecognized key: "default"'),
        'rules[1] ("prod"): another rule has the name "prod"',
      ]),
    );
  });

  it('refuses a file it cannot read or parse', () => {
    expect(problemsOf('{ "rules": [ ')[0]).toMatch(/^cannot read the file: /);
    expect(() => ApprovalPolicy.load(join(directory, 'missing.json'))).toThrow(
      /cannot read the file: ENOENT/,
    );
  });
});
