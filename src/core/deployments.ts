/**
 * The deployments port (`ctx.deployments`, and a workflow step's `services.deployments`): executors,
 * environment locks and the cluster inventory, bound to one tenant. The engines behind it live in
 * src/provisioning; the provisioning skill never sees GitHub, Terraform or the database.
 */
export const CLUSTER_PLATFORMS = ['k3s', 'eks', 'aks', 'gke'] as const;
export const DEPLOY_ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export const CLUSTER_SIZES = ['small', 'medium', 'large'] as const;
export type ClusterPlatform = (typeof CLUSTER_PLATFORMS)[number];
export type DeployEnvironment = (typeof DEPLOY_ENVIRONMENTS)[number];
export type ClusterSize = (typeof CLUSTER_SIZES)[number];

/** Monthly list prices the plan's estimate is computed from (DEPLOY_PRICES overrides the built-in ones). */
export interface PriceTable {
  currency: string;
  nodeMonthly: Record<ClusterPlatform, Record<ClusterSize, number>>;
  controlPlaneMonthly: Record<ClusterPlatform, number>;
  monitoringMonthly: number;
}

export interface DeploySettings {
  prices: PriceTable;
  /** Distinct approvers per environment (0: none), never the requester. */
  approvals: Record<DeployEnvironment, number>;
  approverRole: string;
  /** The configured executor, or null (plans only). */
  executor: 'github-actions' | 'terraform' | null;
  pollIntervalMs: number;
  runTimeoutMs: number;
}

/** What an executor is asked to run: the approved plan, applied or destroyed. */
export interface ExecutionRequest {
  /** Finds the execution again after a crash (in the dispatch inputs and the run's name). */
  correlationId: string;
  action: 'apply' | 'destroy';
  runId: string;
  cluster: { name: string; platform: ClusterPlatform; environment: DeployEnvironment; region: string };
  /** Terraform files by name, and the variables. */
  files: Record<string, string>;
  variables: Record<string, unknown>;
  /** The hash the approval is bound to; the executor refuses anything else. */
  planHash: string;
  /** The prepared (Terraform) plan, when the executor prepared one. */
  prepared?: PreparedPlan;
}

/** A Terraform plan made before approval: its file (base64) and hash, and what it changes. */
export interface PreparedPlan {
  sha256: string;
  fileBase64: string;
  changes: { add: number; change: number; destroy: number; replace: number };
  /** Resource addresses that would be destroyed or replaced (risky items come first in the plan). */
  destructive: string[];
}

export interface ExecutionRef {
  executor: 'github-actions' | 'terraform';
  correlationId: string;
  /** GitHub: the workflow run id; Terraform: the run's work directory name. */
  id: string;
  url: string | null;
  /** Set when the execution already ended (Terraform applies before returning). */
  completed?: { conclusion: 'success' | 'failure'; log: string };
}

export interface ExecutionStatus {
  state: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  url: string | null;
  jobs: { name: string; status: string; conclusion: string | null }[];
}

export interface ValidationCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface DeploymentExecutor {
  readonly kind: 'github-actions' | 'terraform';
  /** Before approval: Terraform runs init, plan -out and show -json; GitHub Actions plans in its own run. */
  prepare(
    request: Omit<ExecutionRequest, 'correlationId' | 'action' | 'prepared'>,
  ): Promise<PreparedPlan | null>;
  /** Starts (GitHub: dispatches) or runs (Terraform: applies) the execution; called once per correlation id. */
  start(request: ExecutionRequest, progress: (line: string) => Promise<void>): Promise<ExecutionRef>;
  /** Looks an execution up by its correlation id (after a crash); undefined when it never started. */
  find(correlationId: string, action: 'apply' | 'destroy'): Promise<ExecutionRef | undefined>;
  status(ref: ExecutionRef): Promise<ExecutionStatus>;
  checks(ref: ExecutionRef): Promise<ValidationCheck[]>;
  /** The end of the failing step's log, for the failure report. */
  logExcerpt(ref: ExecutionRef): Promise<string>;
  /** The event key webhooks signal this execution's progress under, or null (no webhooks). */
  eventKey(ref: ExecutionRef): string | null;
}

export interface EnvironmentLock {
  environment: DeployEnvironment;
  /** `run:<id>` for a deploy's lock, `platform:user` for a person's. */
  holderKey: string;
  holderName: string;
  runId: string | null;
  reason: string;
  channel: string;
  thread: string;
  expiresAt: string | null;
  createdAt: string;
}

export interface LockHolder {
  key: string;
  name: string;
  runId: string | null;
  reason: string;
  channel: string;
  thread: string;
  expiresAt?: Date;
}

export interface LocksPort {
  /** Takes the environment's lock (an expired one is taken over); otherwise returns who holds it. */
  acquire(
    environment: DeployEnvironment,
    holder: LockHolder,
  ): Promise<{ acquired: true; lock: EnvironmentLock } | { acquired: false; lock: EnvironmentLock }>;
  /** Releases the lock if `holderKey` holds it (or anyone does, when `force`); false when it did not. */
  release(environment: DeployEnvironment, holderKey: string, force?: boolean): Promise<boolean>;
  get(environment: DeployEnvironment): Promise<EnvironmentLock | null>;
  list(): Promise<EnvironmentLock[]>;
}

export type ClusterStatus =
  | 'provisioning'
  | 'active'
  | 'failed'
  | 'rolling-back'
  | 'rolled-back'
  | 'destroying'
  | 'destroyed';

export interface ClusterRecord {
  /** The deploy run's id. */
  id: string;
  name: string;
  platform: ClusterPlatform;
  environment: DeployEnvironment;
  size: ClusterSize;
  region: string;
  nodes: number;
  status: ClusterStatus;
  planHash: string;
  requestedBy: string;
  runUrl: string | null;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ClustersPort {
  record(cluster: Omit<ClusterRecord, 'createdAt' | 'updatedAt'>): Promise<ClusterRecord>;
  update(
    id: string,
    change: Partial<Pick<ClusterRecord, 'status' | 'runUrl' | 'expiresAt'>>,
  ): Promise<ClusterRecord | null>;
  /** By id, or a unique start or end of at least 6 characters (listings show the last 8). */
  find(idOrPrefix: string): Promise<ClusterRecord | null>;
  list(filter?: { environment?: DeployEnvironment; active?: boolean }): Promise<ClusterRecord[]>;
}

export interface DeploymentsPort {
  readonly settings: DeploySettings;
  readonly executor: DeploymentExecutor | null;
  readonly locks: LocksPort;
  readonly clusters: ClustersPort;
}
