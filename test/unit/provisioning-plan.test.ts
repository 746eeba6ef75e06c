import hcl from 'hcl2-parser';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { computePlan } from '../../skills/provisioning/plan.ts';
import { requestOf, ttlSeconds } from '../../skills/provisioning/request.ts';
import { understand } from '../../skills/provisioning/understand.ts';
import { BUILT_IN_PRICES } from '../../src/provisioning/prices.ts';

// The plan /deploy-cluster shows and binds its approval to: Terraform/OpenTofu that parses as HCL for every
// platform, monitoring manifests and Helm values that the Kubernetes JSON schemas accept, the cost from the
// price table, and a hash that changes with anything in it. Plus the typed request and free text.
const settings = { prices: BUILT_IN_PRICES };

describe('the deploy plan', () => {
  it.each(['k3s', 'eks', 'aks', 'gke'] as const)(
    'generates Terraform for %s that parses as HCL',
    (platform) => {
      const plan = computePlan(
        requestOf({ name: 'demo', platform, env: 'staging', size: 'small' }),
        settings,
        'alice',
      );
      for (const name of ['main.tf', 'variables.tf', 'monitoring.tf', 'outputs.tf']) {
        const [parsed, error] = hcl.parseToObject(plan.files[name] ?? '') as [
          Record<string, unknown> | null,
          unknown,
        ];
        expect(error, `${platform}/${name}`).toBeNull();
        expect(parsed).toBeTruthy();
      }
      const [variables] = hcl.parseToObject(plan.files['variables.tf'] ?? '') as [
        { variable: Record<string, unknown> },
      ];
      // Every variable the plan sets is declared, and every declared one is set.
      expect(Object.keys(variables.variable).sort()).toEqual(Object.keys(plan.variables).sort());
      const [main] = hcl.parseToObject(plan.files['main.tf'] ?? '') as [
        { resource: Record<string, unknown> },
      ];
      expect(Object.keys(main.resource).length).toBeGreaterThan(0);
    },
  );

  it('generates monitoring manifests and Helm values that the Kubernetes schemas accept', async () => {
    const plan = computePlan(
      requestOf({ name: 'payments', platform: 'eks', env: 'prod', size: 'medium' }),
      settings,
      'alice',
    );
    const documents = parseAllDocuments(plan.files['monitoring-manifests.yaml'] ?? '').map((document) =>
      document.toJS(),
    );
    expect(documents.map((document) => document.kind)).toEqual([
      'Namespace',
      'Deployment',
      'Service',
      'PrometheusRule',
    ]);
    // biome-ignore lint/suspicious/noExplicitAny: each model class takes its own object type
    type Model = new (data: any) => { validate(): void };
    const models: Record<string, () => Promise<Model>> = {
      Namespace: async () => (await import('kubernetes-models/v1/Namespace')).Namespace,
      Deployment: async () => (await import('kubernetes-models/apps/v1/Deployment')).Deployment,
      Service: async () => (await import('kubernetes-models/v1/Service')).Service,
      PrometheusRule: async () =>
        (await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule'))
          .PrometheusRule,
    };
    for (const document of documents) {
      const Model = await (
        models[document.kind] as () => Promise<new (data: unknown) => { validate(): void }>
      )();
      expect(() => new Model(document).validate(), document.kind).not.toThrow();
    }
    // The Helm values' Kubernetes-typed parts, against their schemas.
    const values = parseAllDocuments(plan.files['monitoring-values.yaml'] ?? '')[0]?.toJS() as {
      prometheus: {
        prometheusSpec: { resources: unknown; storageSpec: { volumeClaimTemplate: { spec: unknown } } };
      };
      alertmanager: { alertmanagerSpec: { resources: unknown } };
    };
    const { ResourceRequirements } = await import('kubernetes-models/v1/ResourceRequirements');
    const { PersistentVolumeClaimSpec } = await import('kubernetes-models/v1/PersistentVolumeClaimSpec');
    expect(() =>
      new ResourceRequirements(values.prometheus.prometheusSpec.resources as never).validate(),
    ).not.toThrow();
    expect(() =>
      new ResourceRequirements(values.alertmanager.alertmanagerSpec.resources as never).validate(),
    ).not.toThrow();
    expect(() =>
      new PersistentVolumeClaimSpec(
        values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec as never,
      ).validate(),
    ).not.toThrow();
    // A manifest the schema would refuse is caught (the check is real).
    const { Deployment } = await import('kubernetes-models/apps/v1/Deployment');
    expect(() => new Deployment({ metadata: { name: 'x' }, spec: {} } as never).validate()).toThrow(
      /selector/,
    );
  });

  it('estimates the monthly cost from the price table and lists risky items first', () => {
    const plan = computePlan(
      requestOf({ name: 'payments', platform: 'eks', env: 'prod', size: 'medium' }),
      settings,
      'alice',
    );
    expect(plan).toMatchObject({ nodes: 3, instanceType: 'm6i.xlarge', region: 'eu-central-1' });
    expect(plan.cost).toEqual({
      currency: 'USD',
      monthly: 3 * 122 + 73 + 15,
      lines: [
        { item: '3 × m6i.xlarge', monthly: 366 },
        { item: 'eks control plane', monthly: 73 },
        { item: 'monitoring (storage, exporters)', monthly: 15 },
      ],
    });
    expect(plan.risks[0]).toContain('Production');
  });

  it('hashes everything in the plan: another size, region or requester is another plan', () => {
    const base = { name: 'demo', platform: 'gke', env: 'dev', size: 'small' };
    const one = computePlan(requestOf(base), settings, 'alice').hash;
    expect(computePlan(requestOf(base), settings, 'alice').hash).toBe(one);
    expect(computePlan(requestOf({ ...base, size: 'large' }), settings, 'alice').hash).not.toBe(one);
    expect(computePlan(requestOf({ ...base, region: 'us-east1' }), settings, 'alice').hash).not.toBe(one);
    expect(computePlan(requestOf(base), settings, 'bob').hash).not.toBe(one);
  });
});

describe('the deploy request', () => {
  it('reads typed arguments and says precisely what is wrong', () => {
    expect(
      requestOf({ name: 'demo', platform: 'k3s', env: 'dev', size: 'small', nodes: '4', ttl: '3d' }),
    ).toEqual({
      name: 'demo',
      platform: 'k3s',
      env: 'dev',
      size: 'small',
      nodes: 4,
      ttlSeconds: 3 * 86_400,
    });
    expect(() => requestOf({ name: 'Demo!', platform: 'openshift', env: 'prod', evn: 'x' })).toThrow(
      /`evn` is not an argument.*\n.*`name` must match.*\n.*`platform` must be one of k3s, eks, aks, gke\n.*`size` is required/s,
    );
    expect(ttlSeconds('90m')).toBe(5400);
    expect(() => ttlSeconds('forever')).toThrow(/not a lifetime/);
  });

  it('understands a request in someone’s words without reading them as subcommands', () => {
    expect(understand('spin up a small k3s cluster called demo for staging')).toEqual({
      platform: 'k3s',
      env: 'staging',
      size: 'small',
      name: 'demo',
    });
    expect(
      understand('a medium aws cluster named payments-eu in production with 4 nodes for 3 days'),
    ).toEqual({
      platform: 'eks',
      env: 'prod',
      size: 'medium',
      name: 'payments-eu',
      nodes: '4',
      ttl: '3d',
    });
    // "list" and "status" here are words, not subcommands.
    expect(understand('list the status of my clusters')).toEqual({});
  });
});
