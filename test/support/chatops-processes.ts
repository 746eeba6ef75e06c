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
