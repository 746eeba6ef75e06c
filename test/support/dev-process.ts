import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearRedisPrefix, REDIS_URL, uniqueName } from './services.ts';

const CHATOPS = fileURLToPath(new URL('../../bin/chatops.js', import.meta.url));

export interface DevProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed, for assertions and for debugging a failed test. */
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * `chatops dev` as a newcomer runs it: a real process on the embedded database in a fresh data directory,
 * on any free port, with its own queue prefix on the test Redis. Resolves once it says it is ready.
 * `before` lists CLI commands (argument lists) to run against the data directory first.
 */
export async function startDevProcess(
  env: Record<string, string> = {},
  options: { before?: string[][] } = {},
): Promise<DevProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chatops-dev-'));
  const prefix = uniqueName('dev');
  let printed = '';
  const environment = {
    PATH: process.env.PATH ?? '',
    PORT: '0',
    CHATOPS_DATA_DIR: dataDir,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    // Tests poll the REST API while they wait; the limit's own tests set theirs (see harness.ts).
    API_RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  };
  // CLI commands run first against the same data directory, as a person would before `chatops dev`
  // (the embedded database takes one process at a time), e.g. `chatops role grant bob approver`.
  for (const args of options.before ?? []) {
    const result = spawnSync(process.execPath, [CHATOPS, ...args], { env: environment, encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(
        `chatops ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`,
      );
    }
  }
  const child = spawn(process.execPath, [CHATOPS, 'dev'], {
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`chatops dev did not start in 60 s:\n${printed}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      printed += chunk.toString('utf8');
      const ready = /"event":"dev-ready".*?"open":"(http:\/\/localhost:\d+)"/.exec(printed);
      if (ready?.[1]) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`chatops dev exited with ${code} before it was ready:\n${printed}`));
    });
  });
  return {
    url,
    child,
    output: () => printed,
    async stop() {
      const exited = new Promise<number | null>((resolve) =>
        child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
      );
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
      await clearRedisPrefix(prefix);
      return code;
    },
  };
}
