import type { DeployConfig, KnowledgeConfig } from '../config/load-config.ts';
import type { DeploymentExecutor, DeploymentsPort, DeploySettings } from '../core/deployments.ts';
import type { Database } from '../db/database.ts';
import { ClusterStore } from './cluster-store.ts';
import { GithubActionsExecutor } from './github-executor.ts';
import { LockStore } from './lock-store.ts';
import { loadPrices } from './prices.ts';
import { TerraformExecutor } from './terraform-executor.ts';

/**
 * The provisioning engine behind `ctx.deployments`: the configured executor (GitHub Actions when
 * DEPLOY_GITHUB_REPO is set, the Terraform/OpenTofu CLI when DEPLOY_TERRAFORM_BIN is), the locks, the
 * cluster inventory and the settings, each port bound to one tenant.
 */
export class Deployments {
  readonly settings: DeploySettings;
  readonly executor: DeploymentExecutor | null;
  readonly locks: LockStore;
  readonly clusters: ClusterStore;

  constructor(
    config: { deploy: DeployConfig; knowledge: Pick<KnowledgeConfig, 'github'> },
    database: Database,
    executor?: DeploymentExecutor | null,
  ) {
    const deploy = config.deploy;
    this.executor = executor === undefined ? executorOf(config) : executor;
    this.settings = {
      prices: loadPrices(deploy.pricesPath),
      approvals: { ...deploy.approvals },
      approverRole: deploy.approverRole,
      executor: this.executor?.kind ?? null,
      pollIntervalMs: deploy.pollIntervalMs,
      runTimeoutMs: deploy.runTimeoutMs,
    };
    this.locks = new LockStore(database);
    this.clusters = new ClusterStore(database);
  }

  portFor(tenantId: string): DeploymentsPort {
    return {
      settings: this.settings,
      executor: this.executor,
      locks: this.locks.portFor(tenantId),
      clusters: this.clusters.portFor(tenantId),
    };
  }
}

function executorOf(config: { deploy: DeployConfig; knowledge: Pick<KnowledgeConfig, 'github'> }) {
  const { deploy } = config;
  if (deploy.github) {
    return new GithubActionsExecutor({
      apiUrl: config.knowledge.github.apiUrl,
      token: config.knowledge.github.token,
      ...deploy.github,
    });
  }
  if (deploy.terraformBin) {
    return new TerraformExecutor({
      bin: deploy.terraformBin,
      workDir: deploy.workDir,
      path: deploy.executablePath,
    });
  }
  return null;
}
