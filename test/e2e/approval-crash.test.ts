import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { approvalsClient } from '../support/approvals-client.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually, REDIS_URL } from '../support/services.ts';

// A real worker process is SIGKILLed after it recorded the approval that completes a request and before
// the approved action ran; another worker then runs the action exactly once (and the killed click's
// re-run counts nothing twice).
const FIXTURE = new URL('./fixtures/worker-with-approvals.ts', import.meta.url).pathname;

describe('approval continuation across a worker crash', () => {
  let harness: Harness;
  let markers: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    harness = await startHarness({ database: 'postgresql', worker: false });
    markers = mkdtempSync(join(tmpdir(), 'chatops-approval-markers-'));
    await harness.runtime.directory.grantRole(
      { tenantId: 'default', platform: 'api', externalId: 'bob' },
      'approver',
      'test',
    );
  });
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });
  afterAll(async () => {
    await harness?.close();
    rmSync(markers, { recursive: true, force: true });
  });

  function startWorkerProcess(mode: 'hang' | 'normal'): ChildProcess {
    const child = spawn(process.execPath, [FIXTURE, markers, mode], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: String(harness.databaseUrl),
        REDIS_URL,
        QUEUE_PREFIX: harness.prefix,
        WORKER_CONCURRENCY: '1',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
    return child;
  }
  const marked = (prefix: string) => readdirSync(markers).filter((name) => name.startsWith(prefix));
  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) =>
      child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
    );

  it('executes the approved action exactly once after the worker that recorded the decision is killed', async () => {
    const client = approvalsClient(harness);
    const first = startWorkerProcess('hang');
    const asked = await client.ask('alice', '/release service=payments env=staging');
    expect(asked.task.status).toBe('awaiting_approval');
    const card = await client.card(asked.threadId);
    const clicked = await harness.request('POST', '/api/v1/actions', {
      messageId: card.messageId,
      actionId: 'approval.approve',
      user: 'bob',
    });
    expect(clicked.status).toBe(202);
    await eventually(async () => marked('decided-').length === 1, 30_000, 'the decision to be recorded');
    const [decided] = await harness.runtime.database.sql<{ status: string; execution_status: string | null }>(
      'select status, execution_status from approvals where id = $1',
      [card.approvalId],
    );
    expect(decided).toEqual({ status: 'approved', execution_status: null });
    expect(marked('executed-')).toEqual([]);

    first.kill('SIGKILL');
    await exited(first);
    const killedAt = Date.now();
    startWorkerProcess('normal');

    await eventually(async () => marked('executed-').length === 1, 60_000, 'the approved action to run');
    console.log(`approved action ran ${((Date.now() - killedAt) / 1000).toFixed(1)} s after SIGKILL`);
    // The killed click is re-delivered once its lock lapses; its re-run must count and start nothing new.
    await eventually(
      async () => (await harness.runtime.ledger.get(String(clicked.body.taskId)))?.status === 'succeeded',
      60_000,
      'the killed click to be re-run',
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(marked('executed-')).toHaveLength(1);
    const counts = await harness.runtime.database.sql<{
      decisions: string;
      executed: string;
      started: string;
    }>(
      `select (select count(*) from approval_decisions where approval_id = $1) as decisions,
              (select count(*) from audit_log where target = $2 and action = 'approval-executed') as executed,
              (select count(*) from audit_log where target = $2 and action = 'approval-execution-started') as started`,
      [card.approvalId, `approval:${card.approvalId}`],
    );
    expect(counts[0]).toEqual({ decisions: '1', executed: '1', started: '1' });
    expect((await client.finished(asked.taskId, ['succeeded'])).status).toBe('succeeded');
  });
});
