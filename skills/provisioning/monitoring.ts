import { stringify } from 'yaml';
import type { DeployEnvironment } from '../../src/core/index.ts';

/**
 * The monitoring stack of every cluster: kube-prometheus-stack's Helm values (sized per environment, with
 * persistent storage and retention), and plain manifests: the namespace, a blackbox exporter that probes
 * the cluster's endpoints (the "monitoring endpoints up" check), and alert rules. Kubernetes objects only,
 * so they can be checked against the Kubernetes schemas before anything runs.
 */
export interface MonitoringPlan {
  stack: string;
  values: Record<string, unknown>;
  manifests: Record<string, unknown>[];
}

const RETENTION: Record<DeployEnvironment, string> = { dev: '3d', staging: '7d', prod: '30d' };
const STORAGE: Record<DeployEnvironment, string> = { dev: '10Gi', staging: '20Gi', prod: '100Gi' };

export function monitoringPlan(cluster: string, env: DeployEnvironment): MonitoringPlan {
  const labels = { 'app.kubernetes.io/part-of': 'chatops-monitoring', 'chatops/cluster': cluster };
  const values = {
    fullnameOverride: 'monitoring',
    prometheus: {
      prometheusSpec: {
        retention: RETENTION[env],
        replicas: env === 'prod' ? 2 : 1,
        resources: {
          requests: { cpu: env === 'prod' ? '500m' : '200m', memory: env === 'prod' ? '2Gi' : '512Mi' },
          limits: { memory: env === 'prod' ? '4Gi' : '1Gi' },
        },
        storageSpec: {
          volumeClaimTemplate: {
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: STORAGE[env] } } },
          },
        },
        externalLabels: { cluster, environment: env },
      },
    },
    alertmanager: {
      alertmanagerSpec: {
        replicas: env === 'prod' ? 2 : 1,
        resources: { requests: { cpu: '50m', memory: '128Mi' } },
      },
    },
    grafana: {
      enabled: true,
      adminPassword: null,
      resources: { requests: { cpu: '100m', memory: '256Mi' } },
    },
  };
  const blackboxLabels = { ...labels, 'app.kubernetes.io/name': 'blackbox-exporter' };
  const manifests: Record<string, unknown>[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring', labels } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'blackbox-exporter', namespace: 'monitoring', labels: blackboxLabels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'blackbox-exporter' } },
        template: {
          metadata: { labels: blackboxLabels },
          spec: {
            containers: [
              {
                name: 'blackbox-exporter',
                image: 'quay.io/prometheus/blackbox-exporter:v0.25.0',
                ports: [{ name: 'http', containerPort: 9115 }],
                readinessProbe: { httpGet: { path: '/-/healthy', port: 'http' } },
                resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
                securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'blackbox-exporter', namespace: 'monitoring', labels: blackboxLabels },
      spec: {
        selector: { 'app.kubernetes.io/name': 'blackbox-exporter' },
        ports: [{ name: 'http', port: 9115, targetPort: 'http' }],
      },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'cluster-health', namespace: 'monitoring', labels },
      spec: {
        groups: [
          {
            name: 'cluster-health',
            rules: [
              {
                alert: 'NodeNotReady',
                expr: 'kube_node_status_condition{condition="Ready",status="true"} == 0',
                for: env === 'prod' ? '5m' : '15m',
                labels: { severity: env === 'prod' ? 'page' : 'ticket' },
                annotations: { summary: `A node of ${cluster} is not ready` },
              },
              {
                alert: 'EndpointDown',
                expr: 'probe_success == 0',
                for: '5m',
                labels: { severity: env === 'prod' ? 'page' : 'ticket' },
                annotations: { summary: `An endpoint of ${cluster} does not answer` },
              },
            ],
          },
        ],
      },
    },
  ];
  return { stack: 'kube-prometheus-stack 66.3.1 + blackbox exporter', values, manifests };
}

export function valuesYaml(plan: MonitoringPlan): string {
  return stringify(plan.values);
}

export function manifestsYaml(plan: MonitoringPlan): string {
  return plan.manifests.map((manifest) => stringify(manifest).trimEnd()).join('\n---\n');
}
