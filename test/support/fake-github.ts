import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { jobs, workflowRun } from '../fixtures/github/deploy-events.ts';
import { validateSpecRequest } from './contract/index.ts';

/**
 * A fake GitHub REST API on 127.0.0.1 for end-to-end tests of the deploy executor: workflow dispatches
 * (each request checked against GitHub's REST description, problems kept for the test to assert), the
 * runs they start (found by the correlation id in their name), their jobs and logs. A test can hold a
 * dispatch's answer (to kill the worker while the call is in flight) and end a run.
 */
export interface FakeRun {
  id: number;
  correlationId: string;
  action: string;
  status: 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | null;
}

export class FakeGithub {
  readonly dispatches: { inputs: Record<string, string> }[] = [];
  readonly runs: FakeRun[] = [];
  readonly problems: string[] = [];
  /** While set, dispatches are recorded but not answered. */
  holdDispatches = false;
  #server: Server | null = null;
  #nextId = 7_000_000;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }

  finish(runId: number, conclusion: 'success' | 'failure'): void {
    const run = this.runs.find((candidate) => candidate.id === runId);
    if (run) Object.assign(run, { status: 'completed', conclusion });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    if (!url.pathname.startsWith('/logs/')) {
      const problems = await validateSpecRequest('github', {
        method: req.method ?? 'GET',
        path: url.pathname,
        body,
      });
      this.problems.push(...problems);
    }
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    let match = /^\/repos\/acme\/infrastructure\/actions\/workflows\/deploy-cluster\.yml\/dispatches$/.exec(
      url.pathname,
    );
    if (match && req.method === 'POST') {
      const inputs = (body?.inputs ?? {}) as Record<string, string>;
      this.dispatches.push({ inputs });
      const run: FakeRun = {
        id: this.#nextId++,
        correlationId: String(inputs.correlation_id),
        action: String(inputs.action),
        status: 'in_progress',
        conclusion: null,
      };
      this.runs.push(run);
      if (this.holdDispatches) return; // never answered: the caller dies waiting
      json(200, {
        workflow_run_id: run.id,
        run_url: `${this.url}/repos/acme/infrastructure/actions/runs/${run.id}`,
        html_url: `https://github.com/acme/infrastructure/actions/runs/${run.id}`,
      });
      return;
    }
    if (/\/actions\/workflows\/deploy-cluster\.yml\/runs$/.test(url.pathname)) {
      json(200, { total_count: this.runs.length, workflow_runs: this.runs.map((run) => this.#view(run)) });
      return;
    }
    match = /\/actions\/runs\/(\d+)(\/jobs)?$/.exec(url.pathname);
    if (match) {
      const run = this.runs.find((candidate) => candidate.id === Number(match?.[1]));
      if (!run) return json(404, { message: 'Not Found' });
      if (match[2]) return json(200, jobs(run.id, run.conclusion === 'failure' ? 'failure' : 'success'));
      return json(200, this.#view(run));
    }
    match = /\/actions\/jobs\/(\d+)\/logs$/.exec(url.pathname);
    if (match) {
      res.writeHead(302, { location: `${this.url}/logs/${match[1]}` });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/logs/')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('terraform apply\nError: creating EKS Node Group: subnets are not in the same VPC\n');
      return;
    }
    json(404, { message: 'Not Found' });
  }

  #view(run: FakeRun) {
    return workflowRun({
      id: run.id,
      correlationId: run.correlationId,
      status: run.status,
      conclusion: run.conclusion,
    });
  }
}
