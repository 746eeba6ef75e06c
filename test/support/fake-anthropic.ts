import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Anthropic from '@anthropic-ai/sdk';
import { sseBody } from './anthropic-mock.ts';
import { type MessagesRequest, MessagesRequestSchema } from './anthropic-shape.ts';

/**
 * A fake Messages API on 127.0.0.1 for tests with real processes (where nock cannot reach): it answers
 * scripted messages in order, as JSON or as a server-sent event stream when the request asks for one,
 * and checks every request against the documented shape.
 */
export class FakeAnthropic {
  readonly requests: MessagesRequest[] = [];
  readonly problems: string[] = [];
  readonly #script: Anthropic.Messages.Message[] = [];
  #server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/messages') {
          res.writeHead(404).end();
          return;
        }
        if (!req.headers['anthropic-version']) this.problems.push('missing anthropic-version header');
        const parsed = MessagesRequestSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        if (!parsed.success) {
          this.problems.push(
            ...parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
          );
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'bad shape' } }),
          );
          return;
        }
        this.requests.push(parsed.data);
        const message = this.#script.shift();
        if (!message) {
          this.problems.push('a request arrived with no scripted answer left');
          res.writeHead(529, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              type: 'error',
              error: { type: 'overloaded_error', message: 'no answer scripted' },
            }),
          );
          return;
        }
        if (parsed.data.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(sseBody(message));
        } else {
          res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake' });
          res.end(JSON.stringify(message));
        }
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  script(...messages: Anthropic.Messages.Message[]): void {
    this.#script.push(...messages);
  }

  get unused(): number {
    return this.#script.length;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}
