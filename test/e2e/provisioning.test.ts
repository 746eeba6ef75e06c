import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { workflowRun, workflowRunEvent } from '../fixtures/github/deploy-events.ts';
import { approvalsClient } from '../support/approvals-client.ts';
import { FakeGithub } from '../support/fake-github.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually, REDIS_URL } from '../support/services.ts';

// /deploy-cluster with real `chatops worker` processes, the gateway on a real port, PostgreSQL, Redis and
// a fake GitHub API on 127.0.0.1 (every request checked against GitHub's REST description): the prod flow
// with two distinct sre approvals, exactly one dispatch and the run followed to success through a signed
// webhook; and a worker SIGKILLed right after the dispatch, whose run is found again by its correlation id
// (no second dispatch) and followed to its end by the next worker; a failed GitHub run reported with its
// failing step's log and rolled back (approved per policy) with exactly one destroy dispatch; and a locked
// environment refusing a deploy with the holder and the reason.
const CHATOPS = new URL('../../bin/chatops.js', import.meta.url).pathname;
const SECRET = 'e2e-webhook-secret-000000001';

describe('/deploy-cluster with real worker processes and a fake GitHub', () => {
  let harness: Harness;
  let github: FakeGithub;
  let client: ReturnType<typeof approvalsClient>;
  const children: ChildProcess[] = [];
  const deployEnv = () => ({
    DEPLOY_GITHUB_REPO: 'acme/infrastructure',
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: 'ghp_e2e_token_not_real_00000000000',
    GITHUB_WEBHOOK_SECRET: SECRET,
    DEPLOY_POLL_INTERVAL_MS: '1000',
  });

  beforeAll(async () => {
    github = new FakeGithub();
    await github.start();
    harness = await startHarness({ database: 'postgresql', worker: false, env: deployEnv() });
    client = approvalsClient(harness);
    for (const user of ['alice', 'bob', 'carol']) {
      await harness.runtime.directory.grantRole(
        { tenantId: 'default', platform: 'api', externalId: user },
        'sre',
        'test',
      );
    }
  });
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });
  afterAll(async () => {
    await harness?.close();
    await github?.close();
  });

  /** Starts `chatops worker` and resolves once it says it started (a cold start takes seconds under load). */
  async function startWorker(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [CHATOPS, 'worker'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: String(harness.databaseUrl),
        REDIS_URL,
        QUEUE_PREFIX: harness.prefix,
        WORKER_METRICS_PORT: '0',
        QUEUE_LOCK_DURATION_MS: '2000',
        QUEUE_STALLED_INTERVAL_MS: '1000',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        ...deployEnv(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let printed = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    await eventually(async () => printed.includes('"event":"worker-started"'), 60_000, 'the worker to start');
    return child;
  }
  const runOf = (threadId: string) =>
    eventually(
      async () =>
        (await harness.runtime.workflows.list('default', { limit: 50 })).find(
          (run) => run.thread === threadId,
        )?.id,
      30_000,
    );
  const finished = (runId: string) =>
    eventually(async () => {
      const view = await harness.runtime.workflows.view(runId);
      return view?.finishedAt ? view : null;
    }, 90_000);
  const webhook = async (runId: number, correlationId: string) => {
    const body = JSON.stringify(
      workflowRunEvent(
        'completed',
        workflowRun({ id: runId, correlationId, status: 'completed', conclusion: 'success' }),
      ),
    );
    const response = await fetch(`${harness.baseUrl}/github/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'workflow_run',
        'x-github-delivery': `delivery-${runId}`,
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
      body,
    });
    expect(response.status).toBe(202);
  };

  it('prod: the requester cannot approve, one sre is not enough, two are; one dispatch; followed to success', async () => {
    startWorker();
    const asked = await client.ask(
      'alice',
      '/deploy-cluster name=payments platform=eks env=prod size=medium',
    );
    const runId = await runOf(asked.threadId);
    const card = await client.card(asked.threadId);
    expect(
      (await client.click('alice', card.messageId, 'approval.approve', { value: card.approvalId })).text,
    ).toContain('You asked for this yourself');
    expect(
      (await client.click('bob', card.messageId, 'approval.approve', { value: card.approvalId })).text,
    ).toContain('Still needed: 1 more');
    expect(github.dispatches).toHaveLength(0);
    await client.click('carol', card.messageId, 'approval.approve', { value: card.approvalId });
    await eventually(async () => github.dispatches.length === 1, 30_000, 'the dispatch');
    const run = github.runs[0];
    expect(github.dispatches[0]?.inputs).toMatchObject({
      action: 'apply',
      cluster_name: 'payments',
      environment: 'prod',
    });
    github.finish(run?.id ?? 0, 'success');
    await webhook(run?.id ?? 0, run?.correlationId ?? '');
    const done = await finished(runId);
    expect(done.status).toBe('succeeded');
    expect(github.dispatches).toHaveLength(1);
    expect(
      (await client.thread(asked.threadId)).some((message) =>
        message.text.includes('Cluster payments (eks, prod) is ready'),
      ),
    ).toBe(true);
    expect(github.problems).toEqual([]);
  }, 150_000);

  it('a worker killed right after the dispatch: no second dispatch, the run is found and followed to its end', async () => {
    const first = await startWorker();
    github.holdDispatches = true;
    const before = github.dispatches.length;
    const asked = await client.ask('alice', '/deploy-cluster name=crashtest platform=k3s env=dev size=small');
    const runId = await runOf(asked.threadId);
    await eventually(async () => github.dispatches.length === before + 1, 60_000, 'the dispatch');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    github.holdDispatches = false;
    await startWorker();
    const run = github.runs.at(-1);
    // The next worker looks the run up by its correlation id; end it, and it is followed (polling) to success.
    github.finish(run?.id ?? 0, 'success');
    const done = await finished(runId);
    expect(done.status).toBe('succeeded');
    expect(github.dispatches).toHaveLength(before + 1);
    expect(done.steps.find((step) => step.name === 'provision')?.attempts).toBe(1);
    expect(github.problems).toEqual([]);
  }, 150_000);

  it('a failed run: the failing step log is posted with Roll back; approved, one destroy dispatch; rolled back', async () => {
    await startWorker();
    const before = github.dispatches.length;
    const asked = await client.ask('alice', '/deploy-cluster name=flaky platform=k3s env=dev size=small');
    const runId = await runOf(asked.threadId);
    await eventually(async () => github.dispatches.length === before + 1, 60_000, 'the apply dispatch');
    const applyRun = github.runs.at(-1);
    expect(applyRun?.action).toBe('apply');
    github.finish(applyRun?.id ?? 0, 'failure');
    const report = await eventually(
      async () =>
        (await client.thread(asked.threadId)).find((message) =>
          message.text.startsWith('❌ Deploying flaky failed at follow'),
        ),
      60_000,
      'the failure report',
    );
    const excerpt = JSON.stringify(report.reply);
    expect(excerpt).toContain('provision › Terraform apply');
    expect(excerpt).toContain('Error: creating EKS Node Group: subnets are not in the same VPC');
    const rollback = report.actions.find((action) => action.id === 'provisioning.rollback');
    expect(rollback?.value).toBe(runId);
    const clicked = await harness.request('POST', '/api/v1/actions', {
      messageId: report.id,
      actionId: 'provisioning.rollback',
      user: 'alice',
      value: rollback?.value,
    });
    expect(clicked.status).toBeLessThan(300);
    const card = await client.card(asked.threadId);
    expect(card.block.title).toBe('Roll back (destroy) cluster flaky in dev');
    expect(
      (await client.click('alice', card.messageId, 'approval.approve', { value: card.approvalId })).text,
    ).toContain('You asked for this yourself');
    expect(github.dispatches).toHaveLength(before + 1);
    await client.click('bob', card.messageId, 'approval.approve', { value: card.approvalId });
    await eventually(async () => github.dispatches.length === before + 2, 60_000, 'the destroy dispatch');
    const destroyRun = github.runs.at(-1);
    expect(github.dispatches.at(-1)?.inputs).toMatchObject({ action: 'destroy', cluster_name: 'flaky' });
    github.finish(destroyRun?.id ?? 0, 'success');
    const done = await finished(runId);
    expect(done.status).toBe('compensated');
    expect(github.dispatches.slice(before).map((dispatch) => dispatch.inputs.action)).toEqual([
      'apply',
      'destroy',
    ]);
    const cluster = await harness.runtime.database.sql<{ status: string }>(
      'select status from clusters where id = $1',
      [runId],
    );
    expect(cluster).toEqual([{ status: 'rolled-back' }]);
    await eventually(
      async () =>
        (await client.thread(asked.threadId)).some((message) =>
          message.text.includes('flaky (dev) was rolled back'),
        ),
      30_000,
      'the rolled-back message',
    );
    expect(github.problems).toEqual([]);
  }, 180_000);

  it('a locked environment refuses a new deploy, naming who holds it and why; nothing is dispatched', async () => {
    await startWorker();
    const before = github.dispatches.length;
    // A worker just started may still be taking over a killed one's jobs: the first answer may take a while.
    const first = await harness.request('POST', '/api/v1/messages', {
      channel: 'ops',
      user: 'bob',
      text: '/deploy-cluster lock prod quarterly audit',
    });
    const locked = await eventually(
      async () => {
        const { body } = await harness.request('GET', `/api/v1/tasks/${first.body.taskId}`);
        return body.status === 'succeeded' ? body : undefined;
      },
      60_000,
      'the lock',
    );
    expect(locked.replies[0].text).toMatch(/prod is locked by bob since .* UTC: quarterly audit/);
    const refused = await client.ask('alice', '/deploy-cluster name=ledger platform=gke env=prod size=small');
    expect(refused.task.status).toBe('failed');
    expect(refused.task.replies.at(-1).text).toMatch(/prod is locked by bob since .* UTC: quarterly audit/);
    expect(github.dispatches).toHaveLength(before);
    const unlocked = await client.ask('bob', '/deploy-cluster unlock prod');
    expect(unlocked.task.replies[0].text).toBe('🔓 prod is unlocked.');
  }, 120_000);
});
