import { z } from 'zod';
import { ChatOpsError } from '../core/errors.ts';
import type { Variable, VariableValues } from './variables.ts';

/**
 * `/deploy-cluster` (skills/provisioning, src/provisioning): which executor provisions (GitHub Actions or a
 * Terraform/OpenTofu CLI), how runs are followed, the price table and who approves per environment.
 */
const approvalsPattern = /^(dev|staging|prod)=\d(,(dev|staging|prod)=\d)*$/;

export const DEPLOY_VARIABLES = [
  {
    name: 'DEPLOY_GITHUB_REPO',
    schema: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'owner/name'),
    description:
      'Repository (owner/name) whose GitHub Actions workflow provisions clusters for /deploy-cluster (workflow_dispatch, through GITHUB_API_URL with GITHUB_TOKEN).',
    remedy: 'Set DEPLOY_GITHUB_REPO=owner/name, e.g. acme/infrastructure.',
  },
  {
    name: 'DEPLOY_GITHUB_WORKFLOW',
    schema: z.string().regex(/^[A-Za-z0-9_.-]+\.ya?ml$|^\d+$/, 'a workflow file name or id'),
    defaultValue: 'deploy-cluster.yml',
    description:
      'The workflow file (or id) the GitHub Actions executor dispatches; see manifests/github/deploy-cluster.yml.',
    remedy: 'Set DEPLOY_GITHUB_WORKFLOW to the file name under .github/workflows, e.g. deploy-cluster.yml.',
  },
  {
    name: 'DEPLOY_GITHUB_REF',
    schema: z.string().min(1).max(255),
    defaultValue: 'main',
    description: 'Branch or tag the deploy workflow runs from.',
    remedy: 'Set DEPLOY_GITHUB_REF to a branch or tag name, e.g. main.',
  },
  {
    name: 'GITHUB_WEBHOOK_SECRET',
    schema: z.string().min(16),
    description:
      'Secret of the repository webhook (events workflow_run and workflow_job) sent to /github/webhook; each delivery’s X-Hub-Signature-256 is checked with it. Unset: runs are followed by polling only.',
    remedy:
      'Generate a random secret of 16 or more characters and paste the same value in the webhook settings.',
    secret: true,
  },
  {
    name: 'DEPLOY_TERRAFORM_BIN',
    schema: z.string().min(1),
    description:
      'Path of a terraform or tofu executable: clusters are provisioned by init, plan -out, show -json and apply of exactly the approved plan file, in a work directory per run.',
    remedy: 'Set DEPLOY_TERRAFORM_BIN to the executable, e.g. /usr/local/bin/tofu.',
  },
  {
    name: 'DEPLOY_WORK_DIR',
    schema: z.string().min(1),
    defaultValue: '.data/deployments',
    description: 'Where the Terraform/OpenTofu executor keeps one work directory per run.',
    remedy: 'Set DEPLOY_WORK_DIR to a writable directory.',
  },
  {
    name: 'DEPLOY_PRICES',
    schema: z.string().min(1),
    description:
      'JSON file of the price table for cost estimates: {"currency","nodeMonthly":{platform:{size:n}},"controlPlaneMonthly":{platform:n},"monitoringMonthly":n}. Unset: the built-in list prices.',
    remedy: 'Point DEPLOY_PRICES at a readable JSON file shaped as in the README.',
  },
  {
    name: 'DEPLOY_APPROVALS',
    schema: z.string().regex(approvalsPattern, 'env=count pairs such as dev=0,staging=1,prod=2'),
    defaultValue: 'dev=0,staging=1,prod=2',
    description:
      'How many distinct people with DEPLOY_APPROVER_ROLE approve a deploy per environment (never the requester); 0 needs none. APPROVALS_CONFIG rules for deploy-cluster override it.',
    remedy: 'Write env=count pairs, e.g. DEPLOY_APPROVALS=dev=0,staging=1,prod=2.',
  },
  {
    name: 'DEPLOY_APPROVER_ROLE',
    schema: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/),
    defaultValue: 'sre',
    description:
      'Role whose holders approve deploys, rollbacks and destroys (chatops role grant <user> sre).',
    remedy: 'Use a role name such as sre.',
  },
  {
    name: 'DEPLOY_POLL_INTERVAL_MS',
    schema: z.coerce.number().int().min(500).max(600_000),
    defaultValue: '15000',
    description: 'How often a provisioning run is polled when no webhook event arrives.',
    remedy: 'Set DEPLOY_POLL_INTERVAL_MS to milliseconds between 500 and 600000.',
  },
  {
    name: 'DEPLOY_RUN_TIMEOUT_MS',
    schema: z.coerce.number().int().min(10_000).max(86_400_000),
    defaultValue: '7200000',
    description: 'Longest a provisioning or destroy run is followed before it counts as failed.',
    remedy: 'Set DEPLOY_RUN_TIMEOUT_MS to milliseconds between 10000 and 86400000.',
  },
] as const satisfies readonly Variable[];

export interface DeployConfig {
  readonly github: {
    readonly owner: string;
    readonly repo: string;
    readonly workflow: string;
    readonly ref: string;
  } | null;
  readonly webhookSecret: string | undefined;
  readonly terraformBin: string | undefined;
  readonly workDir: string;
  readonly pricesPath: string | undefined;
  readonly approvals: Readonly<Record<'dev' | 'staging' | 'prod', number>>;
  readonly approverRole: string;
  readonly pollIntervalMs: number;
  readonly runTimeoutMs: number;
  /** PATH handed to the Terraform/OpenTofu executable. */
  readonly executablePath: string;
}

export function deployConfig(
  values: VariableValues<typeof DEPLOY_VARIABLES>,
  path: string | undefined,
): DeployConfig {
  const repo = values.DEPLOY_GITHUB_REPO;
  const terraformBin = values.DEPLOY_TERRAFORM_BIN;
  if (repo && terraformBin) {
    const problem =
      'DEPLOY_GITHUB_REPO and DEPLOY_TERRAFORM_BIN are both set: which executor provisions is ambiguous.';
    throw new ChatOpsError('CONFIG_INVALID', `Configuration is invalid:\n  - ${problem}`, {
      remedy: 'Keep only one: the GitHub Actions workflow, or the Terraform/OpenTofu CLI.',
      details: { problems: [problem] },
    });
  }
  const [owner = '', name = ''] = repo?.split('/') ?? [];
  const approvals = { dev: 0, staging: 1, prod: 2 };
  for (const pair of values.DEPLOY_APPROVALS.split(',')) {
    const [env, count] = pair.split('=') as ['dev' | 'staging' | 'prod', string];
    approvals[env] = Number(count);
  }
  return {
    github: repo
      ? {
          owner,
          repo: name,
          workflow: values.DEPLOY_GITHUB_WORKFLOW,
          ref: values.DEPLOY_GITHUB_REF,
        }
      : null,
    webhookSecret: values.GITHUB_WEBHOOK_SECRET,
    terraformBin,
    workDir: values.DEPLOY_WORK_DIR,
    pricesPath: values.DEPLOY_PRICES,
    approvals,
    approverRole: values.DEPLOY_APPROVER_ROLE,
    pollIntervalMs: values.DEPLOY_POLL_INTERVAL_MS,
    runTimeoutMs: values.DEPLOY_RUN_TIMEOUT_MS,
    executablePath: path ?? '/usr/local/bin:/usr/bin:/bin',
  };
}
