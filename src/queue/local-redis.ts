import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { ChatOpsError } from '../core/errors.ts';
import type { Logger } from '../core/ports.ts';

export interface RedisEndpoint {
  url: string;
  /** Stops the private redis-server, if this process started one. */
  stop(): Promise<void>;
}

/**
 * For `chatops dev`: use the configured Redis if it answers; otherwise, when REDIS_URL was not set
 * explicitly and `redis-server` is on PATH, start a private one on a free loopback port (no persistence)
 * for this session; otherwise stop with instructions.
 */
export async function ensureLocalRedis(
  url: string,
  explicit: boolean,
  log: Logger,
  searchPath: string,
): Promise<RedisEndpoint> {
  if (await answers(url)) return { url, stop: async () => {} };
  const binary = findOnPath('redis-server', searchPath);
  if (explicit || !binary) {
    throw new ChatOpsError('DEPENDENCY_UNAVAILABLE', `No Redis answers at ${url}.`, {
      remedy: explicit
        ? 'Start Redis there, or fix REDIS_URL.'
        : 'Install Redis (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`), or run `docker compose up -d redis`, or set REDIS_URL to a Redis you have.',
    });
  }
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const privateUrl = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await answers(privateUrl)) {
      log.info('redis-started', {
        url: privateUrl,
        note: 'private redis-server for this session; stopped on exit',
      });
      return {
        url: privateUrl,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new ChatOpsError(
    'DEPENDENCY_UNAVAILABLE',
    `Started ${binary} on port ${port}, but it did not answer.`,
    {
      remedy: 'Run redis-server by hand to see its error, or set REDIS_URL.',
    },
  );
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 500,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function findOnPath(name: string, searchPath: string): string | null {
  for (const directory of searchPath.split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return null;
}

async function freePort(): Promise<number> {
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
