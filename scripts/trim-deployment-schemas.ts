// Regenerates the trimmed Kubernetes OpenAPI schemas in test/fixtures/schemas/kubernetes from the full
// per-group-version files (Kubernetes' api/openapi-spec/v3, as kubernetes-sigs/kubectl-validate embeds them
// under pkg/openapiclient/builtins/<version>): `node scripts/trim-deployment-schemas.ts --from <that folder>`.
// Each keeps the kinds manifests/k8s uses with every schema they reference (see the README there).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { trimOpenApi } from './lib/spec-trim.ts';

const KUBERNETES_VERSION = '1.35';

/** The kinds manifests/k8s uses, by the file of their group-version. */
const KEPT_KINDS: Record<string, readonly string[]> = {
  'api/v1.json': ['io.k8s.api.core.v1.ConfigMap', 'io.k8s.api.core.v1.Service'],
  'apis/apps/v1.json': ['io.k8s.api.apps.v1.Deployment'],
  'apis/autoscaling/v2.json': ['io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler'],
  'apis/batch/v1.json': ['io.k8s.api.batch.v1.Job'],
};

{
  const { values } = parseArgs({ options: { from: { type: 'string' } } });
  if (!values.from) {
    console.error('Usage: node scripts/trim-deployment-schemas.ts --from <folder with api/v1.json, apis/…>');
    process.exit(1);
  }
  const target = fileURLToPath(
    new URL(`../test/fixtures/schemas/kubernetes/${KUBERNETES_VERSION}/`, import.meta.url),
  );
  for (const [file, schemas] of Object.entries(KEPT_KINDS)) {
    const document = JSON.parse(readFileSync(resolve(values.from, file), 'utf8')) as Record<string, unknown>;
    const trimmed = trimOpenApi(document, { operations: [], schemas });
    if (trimmed.missing.length > 0) throw new Error(`${file} lacks ${trimmed.missing.join(', ')}`);
    mkdirSync(dirname(`${target}${file}`), { recursive: true });
    writeFileSync(`${target}${file}`, `${JSON.stringify(trimmed.document, null, 2)}\n`);
    console.log(`${file}: ${trimmed.counts.components} of ${trimmed.counts.totalComponents} schemas kept`);
  }
}
