import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/core/ids.ts';
import { TASK_VERSION, type Task } from '../../src/core/task.ts';
import { TaskIntake } from '../../src/intake/task-intake.ts';
import { MemorySchedules } from '../fakes/memory-schedules.ts';
import { type DatabaseKind, type Harness, startHarness } from '../support/harness.ts';
import { FORMATS } from '../support/knowledge.ts';
import { allowingOnly, fakeResolver, localServer } from '../support/local-server.ts';
import { eventually } from '../support/services.ts';

// The knowledge skill through the real gateway, queue and worker: /ask and free text answered with
// citations, 👍/👎 stored with question, answer and sources, a shared channel answered only from what
// every member may read (with a private answer on request), files shared in a thread added with /kb add,
// and the REST API: search, ask, queued ingests, scheduled re-syncs.
describe.each<DatabaseKind>(['postgresql', 'pglite'])('knowledge in chat (%s)', (database) => {
  let harness: Harness;
  let files: Awaited<ReturnType<typeof localServer>>;
  const schedules = new MemorySchedules();
  let folder: string;

  beforeAll(async () => {
    files = await localServer((req, res) => {
      if (req.url === '/files/expenses.md') {
        res
          .writeHead(200, { 'content-type': 'text/markdown' })
          .end('# Expenses\n\nMeals on business trips are reimbursed up to 60 euros a day.\n');
      } else if (req.url === '/files/guide.html') {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<h1>Style guide</h1><p>Headlines use sentence case, never title case.</p>');
      } else res.writeHead(404).end();
    });
    harness = await startHarness({
      database,
      schedules,
      knowledgeDownload: {
        resolver: fakeResolver({ localhost: ['127.0.0.1'] }),
        policy: allowingOnly(files.port),
      },
    });
    const { knowledge, directory } = harness.runtime;
    await knowledge.ingest(await knowledge.ensureCollection('default', 'handbook'), FORMATS, {
      allowPath: true,
    });
    folder = mkdtempSync(join(tmpdir(), 'kb-chat-'));
    writeFileSync(
      join(folder, 'vault.md'),
      '# Vault\n\nThe launch code for the vault is 7741; only SRE may know it.\n',
    );
    const sre = await knowledge.createCollection('default', 'sre-only', {
      access: { visibility: 'restricted', channels: [], roles: ['sre'], editorRoles: [] },
    });
    await knowledge.ingest(sre, folder, { allowPath: true });
    await directory.grantRole({ tenantId: 'default', platform: 'api', externalId: 'alice' }, 'sre', 'test');
  });
  afterAll(async () => {
    await harness?.close();
    await files?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  async function finished(taskId: string) {
    return eventually(
      async () => {
        const { body } = await harness.request('GET', `/api/v1/tasks/${taskId}`);
        return ['succeeded', 'failed'].includes(body.status) ? body : undefined;
      },
      30_000,
      `task ${taskId}`,
    );
  }

  async function say(user: string, text: string, extra: Record<string, unknown> = {}, channel = 'general') {
    const posted = await harness.request('POST', '/api/v1/messages', { channel, user, text, ...extra });
    expect(posted.status).toBe(202);
    return { ...(await finished(posted.body.taskId)), threadId: posted.body.threadId };
  }

  async function click(messageId: string, actionId: string, user: string) {
    const clicked = await harness.request('POST', '/api/v1/actions', { messageId, actionId, user });
    expect(clicked.status).toBe(202);
    return finished(clicked.body.taskId);
  }

  const markdownOf = (reply: { reply: { blocks: { type: string; text?: string }[] } }) =>
    reply.reply.blocks
      .filter((block) => block.type === 'markdown')
      .map((block) => block.text)
      .join('\n');

  it('answers /ask with citations and sources, and stores a 👍 with the question, the answer and the sources', async () => {
    const task = await say('alice', '/ask how do I roll back a bad release?');
    expect(task).toMatchObject({ status: 'succeeded', skill: 'knowledge' });
    const answer = task.replies.at(-1);
    expect(markdownOf(answer)).toMatch(/kubectl rollout undo deployment\/web.*\[1\]/);
    expect(markdownOf(answer)).toContain('*Sources*\n[1] Deploy guide › Rollback');
    expect(answer.reply.feedback).toBe(true);
    expect(answer.actions.map((action: { id: string }) => action.id)).toEqual([
      'feedback.up',
      'feedback.down',
    ]);
    const vote = await click(answer.id, 'feedback.up', 'bob');
    expect(vote).toMatchObject({ status: 'succeeded', skill: 'knowledge' });
    expect(vote.replies[0].reply).toMatchObject({ visibility: 'ephemeral', ephemeralUser: 'bob' });
    await click(answer.id, 'feedback.down', 'bob');
    const { body } = await harness.request('GET', '/api/v1/kb/feedback');
    expect(body.feedback).toEqual([
      expect.objectContaining({
        messageId: answer.id,
        userId: 'bob',
        vote: 'down',
        question: 'how do I roll back a bad release?',
        answer: expect.stringContaining('kubectl rollout undo'),
        sources: expect.arrayContaining([
          expect.objectContaining({ number: 1, title: 'Deploy guide', collection: 'handbook' }),
        ]),
      }),
    ]);
  });

  it('gets questions in free text from the router', async () => {
    const task = await say('carol', 'where is the runbook for PagerDuty paging?');
    expect(task).toMatchObject({ status: 'succeeded', skill: 'knowledge' });
    expect(markdownOf(task.replies.at(-1))).toContain('PagerDuty');
  });

  it('answers a shared channel only from what every member may read, and the asker privately on request', async () => {
    await say('bob', 'hi all', {}, 'general');
    const task = await say('alice', '/ask what is the launch code for the vault?');
    const answer = task.replies.at(-1);
    expect(JSON.stringify(answer.reply)).not.toContain('7741');
    expect(answer.actions.map((action: { id: string }) => action.id)).toContain('knowledge.private');
    const privately = await click(answer.id, 'knowledge.private', 'alice');
    const reply = privately.replies.at(-1).reply;
    expect(reply).toMatchObject({ visibility: 'ephemeral', ephemeralUser: 'alice' });
    expect(JSON.stringify(reply)).toContain('7741');
    // Someone without the role gets nothing restricted from the same button.
    const bobs = await click(answer.id, 'knowledge.private', 'bob');
    expect(JSON.stringify(bobs.replies.at(-1).reply)).not.toContain('7741');
  });

  it('adds files shared in a thread with /kb add, readable in that channel only', async () => {
    const shared = await say(
      'dana',
      'our expense policy',
      {
        files: [
          {
            name: 'expenses.md',
            url: `http://localhost:${files.port}/files/expenses.md`,
            mimeType: 'text/markdown',
          },
        ],
      },
      'finance',
    );
    const added = await say(
      'dana',
      '/kb add collection=finance-docs',
      { threadId: shared.threadId },
      'finance',
    );
    expect(added).toMatchObject({ status: 'succeeded', skill: 'knowledge' });
    expect(added.replies.at(-1).text).toMatch(/^Added to \*finance-docs\*: 1 added/);
    const inFinance = await say(
      'dana',
      '/ask how much are meals reimbursed on business trips?',
      {},
      'finance',
    );
    expect(markdownOf(inFinance.replies.at(-1))).toContain('60 euros');
    const elsewhere = await say(
      'dana',
      '/ask how much are meals reimbursed on business trips?',
      {},
      'random',
    );
    expect(JSON.stringify(elsewhere.replies.at(-1).reply)).not.toContain('60 euros');
    // Chat through the REST API is chat like any other: from a channel that may not read the collection,
    // nobody adds to it (the API used to count as an operator here).
    const intruder = await say(
      'mallory',
      `/kb ingest http://localhost:${files.port}/files/guide.html collection=finance-docs`,
      {},
      'random',
    );
    expect(intruder).toMatchObject({ status: 'failed', error: { code: 'FORBIDDEN' } });
    expect(intruder.replies.at(-1).text).toContain('may not add documents to "finance-docs"');
    // An operator's queued ingest (POST /api/v1/kb/ingest) was authorised where it was accepted.
    const operator = await harness.request('POST', '/api/v1/kb/ingest', {
      collection: 'finance-docs',
      source: `http://localhost:${files.port}/files/guide.html`,
    });
    expect(operator.status).toBe(202);
    expect(await finished(operator.body.taskId)).toMatchObject({ status: 'succeeded' });
  });

  it('searches and answers over REST, as an operator or as a place', async () => {
    const asPlace = await harness.request('POST', '/api/v1/kb/search', {
      query: 'launch code vault',
      channel: 'general',
    });
    expect(asPlace.status).toBe(200);
    expect(asPlace.body.results.map((result: { collection: string }) => result.collection)).not.toContain(
      'sre-only',
    );
    const asOperator = await harness.request('POST', '/api/v1/kb/search', {
      query: 'launch code vault',
      k: 2,
    });
    expect(asOperator.body.results[0]).toMatchObject({
      rank: 1,
      collection: 'sre-only',
      title: 'Vault',
      headingPath: ['Vault'],
    });
    expect(asOperator.body.results[0].snippet).toContain('7741');
    const asked = await harness.request('POST', '/api/v1/kb/ask', {
      question: 'how do I roll back a bad release?',
    });
    expect(asked.body).toMatchObject({ mode: 'extractive' });
    expect(asked.body.sources[0]).toMatchObject({ rank: 1, title: 'Deploy guide' });
    const bad = await harness.request('POST', '/api/v1/kb/search', { query: 'x', k: 500, bogus: true });
    expect(bad.status).toBe(400);
    const collections = await harness.request('GET', '/api/v1/kb/collections');
    expect(collections.body.collections.map((collection: { name: string }) => collection.name)).toEqual(
      expect.arrayContaining(['handbook', 'sre-only', 'finance-docs']),
    );
  });

  it('queues ingests as tasks with progress, refuses unsafe sources, and schedules re-syncs', async () => {
    const queued = await harness.request('POST', '/api/v1/kb/ingest', {
      collection: 'web',
      source: `http://localhost:${files.port}/files/guide.html`,
    });
    expect(queued.status).toBe(202);
    const job = await finished(queued.body.taskId);
    expect(job).toMatchObject({ status: 'succeeded', skill: 'knowledge', channel: 'kb-jobs' });
    expect(job.replies.at(-1).text).toMatch(/^Ingested into \*web\*: 1 added/);
    for (const source of ['file:///etc/passwd', '/etc/passwd', 'http://169.254.169.254/latest/meta-data/']) {
      const refused = await harness.request('POST', '/api/v1/kb/ingest', { collection: 'web', source });
      if (source.startsWith('http')) {
        const failed = await finished(refused.body.taskId);
        expect(failed.status, source).toBe('failed');
        expect(failed.error.code).toBe('FORBIDDEN');
      } else expect(refused.status, source).toBe(403);
    }
    const scheduled = await harness.request('PUT', '/api/v1/kb/collections/web/schedule', {
      cron: '0 3 * * *',
    });
    expect(scheduled.status).toBe(200);
    expect([...schedules.schedules.values()]).toEqual([
      expect.objectContaining({
        name: 'kb-sync-web',
        command: 'kb',
        text: 'sync',
        args: { collection: 'web' },
        platform: 'api',
        channel: 'kb-jobs',
      }),
    ]);
    // What the scheduler enqueues at a fire time: the re-sync runs and reports in its channel.
    const fire: Task = {
      v: TASK_VERSION,
      id: uuidv7(),
      tenantId: 'default',
      platform: 'api',
      kind: 'schedule',
      user: { id: 'scheduler', name: 'scheduler' },
      channel: 'kb-jobs',
      thread: 'kb-sync-web',
      text: 'sync',
      command: 'kb',
      args: { collection: 'web' },
      replyTo: { platform: 'api', tenantId: 'default', channel: 'kb-jobs', thread: 'kb-sync-web' },
      sourceEventId: `kb-sync-web-${Date.now()}`,
      receivedAt: new Date().toISOString(),
    };
    const { runtime } = harness;
    await new TaskIntake(runtime.ledger, runtime.queue, runtime.metrics, runtime.log).accept(fire);
    const synced = await finished(fire.id);
    expect(synced.replies.at(-1).text).toMatch(/^Re-synced \*web\*: 0 added, 0 updated, 1 unchanged/);
  });
});
