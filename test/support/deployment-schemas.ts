import { readdirSync, readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';

/**
 * Validators for deployment files, from the official schemas vendored in test/fixtures/schemas (see its
 * README): Kubernetes' OpenAPI for built-in kinds, KEDA's CRDs for its kinds, the Compose Specification for
 * docker-compose.yml. Kubernetes schemas leave objects open, yet `kubectl apply` (--validate=strict, its
 * default) and the API server's strict field validation reject a field they do not know: so every object
 * schema that lists its properties is closed here, as kubeconform's -strict does.
 */
const SCHEMAS = new URL('../fixtures/schemas/', import.meta.url);
type Json = Record<string, unknown>;

export interface ManifestDocument {
  file: string;
  index: number;
  value: Json;
}

/** Every YAML document in a folder of manifests, in file order. */
export function manifestDocuments(folder: URL): ManifestDocument[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith('.yaml') || file.endsWith('.yml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(new URL(file, folder), 'utf8'))
        .map((document) => document.toJS() as Json | null)
        .filter((value): value is Json => value !== null)
        .map((value, index) => ({ file, index, value })),
    );
}

/** Closes every object schema that lists its properties, unless it says it keeps unknown fields. */
export function closeObjects(schema: unknown): void {
  if (Array.isArray(schema)) {
    for (const item of schema) closeObjects(item);
    return;
  }
  if (typeof schema !== 'object' || schema === null) return;
  const node = schema as Json;
  if (
    typeof node.properties === 'object' &&
    node.additionalProperties === undefined &&
    node['x-kubernetes-preserve-unknown-fields'] !== true
  )
    node.additionalProperties = false;
  for (const key of ['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf'])
    closeObjects(node[key]);
  for (const key of ['properties', 'patternProperties', 'components', 'schemas', '$defs', 'definitions'])
    if (typeof node[key] === 'object' && node[key] !== null)
      for (const child of Object.values(node[key] as Json)) closeObjects(child);
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const kinds = new Map<string, ValidateFunction>();
const customKinds = new Set<string>();

function loadKubernetes(): void {
  const folder = new URL('kubernetes/1.35/', SCHEMAS);
  const files = readdirSync(folder, { recursive: true }).filter((file) => String(file).endsWith('.json'));
  for (const file of files) {
    const document = JSON.parse(readFileSync(new URL(String(file), folder), 'utf8')) as Json;
    const components = document.components as { schemas: Record<string, Json> };
    for (const schema of Object.values(components.schemas)) closeObjects(schema);
    const id = `kubernetes:${String(file)}`;
    ajv.addSchema({ $id: id, components }, id);
    for (const [name, schema] of Object.entries(components.schemas)) {
      const kindsOf = (schema['x-kubernetes-group-version-kind'] ?? []) as Json[];
      for (const { group, version, kind } of kindsOf) {
        const key = `${group ? `${group}/` : ''}${version}/${kind}`;
        if (!kinds.has(key)) kinds.set(key, ajv.compile({ $ref: `${id}#/components/schemas/${name}` }));
      }
    }
  }
  // A custom resource's metadata is an ObjectMeta like any other object's (its CRD schema leaves it open).
  kinds.set(
    'ObjectMeta',
    ajv.compile({
      $ref: 'kubernetes:apis/apps/v1.json#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    }),
  );
}

function loadCustomResources(): void {
  const folder = new URL('keda/2.20.2/', SCHEMAS);
  for (const file of readdirSync(folder)) {
    const definition = parse(readFileSync(new URL(file, folder), 'utf8')) as {
      spec: {
        group: string;
        names: { kind: string };
        versions: { name: string; schema: { openAPIV3Schema: Json } }[];
      };
    };
    for (const version of definition.spec.versions) {
      const schema = structuredClone(version.schema.openAPIV3Schema);
      closeObjects(schema);
      const key = `${definition.spec.group}/${version.name}/${definition.spec.names.kind}`;
      kinds.set(key, ajv.compile(schema));
      customKinds.add(key);
    }
  }
}

/** Problems with one Kubernetes object (built-in or KEDA), against the schema of its apiVersion and kind. */
export function kubernetesProblems(object: Json): string[] {
  if (kinds.size === 0) {
    loadKubernetes();
    loadCustomResources();
  }
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  const validate = kinds.get(key);
  if (!validate) return [`no schema for ${key} in test/fixtures/schemas: vendor it (see the README there)`];
  const problems = describe(validate, object);
  if (customKinds.has(key)) {
    const metadata = kinds.get('ObjectMeta') as ValidateFunction;
    problems.push(...describe(metadata, object.metadata ?? {}).map((problem) => `metadata${problem}`));
  }
  return problems;
}

let compose: ValidateFunction | null = null;

/** Problems with a Compose file (already parsed, YAML merge keys applied) against the Compose Specification. */
export function composeProblems(file: unknown): string[] {
  if (!compose) {
    const schema = JSON.parse(
      readFileSync(new URL('compose-spec/compose-spec.json', SCHEMAS), 'utf8'),
    ) as Json;
    // Draft-07, Ajv's own draft, named by an https URL that Ajv does not know as its meta-schema.
    delete schema.$schema;
    compose = ajv.compile(schema);
  }
  return describe(compose, file);
}

function describe(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
  );
}
