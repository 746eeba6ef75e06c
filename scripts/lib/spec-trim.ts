/**
 * Cuts an OpenAPI 3 or Swagger 2.0 document down to some operations, schemas and webhooks, keeping
 * every component they reference (transitively), so the result is self-contained and validates the same
 * requests and responses as the full file. Nothing kept is rewritten: the output is a subset of the input,
 * in the input's key order.
 */
type Json = Record<string, unknown>;

export interface OpenApiSelection {
  operations: readonly string[];
  schemas?: readonly string[];
  webhooks?: readonly string[];
}

export interface TrimmedOpenApi {
  document: Json;
  /** What the selection names that the document lacks (each entry as written in the selection). */
  missing: string[];
  counts: { operations: number; components: number; totalOperations: number; totalComponents: number };
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
// Swagger 2.0 keeps reusable parts at the top level; OpenAPI 3 under components/<section>.
const SWAGGER_SECTIONS = new Set(['definitions', 'parameters', 'responses']);
// Referenced by name in `security` requirements rather than by $ref: always kept whole (they are small).
const SECURITY_SECTIONS = new Set(['securitySchemes', 'securityDefinitions']);

export function trimOpenApi(document: Json, selection: OpenApiSelection): TrimmedOpenApi {
  const swagger = document.swagger === '2.0';
  const missing: string[] = [];
  const keptComponents = new Set<string>();
  const pending: unknown[] = [];

  const paths = (document.paths ?? {}) as Record<string, Json>;
  const keptMethods = new Map<string, Set<string>>();
  for (const entry of selection.operations) {
    const [method = '', path = ''] = entry.split(' ');
    const lower = method.toLowerCase();
    if (!HTTP_METHODS.has(lower) || !paths[path]?.[lower]) {
      missing.push(entry);
      continue;
    }
    const methods = keptMethods.get(path) ?? new Set<string>();
    methods.add(lower);
    keptMethods.set(path, methods);
  }
  const trimmedPaths: Record<string, Json> = {};
  for (const [path, item] of Object.entries(paths)) {
    const methods = keptMethods.get(path);
    if (!methods) continue;
    trimmedPaths[path] = Object.fromEntries(
      Object.entries(item).filter(([key]) => !HTTP_METHODS.has(key) || methods.has(key)),
    );
    pending.push(trimmedPaths[path]);
  }

  const webhooksKey = 'webhooks' in document ? 'webhooks' : 'x-webhooks';
  const webhooks = (document[webhooksKey] ?? {}) as Record<string, unknown>;
  const keptWebhooks = new Set(selection.webhooks ?? []);
  for (const name of keptWebhooks) if (!(name in webhooks)) missing.push(`webhook ${name}`);
  const trimmedWebhooks = Object.fromEntries(
    Object.entries(webhooks).filter(([name]) => keptWebhooks.has(name)),
  );
  pending.push(trimmedWebhooks);

  for (const schema of selection.schemas ?? []) {
    const pointer = swagger ? ['definitions', schema] : ['components', 'schemas', schema];
    if (resolvePointer(document, pointer) === undefined) missing.push(`schema ${schema}`);
    else pending.push({ $ref: `#/${pointer.join('/')}` });
  }

  // Follow every reference from what is kept, and from what those references keep, until nothing is new.
  while (pending.length > 0) {
    const value = pending.pop();
    for (const reference of referencesIn(value)) {
      const pointer = componentPointer(reference, swagger);
      const key = pointer.join('/');
      if (keptComponents.has(key)) continue;
      const target = resolvePointer(document, pointer);
      if (target === undefined) throw new Error(`${reference} points at nothing in the document`);
      keptComponents.add(key);
      pending.push(target);
    }
  }

  const trimmed: Json = {};
  for (const [key, value] of Object.entries(document)) {
    if (key === 'paths') trimmed.paths = trimmedPaths;
    else if (key === webhooksKey) {
      if (Object.keys(trimmedWebhooks).length > 0) trimmed[key] = trimmedWebhooks;
    } else if (key === 'components') trimmed.components = keptSections(value as Json, keptComponents);
    else if (swagger && SWAGGER_SECTIONS.has(key)) {
      const section = keptEntries(key, value as Json, keptComponents);
      if (section) trimmed[key] = section;
    } else if (key === 'tags') {
      const used = usedTags(trimmedPaths, trimmedWebhooks);
      const tags = (value as { name: string }[]).filter((tag) => used.has(tag.name));
      if (tags.length > 0) trimmed.tags = tags;
    } else trimmed[key] = value;
  }
  return {
    document: trimmed,
    missing,
    counts: {
      operations: [...keptMethods.values()].reduce((total, methods) => total + methods.size, 0),
      components: keptComponents.size,
      totalOperations: countOperations(paths),
      totalComponents: countComponents(document, swagger),
    },
  };
}

function keptSections(components: Json, kept: Set<string>): Json {
  const sections: Json = {};
  for (const [section, entries] of Object.entries(components)) {
    if (SECURITY_SECTIONS.has(section)) sections[section] = entries;
    else {
      const keptSection = keptEntries(`components/${section}`, entries as Json, kept);
      if (keptSection) sections[section] = keptSection;
    }
  }
  return sections;
}

function keptEntries(prefix: string, entries: Json, kept: Set<string>): Json | undefined {
  const result = Object.fromEntries(
    Object.entries(entries).filter(([name]) => kept.has(`${prefix}/${name}`)),
  );
  return Object.keys(result).length > 0 ? result : undefined;
}

/** Every `$ref`, and every discriminator mapping that names a schema by reference, inside a value. */
function referencesIn(value: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const object = node as Json;
    if (typeof object.$ref === 'string') found.push(object.$ref);
    const mapping = (object.discriminator as { mapping?: Record<string, unknown> } | undefined)?.mapping;
    for (const target of Object.values(mapping ?? {}))
      if (typeof target === 'string' && target.startsWith('#/')) found.push(target);
    for (const child of Object.values(object)) visit(child);
  };
  visit(value);
  return found;
}

/** The reusable part a reference lands in (`components/schemas/x`, or `definitions/x` in Swagger 2.0). */
function componentPointer(reference: string, swagger: boolean): string[] {
  if (!reference.startsWith('#/'))
    throw new Error(`${reference} is not a local reference: the trimmed file would not be self-contained`);
  const segments = reference
    .slice(2)
    .split('/')
    .map((segment) => decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~'));
  if (segments[0] === 'components' && segments.length >= 3) return segments.slice(0, 3);
  if (swagger && SWAGGER_SECTIONS.has(segments[0] ?? '') && segments.length >= 2) return segments.slice(0, 2);
  throw new Error(`${reference}: only references to reusable components are supported`);
}

function resolvePointer(document: Json, pointer: string[]): unknown {
  let node: unknown = document;
  for (const segment of pointer) {
    if (typeof node !== 'object' || node === null || !(segment in node)) return undefined;
    node = (node as Json)[segment];
  }
  return node;
}

function usedTags(...containers: Record<string, unknown>[]): Set<string> {
  const used = new Set<string>();
  for (const container of containers)
    for (const item of Object.values(container))
      for (const operation of Object.values(item as Json))
        for (const tag of ((operation as { tags?: unknown }).tags as string[] | undefined) ?? [])
          used.add(tag);
  return used;
}

function countOperations(paths: Record<string, Json>): number {
  return Object.values(paths).reduce(
    (total, item) => total + Object.keys(item).filter((key) => HTTP_METHODS.has(key)).length,
    0,
  );
}

function countComponents(document: Json, swagger: boolean): number {
  const sections = swagger
    ? [...SWAGGER_SECTIONS].map((key) => document[key])
    : Object.entries((document.components ?? {}) as Json)
        .filter(([section]) => !SECURITY_SECTIONS.has(section))
        .map(([, entries]) => entries);
  return sections.reduce<number>((total, entries) => total + Object.keys((entries ?? {}) as Json).length, 0);
}
