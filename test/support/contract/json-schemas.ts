import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { JSON_SCHEMA_FILES, type JsonSchemaName, specPath } from './spec-files.ts';
import { recordUsage } from './usage.ts';

const require = createRequire(import.meta.url);
const validators = new Map<string, ValidateFunction>();

export interface JsonSchemaOptions {
  /** A definition inside the schema (`$defs` or `definitions`), e.g. `CallToolResult` for MCP. */
  definition?: string;
}

/**
 * Validates a value against one of the vendors' JSON Schemas; returns the problems (empty when valid).
 * Adaptive Cards is draft-06 written with the draft-04 `id` keyword (Ajv 8 wants `$id`), MCP is 2020-12.
 */
export function validateJsonSchema(
  name: JsonSchemaName,
  value: unknown,
  options: JsonSchemaOptions = {},
): string[] {
  recordUsage({ kind: 'json-schema', file: JSON_SCHEMA_FILES[name] });
  const validate = validatorFor(name, options.definition);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (error) =>
      `${name}${options.definition ? `#${options.definition}` : ''}: ${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
  );
}

function validatorFor(name: JsonSchemaName, definition: string | undefined): ValidateFunction {
  const key = `${name}#${definition ?? ''}`;
  let validate = validators.get(key);
  if (validate) return validate;
  const schema = JSON.parse(readFileSync(specPath(JSON_SCHEMA_FILES[name]), 'utf8')) as Record<
    string,
    unknown
  >;
  const ajv = name.startsWith('mcp-') ? new Ajv2020(ajvOptions) : new Ajv(ajvOptions);
  if (name.startsWith('adaptive-card-')) {
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
    if (typeof schema.id === 'string') {
      schema.$id = schema.id;
      delete schema.id;
    }
  }
  const id = (schema.$id as string | undefined) ?? `urn:contract:${name}`;
  schema.$id = id;
  ajv.addSchema(schema);
  if (definition) {
    const container = name.startsWith('mcp-') ? '$defs' : 'definitions';
    const definitions = schema[container] as Record<string, unknown> | undefined;
    if (!definitions?.[definition]) throw new Error(`${name} has no definition "${definition}"`);
    validate = ajv.compile({ $ref: `${id}#/${container}/${definition}` });
  } else {
    validate = ajv.getSchema(id) as ValidateFunction;
  }
  validators.set(key, validate);
  return validate;
}

const ajvOptions = { strict: false, allErrors: true, validateFormats: false } as const;
