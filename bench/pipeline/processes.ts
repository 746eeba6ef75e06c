import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { sleep } from './stats.ts';

/** A `chatops` process started by the benchmark, with the tail of its output kept for error reports. */
export interface BotProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Last lines written to stdout/stderr (warnings, errors: LOG_LEVEL=warn keeps this short). */
  tail: string[];
  lines: number;
  exited: Promise<number | null>;
}

export function startBotProcess(
  name: string,
  cli: string,
  args: string[],
  env: Record<string, string>,
): BotProcess {
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const bot: BotProcess = {
    name,
    child,
    pid: child.pid,
    tail: [],
    lines: 0,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      bot.lines += 1;
      bot.tail.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
      if (bot.tail.length > 20) bot.tail.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return bot;
}

/** Runs a `chatops` CLI command to completion and returns its stdout (throws with stderr on failure). */
export async function runCli(
  cli: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<string> {
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) =>
    child.once('exit', (exitCode) => resolve(exitCode)),
  );
  clearTimeout(timer);
  if (code !== 0)
    throw new Error(`chatops ${args.join(' ')} exited with ${code}: ${err.trim() || out.trim()}`);
  return out;
}

/** SIGTERM (graceful shutdown: running tasks finish, connections close), SIGKILL after `graceMs`. */
export async function stopBotProcess(bot: BotProcess, graceMs = 15_000): Promise<void> {
  if (bot.child.exitCode !== null || bot.child.signalCode !== null) return;
  bot.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
  }, graceMs);
  await bot.exited;
  clearTimeout(timer);
}

/** Polls an HTTP health endpoint until it answers 200, or throws (with the process's output) after `timeoutMs`. */
export async function waitHealthy(url: string, bot: BotProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (bot.child.exitCode !== null) {
      throw new Error(
        `${bot.name} exited with ${bot.child.exitCode} while starting:\n${bot.tail.join('\n')}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(
    `${bot.name} not healthy at ${url} after ${timeoutMs} ms (${last}):\n${bot.tail.join('\n')}`,
  );
}

/** A free loopback TCP port (asked of the OS, then released for the child to bind). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
