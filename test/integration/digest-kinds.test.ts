import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJiraSprintDigest } from '../../skills/jira/digest.ts';
import { jiraDigestSource } from '../../src/integrations/jira/digest-source.ts';
import type { JiraService } from '../../src/integrations/jira/service.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { approvalsClient } from '../support/approvals-client.ts';
import type { FakeJira } from '../support/fake-jira/server.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { fakeJiraWith, jiraEnv } from '../support/jira.ts';
import { eventually } from '../support/services.ts';

// The deployments and jira-sprint digests end to end on PostgreSQL and Redis: real provisioning runs (the
// Terraform executor driving a stand-in script) and a lock, a fake Jira synced by the engine, digests
// created over REST and in chat, run through the digest delivery path, and the posts read back.
const FAKE_TERRAFORM = fileURLToPath(new URL('../fixtures/provisioning/fake-terraform.sh', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: tests read stored replies field by field
type Json = any;

describe('deployments and jira-sprint digests', () => {
  let harness: Harness;
  let jira: FakeJira;
  let workDir: string;
  let client: ReturnType<typeof approvalsClient>;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'chatops-digest-kinds-'));
    jira = await fakeJiraWith({ issues: 120 });
    harness = await startHarness({
      env: {
        ...jiraEnv(jira),
        DEPLOY_TERRAFORM_BIN: FAKE_TERRAFORM,
        DEPLOY_WORK_DIR: workDir,
        DEPLOY_POLL_INTERVAL_MS: '500',
        TASK_BACKOFF_MS: '200',
      },
    });
    client = approvalsClient(harness);
  });
  afterAll(async () => {
    await harness?.close();
    await jira?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const channelMessages = async (channel: string): Promise<Json[]> =>
    (await harness.request('GET', `/api/v1/channels/${channel}/messages`)).body.messages;
  const digestPost = (channel: string, title: string) =>
    eventually(
      async () =>
        (await channelMessages(channel)).find(
          (message) => message.skill === 'digest' && message.text.startsWith(`${title} digest: `),
        ),
      30_000,
      `the digest in #${channel}`,
    );
  const storedRun = async (id: string) => {
    const [row] = await harness.runtime.database.sql<Json>(
      `select r.status, r.figures, r.period_start, r.period_end from digest_runs r
         join schedules s on s.id = r.schedule_id where s.name = $1 order by r.created_at desc limit 1`,
      [id],
    );
    return row;
  };
  const finishedRun = (threadId: string, status: string) =>
    eventually(
      async () => {
        const runs = await harness.runtime.workflows.list('default', { limit: 50 });
        const run = runs.find(
          (entry) => entry.thread === threadId && entry.definition === 'provisioning.deploy',
        );
        return run?.finishedAt && run.status === status ? run : null;
      },
      45_000,
      `the deploy in ${threadId} to be ${status}`,
    );

  it('offers both kinds where Jira and provisioning are set up', async () => {
    const listed = await harness.request('GET', '/api/v1/digests');
    expect(listed.body.kinds.map((kind: Json) => kind.kind)).toEqual([
      'approvals',
      'deployments',
      'jira-sprint',
      'knowledge',
      'usage',
    ]);
    const help = await client.ask('alice', '/digest help');
    const table = help.task.replies[0].reply.blocks.find((block: Json) => block.type === 'table');
    expect(table.rows.map((row: string[]) => row[0])).toContain('jira-sprint');
    expect(table.rows.map((row: string[]) => row[0])).toContain('deployments');
  });

  it('posts the deployments of the period: runs and how they ended, a cluster about to expire, a lock', async () => {
    const deployed = await client.ask(
      'alice',
      '/deploy-cluster name=demo platform=k3s env=dev size=small ttl=3h',
    );
    // One after the other: a deploy holds its environment's lock while it runs.
    const demo = await finishedRun(deployed.threadId, 'succeeded');
    const broken = await client.ask(
      'alice',
      '/deploy-cluster name=broken-app platform=k3s env=dev size=small',
    );
    const failed = await finishedRun(broken.threadId, 'failed');
    const locked = await client.ask('bob', '/deploy-cluster lock prod release freeze ttl=2h');
    expect(locked.task.status).toBe('succeeded');
    // Once a year: the period (since January 1st) holds every run of this test, and a cluster expiring
    // within a week (the longest look ahead) is about to expire.
    const created = await harness.request('POST', '/api/v1/digests', {
      kind: 'deployments',
      when: '0 0 1 1 *',
      channel: 'deploys',
      timeZone: 'UTC',
    });
    expect(created.status).toBe(201);
    const id = String(created.body.digest.id);
    // demo's TTL started its expiry run: three runs started, one succeeded, one failed (offering a rollback).
    const expected = {
      started: 3,
      succeeded: 1,
      failed: 1,
      rolledBack: 0,
      cancelled: 0,
      expiringSoon: 1,
      locksHeld: 1,
    };
    expect(created.body.sample).toMatchObject({ quiet: false, figures: expected });
    expect((await harness.request('POST', `/api/v1/digests/${id}/run`)).status).toBe(202);
    const post = await digestPost('deploys', 'Deployments');
    expect(post.text).toMatch(
      /^Deployments digest: Provisioning runs: 3 started, 1 succeeded, 1 failed; 1 cluster expires within 7 days\. Locked: prod \(bob, until .+\)\.$/,
    );
    const tables = post.reply.blocks.filter((block: Json) => block.type === 'table');
    const runs = tables.find((table: Json) => table.columns[0] === 'Run').rows;
    const rowOf = (runId: string) => runs.find((row: string[]) => row[4] === runId.slice(-8));
    expect(rowOf(demo.id).slice(1, 3)).toEqual(['succeeded', 'alice']);
    expect(rowOf(failed.id)[1]).toMatch(/^failed: /);
    expect(runs).toHaveLength(3);
    const clusters = tables.find((table: Json) => table.columns[0] === 'Cluster').rows;
    expect(clusters.map((row: string[]) => [row[0], row[1], row[3]])).toEqual([
      ['demo (k3s, small)', 'dev', demo.id.slice(-8)],
    ]);
    const locks = tables.find((table: Json) => table.columns[0] === 'Locked environment').rows;
    expect(locks.map((row: string[]) => row.slice(0, 3))).toEqual([['prod', 'bob', 'release freeze']]);
    const stored = await eventually(async () => {
      const row = await storedRun(id);
      return row?.status === 'posted' ? row : null;
    });
    expect(stored.figures).toEqual(expected);
  });

  it('posts the board’s sprint: the numbers of /jira sprint, and the changes of the period from the same snapshot', async () => {
    const service = harness.runtime.jira as JiraService;
    const board = jira.world.boards[0]?.id ?? 0;
    const created = await harness.request('POST', '/api/v1/digests', {
      kind: 'jira-sprint',
      when: '0 0 1 1 *',
      channel: 'team',
      timeZone: 'UTC',
      options: { board: String(board) },
    });
    expect(created.status).toBe(201);
    const id = String(created.body.digest.id);
    expect(created.body.options).toMatchObject({ board: String(board), quiet: 'skip' });
    expect((await harness.request('POST', `/api/v1/digests/${id}/run`)).status).toBe(202);
    const post = await digestPost('team', 'Jira sprint');
    const stored = await eventually(async () => {
      const row = await storedRun(id);
      return row?.status === 'posted' ? row : null;
    });
    // The standing numbers are the sprint report's (nothing changes in the fake Jira during the test).
    const report = await service.report('default', { report: 'sprint', board }, {});
    const numbers = report.numbers as Json;
    expect(stored.figures).toMatchObject({
      committedPoints: numbers.committed.points,
      committedIssues: numbers.committed.issues,
      completedPoints: numbers.completed.points,
      remainingIssues: numbers.remaining.issues,
      daysLeft: numbers.days.left,
    });
    // The changes are the engine's for exactly the stored period, built again from the same source.
    const again = await buildJiraSprintDigest({
      tenantId: 'default',
      platform: 'api',
      channel: 'team',
      createdBy: 'test',
      period: { start: new Date(stored.period_start), end: new Date(stored.period_end), timeZone: 'UTC' },
      options: { board: String(board) },
      sources: { jira: jiraDigestSource(service, { tenantId: 'default', platform: 'api', channel: 'team' }) },
      log: silentLogger,
    });
    expect(stored.figures).toEqual(again.figures);
    expect(post.text).toBe(`Jira sprint digest: ${again.headline}`);
    expect(post.text).toContain(`*${numbers.sprint.name}* on ${numbers.board.name}`);
    const fields = post.reply.blocks.find((block: Json) => block.type === 'fields').fields;
    expect(fields.find((field: Json) => field.label === 'Committed').value).toBe(
      `${numbers.committed.issues} issues, ${numbers.committed.points} points`,
    );
    // Between the frame's header and footer, the post is the kind's content.
    expect(post.reply.blocks.slice(1, -1)).toEqual(again.blocks);
  });

  it('posts one line in chat for a period in which the sprint did not change (the channel’s default board)', async () => {
    // The fake Jira's history ends two hours ago: the last quarter of an hour holds no change.
    const added = await client.ask('alice', '/digest add jira-sprint every 15 minutes quiet=line');
    expect(added.task.status).toBe('succeeded');
    const reply = added.task.replies.at(-1);
    expect(reply.text).toMatch(/^Digest dg-[a-z2-9]{6} scheduled: jira-sprint every 15 minutes/);
    expect(JSON.stringify(reply.reply.blocks)).toContain('Sample, as it would read now:* No change in');
    const id = /dg-[a-z2-9]{6}/.exec(reply.text)?.[0] ?? '';
    expect((await client.ask('alice', `/digest run ${id}`)).task.status).toBe('succeeded');
    const post = await digestPost('ops', 'Jira sprint');
    expect(post.text).toMatch(
      /^Jira sprint digest: No change in \*.+\* on .+: \d+(\.\d)? of \d+(\.\d)? committed points done/,
    );
    expect(post.reply.blocks).toHaveLength(2);
    const stored = await eventually(async () => {
      const row = await storedRun(id);
      return row?.status === 'posted' ? row : null;
    });
    expect(stored.figures).toMatchObject({ doneInPeriod: 0, addedInPeriod: 0, removedInPeriod: 0 });
  });
});
