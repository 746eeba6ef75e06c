import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually, REDIS_URL } from '../support/services.ts';

// Real worker processes: one is SIGKILLed in the middle of a task and another finishes it exactly once
// (default lock settings, so this also shows the ~15 s recovery); one is SIGTERMed and finishes its task
// before exiting.
const FIXTURE = new URL('./fixtures/worker-with-slow-skill.ts', import.meta.url).pathname;

describe('worker processes', () => {
  let harness: Harness;
  let markers: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    harness = await startHarness({ database: 'postgresql', worker: false });
    markers = mkdtempSync(join(tmpdir(), 'chatops-markers-'));
  });
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });
  afterAll(async () => {
    await harness?.close();
    rmSync(markers, { recursive: true, force: true });
  });

  function startWorkerProcess(slowMs: number): ChildProcess {
    const child = spawn(process.execPath, [FIXTURE, markers, String(slowMs)], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: String(harness.databaseUrl),
        REDIS_URL,
        QUEUE_PREFIX: harness.prefix,
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
    return child;
  }

  const markersFor = (kind: 'started' | 'finished', taskId: string) =>
    readdirSync(markers).filter((name) => name.startsWith(kind) && name.endsWith(taskId));
  const exited = (child: ChildProcess) =>
    new Promise<number | null>((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
    );

  it('completes a task exactly once after its worker is killed with SIGKILL', async () => {
    const first = startWorkerProcess(60_000);
    const posted = await harness.request('POST', '/api/v1/messages', {
      channel: 'ops',
      user: 'alice',
      text: '/slow',
    });
    const taskId = String(posted.body.taskId);
    await eventually(
      async () => markersFor('started', taskId).length === 1,
      20_000,
      'the first worker to start the task',
    );

    first.kill('SIGKILL');
    await exited(first);
    const killedAt = Date.now();
    startWorkerProcess(500);

    await eventually(
      async () => (await harness.runtime.ledger.get(taskId))?.status === 'succeeded',
      40_000,
      'the task to be recovered',
    );
    const recoverySeconds = (Date.now() - killedAt) / 1000;
    console.log(`killed worker's task recovered and finished ${recoverySeconds.toFixed(1)} s after SIGKILL`);

    expect(markersFor('started', taskId)).toHaveLength(2);
    expect(markersFor('finished', taskId)).toHaveLength(1);
    const task = await harness.runtime.ledger.get(taskId);
    expect(task?.attempts).toBe(2);
    const replies = await harness.runtime.messages.repliesOf(taskId);
    // The progress message of the first run was reused by the second and replaced by the answer.
    expect(replies.map((reply) => reply.text)).toEqual(['slow done']);
  });

  it('lets the running task finish on SIGTERM, then exits cleanly', async () => {
    const worker = startWorkerProcess(1500);
    const posted = await harness.request('POST', '/api/v1/messages', {
      channel: 'ops',
      user: 'bob',
      text: '/slow',
    });
    const taskId = String(posted.body.taskId);
    await eventually(
      async () => markersFor('started', taskId).length === 1,
      20_000,
      'the worker to start the task',
    );

    worker.kill('SIGTERM');
    expect(await exited(worker)).toBe(0);
    expect(markersFor('finished', taskId)).toHaveLength(1);
    const task = await harness.runtime.ledger.get(taskId);
    expect(task).toMatchObject({ status: 'succeeded', attempts: 1 });
  });
});
