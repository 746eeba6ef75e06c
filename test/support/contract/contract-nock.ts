import nock from 'nock';
import { matchOperation, type OpenApiSpec, openApiBackend } from './openapi-spec.ts';
import { checkLater, reportProblem } from './problems.ts';
import { checkSlackArguments, checkSlackResponse, slackMethodExists } from './slack-web-spec.ts';
import type { ContractSpec } from './spec-files.ts';

interface Checker {
  declared(method: string, path: string): Promise<string[]>;
  request(request: Request, path: string, body: string): Promise<string[]>;
  response(method: string, path: string, status: number, body: unknown): Promise<string[]>;
}

// The specs are trimmed copies: what the vendor has may just not be kept yet.
const NOT_KEPT =
  ' (the trimmed copy keeps only what test/support/contract/kept-specs.ts lists: if the vendor has it, add it there and run `npm run specs:trim`)';

const contractOrigins = new Set<string>();
let listening = false;

/**
 * A nock scope whose interceptors are held to a vendor's spec: a declared path the spec lacks, a reply
 * fixture that does not match the documented response, or a request we send that the operation would
 * reject, is recorded as a problem and fails the test (see problems.ts). Everything else is plain nock.
 */
export function contractNock(spec: ContractSpec, baseUrl: string, options?: nock.Options): nock.Scope {
  const scope = nock(baseUrl, options);
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/$/, '');
  const checker = spec === 'slack-web' ? slackChecker : openApiChecker(spec);
  contractOrigins.add(base.origin);
  watchUnmatched();
  for (const verb of ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const) {
    const original = scope[verb].bind(scope) as (uri: unknown, ...rest: unknown[]) => nock.Interceptor;
    (scope as unknown as Record<string, unknown>)[verb] = (uri: unknown, ...rest: unknown[]) =>
      checkedInterceptor(original(uri, ...rest), checker, verb.toUpperCase(), uri, basePath);
  }
  const intercept = scope.intercept.bind(scope) as (
    uri: unknown,
    method: string,
    ...rest: unknown[]
  ) => nock.Interceptor;
  (scope as unknown as Record<string, unknown>).intercept = (
    uri: unknown,
    method: string,
    ...rest: unknown[]
  ) => checkedInterceptor(intercept(uri, method, ...rest), checker, method.toUpperCase(), uri, basePath);
  scope.on('request', (request: Request, _interceptor: unknown, body: string) => {
    const path = new URL(request.url).pathname.slice(basePath.length) || '/';
    checkLater(() => checker.request(request, path, body));
  });
  return scope;
}

/** Forgets the hosts of this test's scopes (the global afterEach calls it). */
export function resetContractOrigins(): void {
  contractOrigins.clear();
}

function checkedInterceptor(
  interceptor: nock.Interceptor,
  checker: Checker,
  method: string,
  uri: unknown,
  basePath: string,
): nock.Interceptor {
  const path = typeof uri === 'string' ? (uri.split('?')[0] ?? uri) : null;
  if (path !== null) checkLater(() => checker.declared(method, path));
  const reply = interceptor.reply.bind(interceptor) as (...args: unknown[]) => nock.Scope;
  (interceptor as unknown as { reply: unknown }).reply = (
    status: unknown,
    body?: unknown,
    headers?: unknown,
  ) => {
    const where = path ?? `${basePath} (pattern)`;
    if (typeof status === 'function') {
      return reply(async (...args: unknown[]) => {
        const result = (await (status as (...inner: unknown[]) => unknown)(...args)) as unknown[];
        checkLater(() => checker.response(method, where, Number(result[0]), parseBody(result[1])));
        return result;
      });
    }
    if (typeof body === 'function') {
      return reply(
        status,
        async (...args: unknown[]) => {
          const produced = await (body as (...inner: unknown[]) => unknown)(...args);
          checkLater(() => checker.response(method, where, Number(status ?? 200), parseBody(produced)));
          return produced;
        },
        headers,
      );
    }
    if (body !== undefined)
      checkLater(() => checker.response(method, where, Number(status ?? 200), parseBody(body)));
    return reply(status, body, headers);
  };
  return interceptor;
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

// Unmocked calls to a vendor host get nock's 501, which SDKs retry: name them as the problem they are.
function watchUnmatched(): void {
  if (listening) return;
  listening = true;
  nock.emitter.on('no match', (request: Request) => {
    const url = new URL(request.url);
    if (contractOrigins.has(url.origin))
      reportProblem(`no interceptor matched ${request.method} ${url.pathname}${url.search}`);
  });
}

function slackMethodOf(path: string): string {
  return path.replace(/^.*\/api\//, '').replace(/^\//, '');
}

const slackChecker: Checker = {
  async declared(_method, path) {
    const name = slackMethodOf(path);
    return slackMethodExists(name)
      ? []
      : [`slack-web: no Web API method ${name} (registerSlackMethod for newer ones)${NOT_KEPT}`];
  },
  async request(request, path, body) {
    const args: Record<string, unknown> = Object.fromEntries(new URL(request.url).searchParams);
    const type = request.headers.get('content-type') ?? '';
    if (type.includes('application/json') && body) Object.assign(args, JSON.parse(body) as object);
    else if (body) Object.assign(args, Object.fromEntries(new URLSearchParams(body)));
    return checkSlackArguments(slackMethodOf(path), args);
  },
  async response(_method, path, status, body) {
    return checkSlackResponse(slackMethodOf(path), status, body);
  },
};

function openApiChecker(spec: OpenApiSpec): Checker {
  const operationOf = (method: string, path: string) => matchOperation(spec, method, path);
  return {
    async declared(method, path) {
      return (await operationOf(method, path))
        ? []
        : [`${spec}: the spec has no operation ${method} ${path}${NOT_KEPT}`];
    },
    async request(request, path, body) {
      const backend = await openApiBackend(spec);
      const operation = await operationOf(request.method, path);
      if (!operation)
        return [`${spec}: we sent ${request.method} ${path}, which the spec does not have${NOT_KEPT}`];
      const headers = Object.fromEntries(request.headers);
      const query = Object.fromEntries(new URL(request.url).searchParams);
      const result = backend.validator.validateRequest(
        { method: request.method, path, headers, query, body: parseBody(body) },
        operation,
      );
      return describe(spec, `${operation.operationId ?? path} request`, result.errors);
    },
    async response(method, path, status, body) {
      const backend = await openApiBackend(spec);
      const operation = await operationOf(method, path);
      if (!operation) return [];
      const documented = Object.keys(operation.responses ?? {});
      // Statuses the vendor does not document (429, most 5xx) carry no schema to check against.
      if (!documented.includes(String(status)) && !documented.includes('default')) return [];
      if (status === 204 || body === '' || body === undefined) return [];
      const result = backend.validator.validateResponse(body, operation, status);
      return describe(spec, `${operation.operationId ?? path} ${status} response`, result.errors);
    },
  };
}

function describe(
  spec: string,
  what: string,
  errors: { instancePath?: string; message?: string; params?: unknown }[] | null | undefined,
): string[] {
  return (errors ?? []).map(
    (error) =>
      `${spec}: ${what} ${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params ?? {})}`,
  );
}
