import type { HttpRouteHandler, IHttpServerAdapter } from '@microsoft/teams.apps';

/**
 * The Teams SDK's transport seam, implemented for our own gateway: the SDK registers its messaging
 * handler here instead of starting an Express server, and the gateway's route table calls it. Only the
 * messaging endpoint is accepted; the SDK takes no other path.
 */
export class RouteTableAdapter implements IHttpServerAdapter {
  readonly #path: string;
  #handler: HttpRouteHandler | null = null;

  constructor(path: string) {
    this.#path = path;
  }

  registerRoute(method: 'POST', path: string, handler: HttpRouteHandler): void {
    if (method !== 'POST' || path !== this.#path) {
      throw new Error(`The Teams adapter serves only POST ${this.#path}, not ${method} ${path}.`);
    }
    this.#handler = handler;
  }

  /** Hands one request to the SDK: token validation, then the activity handler. */
  async handle(body: unknown, headers: Record<string, string | string[]>) {
    if (!this.#handler) throw new Error('The Teams app was not initialised.');
    return this.#handler({ body, headers });
  }
}
