import { readdirSync, readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type pg from 'pg';

/**
 * What the benchmark reads around each phase, all from outside the processes under test so that reading
 * costs them nothing: CPU time and RSS of each process from /proc, machine-wide CPU from /proc/stat,
 * PostgreSQL's per-database and WAL counters, and Redis's per-command counters. Deltas divided by the
 * number of tasks give CPU milliseconds, commits, WAL syncs and Redis calls per task.
 */

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface ProcessSample {
  /** CPU seconds (user + system) since the process started. */
  cpu: number;
  /** Of which in the kernel (system calls: sockets, epoll, fsync). */
  sys: number;
  /** CPU seconds of its children that have exited (and been waited for), and of those in the kernel. */
  childrenCpu: number;
  childrenSys: number;
  ppid: number;
  rssKb: number;
  peakRssKb: number;
}

export function sampleProcess(pid: number): ProcessSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, utime 14, stime 15 (1-based) → indices 11 and 12 here.
    const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    const sys = Number(fields[12]) / TICKS_PER_SECOND;
    const childrenCpu = (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
    const childrenSys = Number(fields[14]) / TICKS_PER_SECOND;
    const ppid = Number(fields[1]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { cpu, sys, childrenCpu, childrenSys, ppid, rssKb: kb('VmRSS'), peakRssKb: kb('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * CPU of the whole PostgreSQL server: every live server process (postmaster, backends, WAL writer…) plus
 * what the backends that have exited used (the postmaster reaps them, so it is in its children's time):
 * connection pools close idle backends in the middle of a phase.
 */
export function postgresCpu(): { cpu: number; sys: number } {
  const pids = new Set(postgresPids());
  const total = { cpu: 0, sys: 0 };
  for (const pid of pids) {
    const sample = sampleProcess(pid);
    if (!sample) continue;
    total.cpu += sample.cpu;
    total.sys += sample.sys;
    if (!pids.has(sample.ppid)) {
      total.cpu += sample.childrenCpu;
      total.sys += sample.childrenSys;
    }
  }
  return total;
}

/** Every PostgreSQL server process (postmaster, backends, WAL writer…): their CPU is the database's cost. */
export function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

/**
 * Machine CPU: busy, kernel (system + irq + softirq), steal (time the hypervisor gave our virtual CPUs to
 * someone else: a noisy neighbour makes every number of the run worse) and total jiffies, over all cores.
 */
export function sampleMachine(): { busy: number; kernel: number; steal: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const kernel = (values[2] ?? 0) + (values[5] ?? 0) + (values[6] ?? 0);
  const steal = values[7] ?? 0;
  return { busy: total - idle - steal, kernel, steal, total };
}

export interface PgCounters {
  commits: number;
  rollbacks: number;
  inserted: number;
  updated: number;
  walRecords: number;
  walBytes: number;
  walSyncs: number;
}

export async function pgCounters(admin: pg.Client, database: string): Promise<PgCounters> {
  // Backends flush their statistics at most once a second; callers wait a little before reading.
  await admin.query('select pg_stat_clear_snapshot()');
  const db = await admin.query<{
    xact_commit: string;
    xact_rollback: string;
    tup_inserted: string;
    tup_updated: string;
  }>(
    'select xact_commit, xact_rollback, tup_inserted, tup_updated from pg_stat_database where datname = $1',
    [database],
  );
  const wal = await admin.query<{ wal_records: string; wal_bytes: string; wal_sync: string }>(
    'select wal_records, wal_bytes, wal_sync from pg_stat_wal',
  );
  const row = db.rows[0];
  const walRow = wal.rows[0];
  return {
    commits: Number(row?.xact_commit ?? 0),
    rollbacks: Number(row?.xact_rollback ?? 0),
    inserted: Number(row?.tup_inserted ?? 0),
    updated: Number(row?.tup_updated ?? 0),
    walRecords: Number(walRow?.wal_records ?? 0),
    walBytes: Number(walRow?.wal_bytes ?? 0),
    walSyncs: Number(walRow?.wal_sync ?? 0),
  };
}

export interface RedisCounters {
  /** calls and microseconds per command (commands run inside Lua scripts are counted too). */
  commands: Map<string, { calls: number; usec: number }>;
  totalCommands: number;
}

export async function redisCounters(redis: Redis): Promise<RedisCounters> {
  const commandstats = await redis.info('commandstats');
  const commands = new Map<string, { calls: number; usec: number }>();
  for (const match of commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    commands.set(match[1] ?? '', { calls: Number(match[2]), usec: Number(match[3]) });
  }
  const stats = await redis.info('stats');
  const totalCommands = Number(/^total_commands_processed:(\d+)/m.exec(stats)?.[1] ?? 0);
  return { commands, totalCommands };
}

export async function redisPid(redis: Redis): Promise<number | null> {
  const server = await redis.info('server');
  const pid = Number(/^process_id:(\d+)/m.exec(server)?.[1] ?? Number.NaN);
  return Number.isFinite(pid) ? pid : null;
}

/** Commands that a client sends itself (never from inside a Lua script): each call is one round trip. */
const TOP_LEVEL_ONLY = new Set([
  'evalsha',
  'eval',
  'evalsha_ro',
  'eval_ro',
  'fcall',
  'bzpopmin',
  'bzpopmax',
  'blmove',
  'brpoplpush',
  'ping',
  'info',
  'client|setname',
  'client|setinfo',
  'client|list',
  'select',
  'subscribe',
  'multi',
  'exec',
  'script|load',
  'hello',
]);

export interface RedisDelta {
  perTask: [string, number, number][];
  /** Calls of commands that can only come from a client: a lower bound on round trips. */
  roundTripsPerTask: number;
  /** Redis CPU in command execution, microseconds per task. */
  usecPerTask: number;
}

export function redisDelta(before: RedisCounters, after: RedisCounters, tasks: number): RedisDelta {
  const perTask: [string, number, number][] = [];
  let roundTrips = 0;
  let usec = 0;
  for (const [name, value] of after.commands) {
    const previous = before.commands.get(name) ?? { calls: 0, usec: 0 };
    const calls = value.calls - previous.calls;
    if (calls <= 0) continue;
    const spent = value.usec - previous.usec;
    perTask.push([name, calls / tasks, spent / tasks]);
    if (TOP_LEVEL_ONLY.has(name)) {
      roundTrips += calls;
      usec += spent;
    } else if (name === 'publish') {
      // PUBLISH may be scripted in theory; ours and BullMQ's publishes are plain client calls.
      roundTrips += calls;
      usec += spent;
    }
  }
  perTask.sort((left, right) => right[1] - left[1]);
  return { perTask, roundTripsPerTask: roundTrips / tasks, usecPerTask: usec / tasks };
}
