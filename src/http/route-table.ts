import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  /** process.hrtime.bigint() when the request arrived (ack latency). */
  readonly receivedAt: bigint;
}

export type Handler = (context: RequestContext) => Promise<void> | void;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/api/v1/tasks/:id` — `:name` matches one path segment. */
  path: string;
  handler: Handler;
}

/** A raw handler owning every path under a prefix (Slack, Teams and the web chat mount these). */
export interface Mount {
  prefix: string;
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

export type Match =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  | { kind: 'mount'; mount: Mount }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

/** Routes are data: a table of method + path patterns, then prefix mounts, longest prefix first. */
export class RouteTable {
  readonly #routes: CompiledRoute[] = [];
  readonly #mounts: Mount[] = [];

  add(...routes: Route[]): this {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.path
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/:([A-Za-z]+)/g, (_all, name: string) => {
          names.push(name);
          return '([^/]+)';
        });
      this.#routes.push({ ...route, pattern: new RegExp(`^${source}/?$`), names });
    }
    return this;
  }

  mount(mount: Mount): this {
    this.#mounts.push(mount);
    this.#mounts.sort((left, right) => right.prefix.length - left.prefix.length);
    return this;
  }

  match(method: string, pathname: string): Match {
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const found = route.pattern.exec(pathname);
      if (!found) continue;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        params[name] = decodeURIComponent(found[index + 1] ?? '');
      });
      return { kind: 'route', route, params };
    }
    // A known path with the wrong method is a 405 even when a mount (the web chat at `/`) would take it.
    if (allowed.length > 0) return { kind: 'method-not-allowed', allowed };
    const mount = this.#mounts.find(
      (candidate) =>
        pathname === candidate.prefix ||
        pathname.startsWith(candidate.prefix === '/' ? '/' : `${candidate.prefix}/`),
    );
    return mount ? { kind: 'mount', mount } : { kind: 'not-found' };
  }
}
