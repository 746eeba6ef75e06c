import { readdirSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import validatorExports from 'openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { trimOpenApi } from '../../scripts/lib/spec-trim.ts';
import { KEPT_SPECS, type KeptOpenApi } from '../support/contract/kept-specs.ts';
import { preparedDocument } from '../support/contract/openapi-spec.ts';
import { TRIMMED_SPECS_DIRECTORY } from '../support/contract/spec-files.ts';

type Json = Record<string, unknown>;
type Validator = typeof validatorExports.default;
// CommonJS with an ES default export: Node hands over the exports object, vitest's interop the class.
const OpenAPISchemaValidator: Validator =
  (validatorExports as unknown as { default?: Validator }).default ??
  (validatorExports as unknown as Validator);

const read = (file: string): Json =>
  JSON.parse(readFileSync(`${TRIMMED_SPECS_DIRECTORY}${file}`, 'utf8')) as Json;
const openApiEntries = KEPT_SPECS.filter((kept): kept is KeptOpenApi => kept.kind === 'openapi');

// The trimmed copies are what every contract test trusts, and a bare clone has nothing else: they must
// hold what kept-specs.ts promises, be complete in themselves, and be valid descriptions.
describe('the trimmed vendor specs in test/fixtures/specs', () => {
  it('hold exactly the files kept-specs.ts lists, and the README describes each', () => {
    const listed = KEPT_SPECS.flatMap((kept) => (kept.kind === 'openapi' ? [kept.file] : kept.files));
    const present = readdirSync(TRIMMED_SPECS_DIRECTORY, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(TRIMMED_SPECS_DIRECTORY, `${entry.parentPath}/${entry.name}`));
    expect(present.sort()).toEqual([...listed, 'README.md'].sort());
    const readme = readFileSync(`${TRIMMED_SPECS_DIRECTORY}README.md`, 'utf8');
    for (const file of listed) expect(readme).toContain(file.split('/').pop());
    for (const kept of KEPT_SPECS) expect(readme).toContain(kept.about.licence);
  });

  it.each(openApiEntries.map((kept) => [kept.file, kept] as const))(
    '%s keeps every listed operation, schema and webhook, and is valid OpenAPI',
    (file, kept) => {
      const document = read(file);
      const paths = document.paths as Record<string, Json>;
      for (const operation of kept.operations) {
        const [method = '', path = ''] = operation.split(' ');
        expect(paths[path]?.[method.toLowerCase()], operation).toBeDefined();
      }
      const schemas = document.swagger
        ? (document.definitions as Json)
        : ((document.components as Json).schemas as Json);
      for (const schema of kept.schemas ?? []) expect(schemas[schema], schema).toBeDefined();
      const webhooks = (document.webhooks ?? document['x-webhooks'] ?? {}) as Json;
      for (const webhook of kept.webhooks ?? []) expect(webhooks[webhook], webhook).toBeDefined();

      const validator = new OpenAPISchemaValidator({ version: document.swagger === '2.0' ? 2 : 3 });
      expect(validator.validate(document as never).errors).toEqual([]);
    },
  );

  it.each(openApiEntries.map((kept) => [kept.file, kept] as const))(
    '%s resolves every reference inside itself (trimming it again changes nothing)',
    (file, kept) => {
      const document = read(file);
      const again = trimOpenApi(document, kept);
      expect(again.missing).toEqual([]);
      expect(again.document).toEqual(document);
    },
  );

  it("are loaded with the loader's quirk fixes: GitHub's workflow_id takes a number or a file name", async () => {
    const parameter = (document: Json) => {
      const parameters = (document.components as Record<string, Record<string, { schema: Json }>>).parameters;
      return parameters?.['workflow-id']?.schema ?? {};
    };
    expect(parameter(read('github/octokit-openapi-23.0.2/api.github.com.json')).oneOf).toBeDefined();
    const prepared = parameter(await preparedDocument('github'));
    expect(prepared.oneOf).toBeUndefined();
    expect(prepared.anyOf).toEqual([{ type: 'integer' }, { type: 'string' }]);
  });

  it('copies JSON Schemas and samples whole: each parses', () => {
    for (const kept of KEPT_SPECS)
      if (kept.kind === 'whole') for (const file of kept.files) expect(() => read(file), file).not.toThrow();
  });
});

describe('trimOpenApi', () => {
  const document = {
    openapi: '3.0.3',
    info: { title: 'Example', version: '1' },
    tags: [{ name: 'pets' }, { name: 'stores' }],
    paths: {
      '/pets/{id}': {
        parameters: [{ $ref: '#/components/parameters/id' }],
        get: { tags: ['pets'], responses: { 200: { $ref: '#/components/responses/pet' } } },
        delete: { tags: ['pets'], responses: { 204: { description: 'gone' } } },
      },
      '/stores': { get: { tags: ['stores'], responses: { 200: { description: 'ok' } } } },
    },
    'x-webhooks': {
      'pet-born': { post: { requestBody: { $ref: '#/components/requestBodies/born' } } },
      'pet-sold': { post: {} },
    },
    components: {
      parameters: { id: { name: 'id', in: 'path', required: true, schema: { type: 'string' } } },
      responses: {
        pet: {
          description: 'a pet',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/pet' } } },
        },
      },
      requestBodies: {
        born: {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/animal/properties/age' } } },
        },
      },
      schemas: {
        pet: {
          oneOf: [{ $ref: '#/components/schemas/cat' }],
          discriminator: { propertyName: 'kind', mapping: { dog: '#/components/schemas/dog' } },
        },
        cat: { type: 'object', properties: { owner: { $ref: '#/components/schemas/owner' } } },
        dog: { type: 'object' },
        owner: { type: 'object' },
        animal: { type: 'object', properties: { age: { type: 'integer' } } },
        unused: { type: 'object' },
        alsoUnused: { type: 'string' },
      },
      securitySchemes: { token: { type: 'http', scheme: 'bearer' } },
    },
  };

  it('keeps the chosen operations and webhooks with every component they reach, and nothing else', () => {
    const {
      document: trimmed,
      missing,
      counts,
    } = trimOpenApi(document, {
      operations: ['GET /pets/{id}'],
      webhooks: ['pet-born'],
      schemas: ['alsoUnused'],
    });
    expect(missing).toEqual([]);
    expect(Object.keys(trimmed.paths as Json)).toEqual(['/pets/{id}']);
    expect(Object.keys((trimmed.paths as Record<string, Json>)['/pets/{id}'] ?? {})).toEqual([
      'parameters',
      'get',
    ]);
    expect(Object.keys(trimmed['x-webhooks'] as Json)).toEqual(['pet-born']);
    expect(trimmed.tags).toEqual([{ name: 'pets' }]);
    const components = trimmed.components as Record<string, Json>;
    expect(Object.keys(components.schemas ?? {})).toEqual([
      'pet',
      'cat',
      'dog',
      'owner',
      'animal',
      'alsoUnused',
    ]);
    expect(Object.keys(components)).toEqual([
      'parameters',
      'responses',
      'requestBodies',
      'schemas',
      'securitySchemes',
    ]);
    expect(counts).toEqual({ operations: 1, components: 9, totalOperations: 3, totalComponents: 10 });
  });

  it('names what the selection asks for that the document lacks', () => {
    const { missing } = trimOpenApi(document, {
      operations: ['POST /pets/{id}', 'GET /owners'],
      schemas: ['nobody'],
      webhooks: ['pet-lost'],
    });
    expect(missing).toEqual(['POST /pets/{id}', 'GET /owners', 'webhook pet-lost', 'schema nobody']);
  });

  it('refuses a reference outside the document, which would leave the copy incomplete', () => {
    const external = {
      ...document,
      paths: { '/x': { get: { responses: { 200: { $ref: 'other.json#/components/responses/x' } } } } },
    };
    expect(() => trimOpenApi(external, { operations: ['GET /x'] })).toThrow(/not a local reference/);
  });

  it('trims Swagger 2.0 definitions the same way', () => {
    const swagger = {
      swagger: '2.0',
      info: { title: 'Old', version: '1' },
      paths: {
        '/a': { post: { responses: { 200: { description: 'ok', schema: { $ref: '#/definitions/A' } } } } },
      },
      definitions: { A: { properties: { b: { $ref: '#/definitions/B' } } }, B: {}, C: {} },
    };
    const { document: trimmed } = trimOpenApi(swagger, { operations: ['POST /a'] });
    expect(Object.keys(trimmed.definitions as Json)).toEqual(['A', 'B']);
  });
});
