import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load-config.ts';
import {
  composeProblems,
  kubernetesProblems,
  type ManifestDocument,
  manifestDocuments,
} from '../support/deployment-schemas.ts';

type Json = Record<string, unknown>;

const root = new URL('../../', import.meta.url);
const documents = manifestDocuments(new URL('manifests/k8s/', root));
const named = (kind: string, name: string): Json => {
  const found = documents.find(
    ({ value }) => value.kind === kind && (value.metadata as { name?: string }).name === name,
  );
  if (!found) throw new Error(`manifests/k8s has no ${kind} ${name}`);
  return structuredClone(found.value);
};
const label = ({ file, index, value }: ManifestDocument) =>
  `${file}#${index} ${String(value.kind)} ${(value.metadata as { name?: string }).name}`;

// The deployment files are only worth shipping if a cluster and Compose accept them as written: each is held
// to its official schema, strictly, so a misspelt field fails here rather than being dropped in production.
describe('the Kubernetes manifests', () => {
  it.each(documents.map((document) => [label(document), document] as const))(
    '%s is valid against its schema',
    (_label, { value }) => {
      expect(kubernetesProblems(value)).toEqual([]);
    },
  );

  it('include the worker autoscaling (KEDA ScaledObject and TriggerAuthentication)', () => {
    expect(documents.map(({ value }) => `${String(value.apiVersion)} ${String(value.kind)}`)).toEqual(
      expect.arrayContaining(['keda.sh/v1alpha1 ScaledObject', 'keda.sh/v1alpha1 TriggerAuthentication']),
    );
  });

  it('catch a misspelt field anywhere: in a Deployment, a container, a ScaledObject or a TriggerAuthentication', () => {
    const deployment = named('Deployment', 'chatops-worker') as { spec: Json & { template: Json } };
    deployment.spec.replicass = 3;
    expect(kubernetesProblems(deployment)).toEqual([
      expect.stringContaining('/spec must NOT have additional properties {"additionalProperty":"replicass"}'),
    ]);
    const container = named('Deployment', 'chatops-worker');
    const spec = (container.spec as { template: { spec: { containers: Json[] } } }).template.spec;
    (spec.containers[0] as Json).envFrm = [];
    expect(kubernetesProblems(container)[0]).toContain('"additionalProperty":"envFrm"');

    const scaled = named('ScaledObject', 'chatops-worker');
    (scaled.spec as Json).maxReplicas = 5;
    expect(kubernetesProblems(scaled)[0]).toContain('"additionalProperty":"maxReplicas"');
    const trigger = named('ScaledObject', 'chatops-worker');
    ((trigger.spec as { triggers: Json[] }).triggers[0] as Json).authRef = { name: 'x' };
    expect(kubernetesProblems(trigger)[0]).toContain('"additionalProperty":"authRef"');
    const authentication = named('TriggerAuthentication', 'chatops-redis');
    (authentication.metadata as Json).labelz = {};
    expect(kubernetesProblems(authentication)[0]).toContain('"additionalProperty":"labelz"');

    const config = named('ConfigMap', 'chatops-config');
    (config.data as Json).WORKER_CONCURRENCY = 128;
    expect(kubernetesProblems(config)[0]).toContain('/data/WORKER_CONCURRENCY must be string');
  });

  it('point at each other: autoscalers at Deployments, the Service at gateway pods, KEDA at the secret', () => {
    const deployments = documents
      .filter(({ value }) => value.kind === 'Deployment')
      .map(({ value }) => value);
    const deploymentNamed = (name: string) =>
      deployments.find((deployment) => (deployment.metadata as { name: string }).name === name);
    for (const { value } of documents.filter(({ value }) =>
      ['ScaledObject', 'HorizontalPodAutoscaler'].includes(String(value.kind)),
    ))
      expect(
        deploymentNamed((value.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name),
      ).toBeDefined();

    const service = named('Service', 'chatops-gateway') as { spec: { selector: Json } };
    const gatewayLabels = (
      deploymentNamed('chatops-gateway') as { spec: { template: { metadata: { labels: Json } } } }
    ).spec.template.metadata.labels;
    expect(gatewayLabels).toMatchObject(service.spec.selector);

    const scaled = named('ScaledObject', 'chatops-worker') as {
      spec: { triggers: { authenticationRef: { name: string } }[] };
    };
    const authentication = named(
      'TriggerAuthentication',
      scaled.spec.triggers[0]?.authenticationRef.name ?? '',
    );
    const secretKeys = (authentication.spec as { secretTargetRef: { name: string; key: string }[] })
      .secretTargetRef;
    const secretInstructions = readFileSync(new URL('manifests/k8s/config.yaml', root), 'utf8');
    for (const { name, key } of secretKeys) {
      expect(name).toBe('chatops-secrets');
      expect(secretInstructions).toContain(`--from-literal=${key}=`);
    }
  });

  it('have KEDA count the list where BullMQ keeps the waiting jobs of the queue the worker uses', () => {
    const config = named('ConfigMap', 'chatops-config') as { data: Record<string, string> };
    const queue = loadConfig({ ...config.data, REDIS_URL: 'redis://redis:6379' }, 'worker').queue;
    const scaled = named('ScaledObject', 'chatops-worker') as {
      spec: { triggers: { type: string; metadata: Record<string, string> }[] };
    };
    const [trigger] = scaled.spec.triggers;
    expect(trigger?.type).toBe('redis');
    // test/integration/keda-queue-list.test.ts shows BullMQ 6 keeps waiting jobs in this list.
    expect(trigger?.metadata.listName).toBe(`${queue.prefix}:${queue.name}:wait`);
  });
});

describe('docker-compose.yml', () => {
  const compose = () =>
    parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as {
      services: Record<string, Json>;
    };

  it('is valid against the Compose Specification', () => {
    expect(composeProblems(compose())).toEqual([]);
  });

  it('fails on a misspelt field', () => {
    const file = compose();
    (file.services.worker as Json).stop_grace_periodd = '30s';
    expect(composeProblems(file)).toEqual([
      expect.stringContaining(
        'must NOT have additional properties {"additionalProperty":"stop_grace_periodd"}',
      ),
    ]);
  });
});
