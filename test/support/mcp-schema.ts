import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { specPath } from './contract/spec-files.ts';
import { recordUsage } from './contract/usage.ts';

/**
 * Checks JSON-RPC messages against the official MCP JSON Schema (test/fixtures/specs/mcp/<version>): every
 * request and notification the client sends, and every response our server returns, by method.
 */
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export interface RecordedMessage {
  direction: 'sent' | 'received';
  message: Record<string, unknown>;
}

const REQUESTS: Record<string, [request: string, result: string]> = {
  initialize: ['InitializeRequest', 'InitializeResult'],
  'tools/list': ['ListToolsRequest', 'ListToolsResult'],
  'tools/call': ['CallToolRequest', 'CallToolResult'],
  ping: ['PingRequest', 'EmptyResult'],
};
const NOTIFICATIONS: Record<string, string> = { 'notifications/initialized': 'InitializedNotification' };

export function mcpSchemaChecker(version: string) {
  const file = `mcp/${version}/schema.json`;
  recordUsage({ kind: 'json-schema', file });
  const path = specPath(file);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(JSON.parse(readFileSync(path, 'utf8')), 'mcp');
  const check = (definition: string, value: unknown): string[] => {
    const validate = ajv.getSchema(`mcp#/$defs/${definition}`);
    if (!validate) return [`the schema has no definition ${definition}`];
    return validate(value)
      ? []
      : (validate.errors ?? []).map((error) => `${definition}${error.instancePath} ${error.message}`);
  };

  /** Problems with a conversation: each message checked against its envelope and its method's definition. */
  return function problems(messages: readonly RecordedMessage[]): string[] {
    const methods = new Map<unknown, string>();
    const found: string[] = [];
    for (const { direction, message } of messages) {
      if (direction === 'sent') {
        const method = String(message.method);
        if ('id' in message) {
          methods.set(message.id, method);
          found.push(...check('JSONRPCRequest', message));
          const definition = REQUESTS[method]?.[0];
          found.push(
            ...(definition ? check(definition, message) : [`no schema check for request ${method}`]),
          );
        } else {
          found.push(...check('JSONRPCNotification', message));
          const definition = NOTIFICATIONS[method];
          found.push(
            ...(definition ? check(definition, message) : [`no schema check for notification ${method}`]),
          );
        }
        continue;
      }
      if ('error' in message) {
        found.push(...check('JSONRPCErrorResponse', message));
        continue;
      }
      found.push(...check('JSONRPCResultResponse', message));
      const method = methods.get(message.id);
      const definition = method ? REQUESTS[method]?.[1] : undefined;
      found.push(
        ...(definition
          ? check(definition, message.result)
          : [`response to an unknown request ${String(message.id)}`]),
      );
    }
    return found;
  };
}

/** A fetch for the SDK's client transport that records the JSON-RPC messages going each way. */
export function recordingFetch(recorded: RecordedMessage[]): typeof fetch {
  return async (input, init) => {
    if (typeof init?.body === 'string') {
      const body = JSON.parse(init.body) as Record<string, unknown> | Record<string, unknown>[];
      for (const message of Array.isArray(body) ? body : [body])
        recorded.push({ direction: 'sent', message });
    }
    const response = await fetch(input, init);
    const copy = response.clone();
    const type = copy.headers.get('content-type') ?? '';
    const text = await copy.text();
    if (type.includes('application/json') && text) {
      const body = JSON.parse(text) as Record<string, unknown> | Record<string, unknown>[];
      for (const message of Array.isArray(body) ? body : [body])
        recorded.push({ direction: 'received', message });
    } else if (type.includes('text/event-stream')) {
      for (const line of text.split('\n')) {
        if (line.startsWith('data: '))
          recorded.push({ direction: 'received', message: JSON.parse(line.slice(6)) });
      }
    }
    return response;
  };
}
