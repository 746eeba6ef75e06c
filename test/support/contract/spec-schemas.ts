import { Ajv, type ValidateFunction } from 'ajv';
import { matchOperation, type OpenApiSpec, openApiBackend, preparedDocument } from './openapi-spec.ts';
import { recordUsage } from './usage.ts';

const validators = new Map<string, Promise<ValidateFunction>>();

/**
 * Validates a value against one named schema of a vendor's OpenAPI document (`components.schemas`), e.g.
 * an inbound Teams Activity fixture against the Connector spec's `Activity`. Returns the problems.
 */
export async function validateSpecSchema(
  spec: OpenApiSpec,
  schema: string,
  value: unknown,
): Promise<string[]> {
  recordUsage({ kind: 'schema', spec, schema });
  const key = `${spec}#${schema}`;
  let validator = validators.get(key);
  if (!validator) {
    validator = compile(spec, schema);
    validators.set(key, validator);
  }
  const validate = await validator;
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (error) =>
      `${spec}#${schema}: ${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
  );
}

async function compile(spec: OpenApiSpec, schema: string): Promise<ValidateFunction> {
  const document = await preparedDocument(spec);
  const components = (document.components ?? {}) as { schemas?: Record<string, unknown> };
  if (!components.schemas?.[schema])
    throw new Error(
      `${spec} has no schema "${schema}" (or its trimmed copy does not keep it: see test/support/contract/kept-specs.ts)`,
    );
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: `urn:contract:${spec}`, components }, `urn:contract:${spec}`);
  return ajv.compile({ $ref: `urn:contract:${spec}#/components/schemas/${schema}` });
}

/**
 * Validates one request we sent (captured by a fake server rather than nock) against the operation the
 * spec declares for its method and path; returns the problems.
 */
export async function validateSpecRequest(
  spec: OpenApiSpec,
  request: { method: string; path: string; body: unknown; headers?: Record<string, string> },
): Promise<string[]> {
  const backend = await openApiBackend(spec);
  const operation = await matchOperation(spec, request.method, request.path);
  if (!operation)
    return [
      `${spec}: we sent ${request.method} ${request.path}, which the spec does not have (or test/support/contract/kept-specs.ts does not keep)`,
    ];
  const result = backend.validator.validateRequest(
    {
      method: request.method,
      path: request.path,
      headers: { 'content-type': 'application/json', ...request.headers },
      query: {},
      body: request.body,
    },
    operation,
  );
  return (result.errors ?? []).map(
    (error) =>
      `${spec}: ${operation.operationId ?? request.path} request ${error.instancePath || '(root)'} ${error.message ?? ''}`,
  );
}
