import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { OpenAPIBackend, type Operation } from 'openapi-backend';
import swagger2openapi from 'swagger2openapi';
import { QUIRK_FIXES } from './openapi-quirks.ts';
import { CACHE_DIRECTORY, type ContractSpec, SPEC_FILES, specPath } from './spec-files.ts';
import { recordUsage } from './usage.ts';

export type OpenApiSpec = Exclude<ContractSpec, 'slack-web'>;
type Json = Record<string, unknown>;

const loaded = new Map<OpenApiSpec, Promise<OpenAPIBackend>>();

/**
 * One validator per spec and test worker. Swagger 2.0 files are converted to OpenAPI 3 and patched once,
 * then cached on disk keyed by the source file's hash; `quick` builds each operation's validator on first
 * use, because building GitHub's ~1,000 validators up front takes about a minute.
 */
export function openApiBackend(spec: OpenApiSpec): Promise<OpenAPIBackend> {
  let backend = loaded.get(spec);
  if (!backend) {
    backend = build(spec);
    loaded.set(spec, backend);
  }
  return backend;
}

/** The spec's operation for a method and a concrete path (undefined when the spec has none). */
export async function matchOperation(
  spec: OpenApiSpec,
  method: string,
  path: string,
): Promise<Operation | undefined> {
  const backend = await openApiBackend(spec);
  const operation = backend.router.matchOperation({ method, path, headers: {} });
  if (operation) recordUsage({ kind: 'operation', spec, method: operation.method, path: operation.path });
  return operation;
}

async function build(spec: OpenApiSpec): Promise<OpenAPIBackend> {
  const definition = await preparedDocument(spec);
  const backend = new OpenAPIBackend({
    definition: definition as never,
    quick: true,
    validate: true,
    strict: false,
    ajvOpts: { strict: false, allErrors: true, validateFormats: false },
  });
  await backend.init();
  return backend;
}

/** The spec as validated: converted to OpenAPI 3 and patched (cached on disk). */
export async function preparedDocument(spec: OpenApiSpec): Promise<Json> {
  const source = readFileSync(specPath(SPEC_FILES[spec]));
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const cached = `${CACHE_DIRECTORY}${spec}.${digest}.json`;
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as Json;
  let document = JSON.parse(source.toString('utf8')) as Json;
  if (document.swagger === '2.0') {
    const converted = await swagger2openapi.convertObj(document as never, { patch: true, warnOnly: true });
    document = converted.openapi as unknown as Json;
  }
  for (const fix of QUIRK_FIXES[spec] ?? []) fix(document);
  mkdirSync(CACHE_DIRECTORY, { recursive: true });
  writeFileSync(cached, JSON.stringify(document));
  return document;
}
