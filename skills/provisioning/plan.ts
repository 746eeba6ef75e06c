import { readFileSync } from 'node:fs';
import type { ClusterPlatform, ClusterSize, DeploySettings } from '../../src/core/index.ts';
import { stableHash } from '../../src/core/index.ts';
import { type MonitoringPlan, manifestsYaml, monitoringPlan, valuesYaml } from './monitoring.ts';
import type { DeployRequest } from './request.ts';

/** Everything a deploy will do, computed before anyone approves; the approval is bound to its hash. */
export interface DeployPlan {
  request: DeployRequest;
  region: string;
  nodes: number;
  instanceType: string;
  cost: { currency: string; monthly: number; lines: { item: string; monthly: number }[] };
  monitoring: { stack: string; manifests: Record<string, unknown>[]; values: Record<string, unknown> };
  /** Terraform/OpenTofu files by name (main.tf from the platform's template, the common ones, monitoring). */
  files: Record<string, string>;
  variables: Record<string, unknown>;
  /** Risky items, first in every view of the plan: public endpoints, prod, destroys. */
  risks: string[];
  hash: string;
}

const INSTANCE: Record<ClusterPlatform, Record<ClusterSize, string>> = {
  k3s: { small: 'cx22', medium: 'cx32', large: 'cx42' },
  eks: { small: 't3.large', medium: 'm6i.xlarge', large: 'm6i.2xlarge' },
  aks: { small: 'Standard_D2s_v5', medium: 'Standard_D4s_v5', large: 'Standard_D8s_v5' },
  gke: { small: 'e2-standard-2', medium: 'e2-standard-4', large: 'e2-standard-8' },
};
const NODES: Record<ClusterSize, number> = { small: 2, medium: 3, large: 5 };
const REGION: Record<ClusterPlatform, string> = {
  k3s: 'fsn1',
  eks: 'eu-central-1',
  aks: 'westeurope',
  gke: 'europe-west3',
};
const TEMPLATES = new URL('./templates/', import.meta.url);
const COMMON = ['variables.tf', 'monitoring.tf', 'outputs.tf'];

function template(path: string): string {
  return readFileSync(new URL(path, TEMPLATES), 'utf8');
}

export function computePlan(
  request: DeployRequest,
  settings: Pick<DeploySettings, 'prices'>,
  requester: string,
): DeployPlan {
  const region = request.region ?? REGION[request.platform];
  const nodes = request.nodes ?? NODES[request.size];
  const instanceType = INSTANCE[request.platform][request.size];
  const { prices } = settings;
  const nodePrice = prices.nodeMonthly[request.platform][request.size];
  const lines = [
    { item: `${nodes} × ${instanceType}`, monthly: round(nodes * nodePrice) },
    { item: `${request.platform} control plane`, monthly: prices.controlPlaneMonthly[request.platform] },
    { item: 'monitoring (storage, exporters)', monthly: prices.monitoringMonthly },
  ];
  const monitoring: MonitoringPlan = monitoringPlan(request.name, request.env);
  const variables = {
    cluster_name: request.name,
    environment: request.env,
    region,
    node_count: nodes,
    instance_type: instanceType,
    labels: { 'managed-by': 'chatops', 'requested-by': labelValue(requester), environment: request.env },
  };
  const files: Record<string, string> = {
    'main.tf': template(`${request.platform}/main.tf`),
    ...Object.fromEntries(COMMON.map((name) => [name, template(`common/${name}`)])),
    'monitoring-values.yaml': valuesYaml(monitoring),
    'monitoring-manifests.yaml': manifestsYaml(monitoring),
  };
  const risks = [
    ...(request.env === 'prod' ? ['Production: two approvals from the approver role are needed.'] : []),
    ...(request.env !== 'prod' && request.platform !== 'k3s'
      ? ['The API endpoint is public outside prod (private in prod).']
      : []),
    ...(request.platform === 'k3s' ? ['k3s servers get public addresses.'] : []),
  ];
  const body = { request, region, nodes, instanceType, files, variables, monitoring };
  return {
    request,
    region,
    nodes,
    instanceType,
    cost: {
      currency: prices.currency,
      monthly: round(lines.reduce((sum, line) => sum + line.monthly, 0)),
      lines,
    },
    monitoring,
    files,
    variables,
    risks,
    hash: stableHash(body),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function labelValue(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '-')
    .slice(0, 63);
}
