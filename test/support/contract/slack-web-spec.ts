import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { slackSample, unknownKeys } from './sample-keys.ts';
import { SPEC_FILES, specPath } from './spec-files.ts';
import { recordUsage } from './usage.ts';

/**
 * Slack's Web API description (Swagger 2.0, 2020) made into a strict argument checker. Slack accepts
 * every method as GET or POST with form or JSON arguments, and SDKs always POST a form with a Bearer
 * header, so a method is checked as a set of arguments rather than as an HTTP operation: required
 * arguments present, no argument the method does not take (the spec's lists are open; a misspelt
 * argument is silently ignored by Slack, so we treat it as an error), and values of the declared type.
 */
interface Argument {
  type: string;
  required: boolean;
}

interface SlackMethod {
  arguments: Map<string, Argument>;
  success?: ValidateFunction;
  failure?: ValidateFunction;
  /** For methods newer than the spec: the Slack-maintained response sample the fixture's keys must fit. */
  responseSample?: string;
  /** Described by the spec (rather than registered by a test with registerSlackMethod). */
  fromSpec: boolean;
}

interface SwaggerParameter {
  name: string;
  in: string;
  type?: string;
  required?: boolean;
}

/**
 * Arguments Slack added after the 2020 spec, allowed by name. Each is documented on api.slack.com for
 * that method; add to this list only with the method's documentation at hand.
 */
const NEWER_ARGUMENTS: Record<string, string[]> = {
  'chat.postMessage': ['metadata', 'markdown_text', 'unfurl_links', 'unfurl_media'],
  'chat.postEphemeral': ['markdown_text'],
  'chat.update': ['metadata', 'markdown_text', 'file_ids', 'reply_broadcast'],
  'conversations.history': ['include_all_metadata'],
  'conversations.replies': ['include_all_metadata'],
};

const methods = new Map<string, SlackMethod>();
let definitions: Record<string, unknown> | null = null;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

function loadSpec(): void {
  if (definitions) return;
  const document = JSON.parse(readFileSync(specPath(SPEC_FILES['slack-web']), 'utf8')) as {
    definitions: Record<string, unknown>;
    paths: Record<
      string,
      Record<string, { parameters?: SwaggerParameter[]; responses: Record<string, { schema?: object }> }>
    >;
  };
  definitions = document.definitions;
  ajv.addSchema({ $id: 'slack-web', definitions }, 'slack-web');
  for (const [path, operations] of Object.entries(document.paths)) {
    const operation = Object.values(operations)[0];
    if (!operation) continue;
    const name = path.replace(/^\//, '');
    const argumentsOf = new Map<string, Argument>();
    for (const parameter of operation.parameters ?? []) {
      if (parameter.name === 'token') continue; // SDKs send the token as a Bearer header
      argumentsOf.set(parameter.name, {
        type: parameter.type ?? 'string',
        required: parameter.required === true,
      });
    }
    for (const extra of NEWER_ARGUMENTS[name] ?? []) {
      if (!argumentsOf.has(extra)) argumentsOf.set(extra, { type: 'any', required: false });
    }
    methods.set(name, {
      arguments: argumentsOf,
      success: compileResponse(operation.responses['200']?.schema),
      failure: compileResponse(operation.responses.default?.schema),
      fromSpec: true,
    });
  }
}

// Top-level keys Slack adds to every response that the 2020 schemas forbid with additionalProperties.
function compileResponse(schema: object | undefined): ValidateFunction | undefined {
  if (!schema) return undefined;
  const withEnvelope = structuredClone(schema) as { properties?: Record<string, unknown> };
  withEnvelope.properties = {
    ...withEnvelope.properties,
    warning: { type: 'string' },
    response_metadata: { type: 'object' },
  };
  const rewritten = JSON.parse(
    JSON.stringify(withEnvelope).replaceAll('"#/definitions/', '"slack-web#/definitions/'),
  );
  return ajv.compile(rewritten);
}

export interface NewerSlackMethod {
  required: string[];
  optional: string[];
  /** A file under the java-slack-sdk samples' api/ folder, e.g. `files.getUploadURLExternal.json`. */
  responseSample?: string;
}

/** Allows a method the 2020 spec lacks, with its documented arguments (and its response sample if any). */
export function registerSlackMethod(name: string, method: NewerSlackMethod): void {
  loadSpec();
  const argumentsOf = new Map<string, Argument>();
  for (const argument of method.required) argumentsOf.set(argument, { type: 'any', required: true });
  for (const argument of method.optional) argumentsOf.set(argument, { type: 'any', required: false });
  methods.set(name, {
    arguments: argumentsOf,
    ...(method.responseSample ? { responseSample: method.responseSample } : {}),
    fromSpec: false,
  });
}

export function slackMethodExists(name: string): boolean {
  return methodNamed(name) !== undefined;
}

function methodNamed(name: string): SlackMethod | undefined {
  loadSpec();
  const method = methods.get(name);
  if (method?.fromSpec) recordUsage({ kind: 'slack-method', method: name });
  return method;
}

/** Problems with the arguments of one call (form, JSON or query arguments merged). */
export function checkSlackArguments(name: string, args: Record<string, unknown>): string[] {
  const method = methodNamed(name);
  if (!method)
    return [`slack-web: ${name} is not a Web API method in the spec (registerSlackMethod for newer ones)`];
  const problems: string[] = [];
  for (const [argument, value] of Object.entries(args)) {
    const declared = method.arguments.get(argument);
    if (!declared) {
      problems.push(
        `slack-web: ${name} takes no argument "${argument}" (it takes ${[...method.arguments.keys()].join(', ')})`,
      );
      continue;
    }
    const typeProblem = checkType(declared.type, value);
    if (typeProblem) problems.push(`slack-web: ${name} argument "${argument}" ${typeProblem}`);
  }
  for (const [argument, declared] of method.arguments) {
    if (declared.required && !(argument in args)) problems.push(`slack-web: ${name} requires "${argument}"`);
  }
  return problems;
}

/** Problems with a response fixture: `ok: true` against the success schema, `ok: false` against the error one. */
export function checkSlackResponse(name: string, status: number, body: unknown): string[] {
  const method = methodNamed(name);
  if (!method) return [`slack-web: ${name} is not a Web API method in the spec`];
  // Slack documents only 200 envelopes; 429 and 5xx bodies are undocumented, so they are not checked.
  if (status !== 200) return [];
  if (method.responseSample) {
    const sample = slackSample(`api/${method.responseSample}`);
    return unknownKeys(body, sample).map(
      (key) => `slack-web: ${name} response has "${key}", which Slack's sample lacks`,
    );
  }
  const ok = typeof body === 'object' && body !== null && (body as { ok?: unknown }).ok === true;
  const validate = ok ? method.success : method.failure;
  if (!validate) return [];
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (error) =>
      `slack-web: ${name} ${ok ? 'success' : 'error'} response ${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
  );
}

function checkType(type: string, value: unknown): string | null {
  if (type === 'any' || value === undefined) return null;
  const text = typeof value === 'string' ? value : null;
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' || text === 'true' || text === 'false' || text === '1' || text === '0'
        ? null
        : `must be a boolean, got ${JSON.stringify(value)}`;
    case 'integer':
    case 'number':
      return typeof value === 'number' || (text !== null && /^-?\d+(\.\d+)?$/.test(text))
        ? null
        : `must be a number, got ${JSON.stringify(value)}`;
    default:
      // JSON-bodied calls may pass arrays/objects where the form encoding carries JSON text.
      return typeof value === 'string' || typeof value === 'object' || typeof value === 'number'
        ? null
        : `must be a string, got ${JSON.stringify(value)}`;
  }
}
