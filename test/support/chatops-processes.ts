import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHATOPS = fileURLToPath(new URL('../../bin/chatops.js', import.meta.url));

/** Real `chatops <command>` processes for end-to-end tests, with their output kept for assertions. */
export class ChatopsProcesses {
  readonly output: string[] = [];
  readonly #children: ChildProcess[] = [];

  /** Starts `chatops <command>`; the returned function reads what it printed so far. */
  start(command: string, env: Record<string, string>): () => string {
    const index = this.output.push('') - 1;
    const child = spawn(process.execPath, [CHATOPS, command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const append = (chunk: Buffer) => {
      this.output[index] += chunk.toString('utf8');
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    this.#children.push(child);
    return () => this.output[index] ?? '';
  }

  /**
   * Starts `chatops gateway` and `chatops worker` with the production settings end-to-end tests share (JSON
   * logs, free ports on 127.0.0.1) plus `env`, and resolves with the gateway's URL once both are up.
   */
  async startGatewayAndWorker(env: Record<string, string>): Promise<string> {
    const full = {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      WORKER_METRICS_PORT: '0',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      // Tests poll the REST API while they wait; the limit's own tests set theirs (see harness.ts).
      API_RATE_LIMIT_PER_MINUTE: '100000',
      ...env,
    };
    const gateway = this.start('gateway', full);
    this.start('worker', full);
    const url = await waitFor(
      () => /"event":"gateway-listening".*?"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(gateway())?.[1],
      'the gateway to listen',
    );
    await waitFor(() => /"event":"worker-started"/.test(this.output.join('')) || undefined, 'the worker');
    return url;
  }

  /** SIGTERM, then SIGKILL after 20 s for a process that does not stop. */
  async stopAll(): Promise<void> {
    await Promise.all(this.#children.map((child) => stopProcess(child)));
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
