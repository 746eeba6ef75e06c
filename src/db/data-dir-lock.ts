import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatOpsError } from '../core/errors.ts';

/**
 * PGlite is a single-process database: two processes writing one data directory corrupt it. A pid file
 * turns that into a clear error; a stale file (its process is gone) is taken over.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  const lockFile = join(dataDir, 'chatops.pid');
  const holder = readHolder(lockFile);
  if (holder !== null && holder !== process.pid && isAlive(holder)) {
    throw new ChatOpsError(
      'DATABASE_LOCKED',
      `The embedded database in ${dataDir} is in use by process ${holder}.`,
      {
        remedy:
          'Stop that process first (e.g. the running `chatops dev`), or point DATABASE_URL at PostgreSQL so several processes can share it.',
      },
    );
  }
  writeFileSync(lockFile, String(process.pid));
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (readHolder(lockFile) === process.pid) rmSync(lockFile, { force: true });
  };
}

function readHolder(lockFile: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
