import {
  ChatOpsError,
  CLUSTER_PLATFORMS,
  CLUSTER_SIZES,
  type ClusterPlatform,
  type ClusterSize,
  type CommandArgument,
  checkCommandArguments,
  DEPLOY_ENVIRONMENTS,
  type DeployEnvironment,
  describeArgumentProblems,
} from '../../src/core/index.ts';

/** A deploy request, typed: what `/deploy-cluster name=… platform=… env=… size=…` asks for. */
export interface DeployRequest {
  name: string;
  platform: ClusterPlatform;
  env: DeployEnvironment;
  size: ClusterSize;
  region?: string;
  nodes?: number;
  /** Seconds the cluster lives before it is destroyed (reminders first). */
  ttlSeconds?: number;
}

export const USAGE =
  '/deploy-cluster name=<n> platform=k3s|eks|aks|gke env=dev|staging|prod size=small|medium|large [region=…] [nodes=…] [ttl=…]';

const TTL = '[1-9][0-9]{0,3}[mhd]';

/** The declared arguments: checked by every receiver before queueing, and the source of the forms. */
export const DEPLOY_ARGUMENTS: CommandArgument[] = [
  {
    name: 'name',
    description: 'Cluster name: lower-case letters, digits and dashes.',
    required: true,
    pattern: '[a-z][a-z0-9-]{1,30}',
  },
  { name: 'platform', description: 'Where it runs.', required: true, choices: [...CLUSTER_PLATFORMS] },
  {
    name: 'env',
    description: 'Environment (sets who approves).',
    required: true,
    choices: [...DEPLOY_ENVIRONMENTS],
  },
  { name: 'size', description: 'Node size.', required: true, choices: [...CLUSTER_SIZES] },
  {
    name: 'region',
    description: 'Region or location (default per platform).',
    required: false,
    pattern: '[a-z0-9-]{2,30}',
  },
  {
    name: 'nodes',
    description: 'Node count, 1-50 (default per size).',
    required: false,
    pattern: '[1-9][0-9]?',
  },
  {
    name: 'ttl',
    description: 'Lifetime such as 8h or 3d; reminders before it is destroyed.',
    required: false,
    pattern: TTL,
  },
];

export const LOCK_ARGUMENTS: CommandArgument[] = [
  { name: 'ttl', description: 'How long the lock holds, such as 2h or 1d.', required: false, pattern: TTL },
];
export const DESTROY_ARGUMENTS: CommandArgument[] = [
  {
    name: 'confirm',
    description: 'The cluster’s name, typed to confirm.',
    required: false,
    pattern: '[a-z][a-z0-9-]{1,30}',
  },
];

/** `8h` → 28800. */
export function ttlSeconds(text: string): number {
  const match = /^([1-9][0-9]{0,3})([mhd])$/.exec(text);
  if (!match) throw usageError(`ttl "${text}" is not a lifetime such as 30m, 8h or 3d.`);
  const unit = { m: 60, h: 3600, d: 86_400 }[match[2] as 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** The typed request from declared `key=value` arguments, or a usage error naming each problem. */
export function requestOf(args: Readonly<Record<string, string>>): DeployRequest {
  const problems = checkCommandArguments(DEPLOY_ARGUMENTS, args);
  if (problems.length > 0) {
    throw usageError(`I could not read that deploy request:\n${describeArgumentProblems(problems)}`);
  }
  return {
    name: String(args.name),
    platform: args.platform as ClusterPlatform,
    env: args.env as DeployEnvironment,
    size: args.size as ClusterSize,
    ...(args.region ? { region: args.region } : {}),
    ...(args.nodes ? { nodes: Number(args.nodes) } : {}),
    ...(args.ttl ? { ttlSeconds: ttlSeconds(args.ttl) } : {}),
  };
}

/** The request as arguments again (confirmation buttons, the approval card, the command line). */
export function argsOf(request: DeployRequest): Record<string, string> {
  return {
    name: request.name,
    platform: request.platform,
    env: request.env,
    size: request.size,
    ...(request.region ? { region: request.region } : {}),
    ...(request.nodes ? { nodes: String(request.nodes) } : {}),
    ...(request.ttlSeconds ? { ttl: ttlText(request.ttlSeconds) } : {}),
  };
}

export function ttlText(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return `${Math.round(seconds / 60)}m`;
}

export function usageError(message: string): ChatOpsError {
  return new ChatOpsError('VALIDATION_FAILED', message, { remedy: `Usage: ${USAGE}` });
}
