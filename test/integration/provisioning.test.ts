import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsClient } from '../support/approvals-client.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

// /deploy-cluster end to end in one process (real gateway, queue, worker, PostgreSQL or PGlite, Redis) with
// the Terraform/OpenTofu executor driving a stand-in terraform script: the prod flow with two distinct
// `sre` approvals and exactly one apply of exactly the approved plan file, a locked environment refused with
// holder and reason, and a failing apply offered a rollback that, once approved, destroys once.
const FAKE_TERRAFORM = fileURLToPath(new URL('../fixtures/provisioning/fake-terraform.sh', import.meta.url));

describe.each(['postgresql', 'pglite'] as const)('provisioning on %s', (database) => {
  let harness: Harness;
  let workDir: string;
  let client: ReturnType<typeof approvalsClient>;
  const calls = () =>
    existsSync(join(workDir, 'fake-terraform.log'))
      ? readFileSync(join(workDir, 'fake-terraform.log'), 'utf8').trim().split('\n')
      : [];

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'chatops-deploy-'));
    harness = await startHarness({
      database,
      env: { DEPLOY_TERRAFORM_BIN: FAKE_TERRAFORM, DEPLOY_WORK_DIR: workDir, DEPLOY_POLL_INTERVAL_MS: '500' },
    });
    client = approvalsClient(harness);
    for (const user of ['alice', 'bob', 'carol']) {
      await harness.runtime.directory.grantRole(
        { tenantId: 'default', platform: 'api', externalId: user },
        'sre',
        'test',
      );
    }
  });
  afterAll(async () => {
    await harness?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const runOf = async (threadId: string) =>
    eventually(async () => {
      const runs = await harness.runtime.workflows.list('default', { limit: 50 });
      return runs.find((run) => run.thread === threadId)?.id;
    });
  const finished = (runId: string, status?: string) =>
    eventually(async () => {
      const view = await harness.runtime.workflows.view(runId);
      return view?.finishedAt && (!status || view.status === status) ? view : null;
    }, 45_000);
  const message = (threadId: string, match: (text: string) => boolean) =>
    eventually(async () => (await client.thread(threadId)).find((entry) => match(entry.text)), 30_000);

  it('plans prod, refuses the requester, waits for a second sre, applies the approved plan once, documents it', async () => {
    const asked = await client.ask(
      'alice',
      '/deploy-cluster name=payments platform=eks env=prod size=medium',
    );
    expect(asked.task.status).toBe('succeeded');
    const runId = await runOf(asked.threadId);
    const plan = await message(asked.threadId, (text) => text.startsWith('Plan for payments'));
    expect(plan.text).toContain('3 × m6i.xlarge in eu-central-1');
    const card = await client.card(asked.threadId);
    expect(card.block.summary).toEqual(
      expect.arrayContaining([{ label: 'Needs', value: '2 approvals from role sre, not the requester' }]),
    );
    expect(
      (await client.click('alice', card.messageId, 'approval.approve', { value: card.approvalId })).text,
    ).toContain('You asked for this yourself');
    expect(
      (await client.click('bob', card.messageId, 'approval.approve', { value: card.approvalId })).text,
    ).toContain('Still needed: 1 more');
    expect(calls().filter((line) => line.startsWith('apply'))).toEqual([]);
    await client.click('carol', card.messageId, 'approval.approve', { value: card.approvalId });
    const done = await finished(runId);
    expect(done.status).toBe('succeeded');
    const planStep = done.steps.find((step) => step.name === 'plan');
    const prepared = (planStep?.output as { prepared: { sha256: string } } | undefined)?.prepared;
    expect(calls().filter((line) => line.startsWith('apply'))).toEqual([
      `apply payments ${prepared?.sha256}`,
    ]);
    expect(done.steps.map((step) => `${step.name}:${step.status}`)).toEqual([
      'plan:succeeded',
      'approval:succeeded',
      'lock:succeeded',
      'provision:succeeded',
      'follow:skipped',
      'validate:succeeded',
      'document:succeeded',
      'finalize:succeeded',
      'report:succeeded',
      'unlock:succeeded',
    ]);
    const docs = await message(asked.threadId, (text) => text.includes('is ready'));
    expect(docs.text).toContain('Cluster payments (eks, prod) is ready');
    const [stored] = await harness.runtime.database.sql<{ uri: string }>(
      `select uri from kb_documents where uri = $1`,
      [`deployment:${runId}`],
    );
    expect(stored?.uri).toBe(`deployment:${runId}`);
    expect((await client.ask('alice', '/deploy-cluster locks')).task.replies[0].text).toBe(
      'No environment is locked.',
    );
    const listed = await client.ask('alice', '/deploy-cluster list');
    expect(JSON.stringify(listed.task.replies[0].reply.blocks)).toContain('"payments","eks","prod","active"');
  });

  it('refuses a deploy to a locked environment, saying who locked it, why and until when', async () => {
    const locked = await client.ask('bob', '/deploy-cluster lock staging release freeze ttl=2h');
    expect(locked.task.replies[0].text).toMatch(
      /staging is locked by bob since .* UTC: release freeze until .* UTC\./,
    );
    const refused = await client.ask(
      'alice',
      '/deploy-cluster name=search platform=k3s env=staging size=small',
    );
    expect(refused.task.status).toBe('failed');
    expect(refused.task.replies.at(-1).text).toMatch(
      /staging is locked by bob since .*: release freeze until/,
    );
    const other = await client.ask('alice', '/deploy-cluster unlock staging');
    expect(other.task.status).toBe('succeeded');
    expect(other.task.replies[0].text).toContain('staging is unlocked (it was held by bob: release freeze)');
  });

  it('destroys a cluster only with its name typed and an approval, once', async () => {
    const asked = await client.ask('alice', '/deploy-cluster name=scratch platform=aks env=dev size=small');
    const deployed = await finished(await runOf(asked.threadId));
    expect(deployed.status).toBe('succeeded');
    const id = deployed.id.slice(-8);
    const unconfirmed = await client.ask('alice', `/deploy-cluster destroy ${id}`);
    expect(unconfirmed.task.replies[0].text).toContain(
      `type its name to confirm: \`/deploy-cluster destroy ${id} confirm=scratch\``,
    );
    const confirmed = await client.ask('alice', `/deploy-cluster destroy ${id} confirm=scratch`);
    const destroyRun = await runOf(confirmed.threadId);
    const card = await client.card(confirmed.threadId);
    expect(card.block.title).toBe('Destroy cluster scratch in dev');
    await client.click('bob', card.messageId, 'approval.approve', { value: card.approvalId });
    expect((await finished(destroyRun)).status).toBe('succeeded');
    expect(calls().filter((line) => line === 'destroy scratch')).toHaveLength(1);
    const status = await client.ask('alice', `/deploy-cluster status ${id}`);
    expect(status.task.replies[0].text).toBe('scratch: destroyed');
  });

  it('destroys a cluster whose TTL ran out (its expiry run), without a new approval', async () => {
    const asked = await client.ask(
      'alice',
      '/deploy-cluster name=short-lived platform=k3s env=dev size=small ttl=5d',
    );
    const deployed = await finished(await runOf(asked.threadId));
    const expiry = await eventually(async () =>
      (await harness.runtime.workflows.list('default', { definition: 'provisioning.expiry' })).find(
        (run) => (run.input as { clusterId: string }).clusterId === deployed.id,
      ),
    );
    expect(expiry.steps.find((step) => step.name === 'remind-2d-wait')?.status).toBe('waiting');
    // The same run with an expiry that has come (as if five days had passed): it destroys, once.
    await harness.runtime.workflows.cancel(expiry.id, 'test');
    const origin = (await harness.runtime.workflows.runs.get(expiry.id))?.origin;
    const now = await harness.runtime.workflows.start(
      'provisioning.expiry',
      { ...(expiry.input as object), expiresAt: new Date(Date.now() + 500).toISOString() },
      origin as never,
      { startKey: 'expiry-now' },
    );
    const done = await finished(now.id);
    expect(done.status).toBe('succeeded');
    expect(done.steps.filter((step) => step.status === 'skipped').map((step) => step.name)).toEqual([
      'remind-2d-wait',
      'remind-2d',
      'remind-2h-wait',
      'remind-2h',
      'remind-30m-wait',
      'remind-30m',
      'follow',
    ]);
    expect(calls().filter((line) => line === 'destroy short-lived')).toHaveLength(1);
  });

  it('reminds before a TTL runs out: Extend moves the expiry (acknowledged); Destroy now starts an approved destroy', async () => {
    const asked = await client.ask(
      'alice',
      '/deploy-cluster name=reminded platform=k3s env=dev size=small ttl=3d',
    );
    const deployed = await finished(await runOf(asked.threadId));
    expect(deployed.status).toBe('succeeded');
    const expiryOf = () =>
      eventually(async () =>
        (
          await harness.runtime.workflows.list('default', {
            definition: 'provisioning.expiry',
            status: 'running',
          })
        ).find((run) => (run.input as { clusterId: string }).clusterId === deployed.id),
      );
    const first = await expiryOf();
    const { expiresAt } = first.input as { expiresAt: string };
    // The same run 30 minutes (and a moment) before its expiry: the last reminder is due at once.
    await harness.runtime.workflows.cancel(first.id, 'test');
    const origin = (await harness.runtime.workflows.runs.get(first.id))?.origin;
    const soon = new Date(Date.now() + 30 * 60_000 + 1_000).toISOString();
    const reminding = await harness.runtime.workflows.start(
      'provisioning.expiry',
      { ...(first.input as object), expiresAt: soon },
      origin as never,
      { startKey: 'expiry-soon' },
    );
    const reminder = await message(asked.threadId, (text) =>
      text.startsWith('⏰ reminded (dev) will be destroyed in 30 minutes'),
    );
    expect(reminder.actions.map((action) => [action.id, action.value])).toEqual([
      ['provisioning.extend', deployed.id],
      ['provisioning.destroy-now', deployed.id],
    ]);
    const click = (actionId: string, user: string) =>
      harness.request('POST', '/api/v1/actions', {
        messageId: reminder.id,
        actionId,
        user,
        value: deployed.id,
      });
    await click('provisioning.extend', 'alice');
    const extended = new Date(Date.parse(expiresAt) + 3 * 86_400_000).toISOString();
    const shown = `${extended.slice(0, 16).replace('T', ' ')} UTC`;
    await message(asked.threadId, (text) => text === `⏳ reminded now expires at ${shown}.`);
    expect((await harness.runtime.workflows.view(reminding.id))?.status).toBe('cancelled');
    const next = await expiryOf();
    expect((next.input as { expiresAt: string }).expiresAt).toBe(extended);
    const status = await client.ask('alice', `/deploy-cluster status ${deployed.id.slice(-8)}`);
    expect(JSON.stringify(status.task.replies[0].reply.blocks)).toContain(shown);
    await click('provisioning.destroy-now', 'alice');
    const destroyRun = await eventually(async () =>
      (await harness.runtime.workflows.list('default', { definition: 'provisioning.destroy' })).find(
        (run) => (run.input as { clusterId: string }).clusterId === deployed.id,
      ),
    );
    const card = await client.card(asked.threadId);
    expect(card.block.title).toBe('Destroy cluster reminded in dev');
    expect(calls().filter((line) => line === 'destroy reminded')).toEqual([]);
    await client.click('bob', card.messageId, 'approval.approve', { value: card.approvalId });
    expect((await finished(destroyRun.id)).status).toBe('succeeded');
    expect(calls().filter((line) => line === 'destroy reminded')).toHaveLength(1);
    const after = await client.ask('alice', `/deploy-cluster status ${deployed.id.slice(-8)}`);
    expect(after.task.replies[0].text).toBe('reminded: destroyed');
  });

  it('offers a rollback after a failed apply; once approved it destroys once and the run is rolled back', async () => {
    const asked = await client.ask(
      'alice',
      '/deploy-cluster name=broken-app platform=k3s env=dev size=small',
    );
    const runId = await runOf(asked.threadId);
    const failed = await finished(runId, 'failed');
    expect(failed).toMatchObject({ compensable: true, error: { step: 'provision' } });
    const report = await message(asked.threadId, (text) => text.startsWith('❌ Deploying broken-app failed'));
    expect(JSON.stringify(report.reply)).toContain('subnets are not in the same VPC');
    const rollback = report.actions.find((action) => action.id === 'provisioning.rollback');
    for (let click = 0; click < 2; click += 1) {
      await harness.request('POST', '/api/v1/actions', {
        messageId: report.id,
        actionId: 'provisioning.rollback',
        user: 'alice',
        value: rollback?.value,
      });
    }
    const card = await client.card(asked.threadId);
    expect(card.block.title).toBe('Roll back (destroy) cluster broken-app in dev');
    await client.click('bob', card.messageId, 'approval.approve', { value: card.approvalId });
    const done = await finished(runId, 'compensated');
    expect(done.status).toBe('compensated');
    expect(calls().filter((line) => line === 'destroy broken-app')).toHaveLength(1);
    await message(asked.threadId, (text) => text.includes('was rolled back'));
  });
});
