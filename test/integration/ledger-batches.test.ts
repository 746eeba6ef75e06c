import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownReply } from '../../src/core/reply.ts';
import type { Task } from '../../src/core/task.ts';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { MessageStore } from '../../src/db/message-store.ts';
import { TaskLedger } from '../../src/db/task-ledger.ts';
import { apiTask } from '../fixtures/tasks.ts';
import { createMigratedDatabase, type TestDatabase } from '../support/services.ts';

type DatabaseKind = 'postgresql' | 'pglite';

// The ledger's and the message store's hot statements are batched (calls made together share one
// statement); each caller must still get exactly what the one-task statement gave it.
describe.each<DatabaseKind>(['postgresql', 'pglite'])('batched ledger statements on %s', (kind) => {
  let database: Database;
  let created: TestDatabase | null = null;
  let ledger: TaskLedger;
  let messages: MessageStore;
  let statements = 0;
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await database.sql<{ count: string }>(sql, params))[0]?.count);

  beforeAll(async () => {
    if (kind === 'postgresql') {
      created = await createMigratedDatabase();
      database = await openDatabase({ kind: 'postgresql', url: created.url, poolMax: 4 });
    } else {
      database = await openDatabase({ kind: 'pglite', dataDir: 'memory://ledger-batches' });
      await database.migrate();
    }
    // Counts the statements the stores send, to see that calls made together share one.
    const counting: Database = {
      ...database,
      sql: (text, params) => {
        statements += 1;
        return database.sql(text, params);
      },
    };
    ledger = new TaskLedger(counting);
    messages = new MessageStore(counting);
  });
  afterAll(async () => {
    await database?.close();
    await created?.drop();
  });

  it('records tasks arriving together once each, with their threads and messages, duplicates answered with the first', async () => {
    // 30 events in 10 threads, and event e-0 delivered four more times in the same burst.
    const tasks = Array.from({ length: 30 }, (_, index) => apiTask(`e-${index}`, `t-${index % 10}`));
    const copies = Array.from({ length: 4 }, () => apiTask('e-0', 't-0'));
    statements = 0;
    const answers = await Promise.all(
      [...tasks, ...copies].map((task) => ledger.record(task, { id: randomUUID(), text: task.text })),
    );
    // One statement for the 30, then one per copy of e-0 (a source event appears once per batch).
    expect(statements).toBe(5);
    expect(answers.slice(0, 30).map((answer) => answer.created)).toEqual(tasks.map(() => true));
    expect(answers.slice(0, 30).map((answer) => answer.task.id)).toEqual(tasks.map((task) => task.id));
    for (const copy of answers.slice(30)) {
      expect(copy).toMatchObject({ created: false, status: 'queued' });
      expect(copy.task.id).toBe(tasks[0]?.id);
    }
    expect(await count(`select count(*) from tasks where source_event_id like 'e-%'`)).toBe(30);
    expect(await count(`select count(*) from conversations where thread like 't-%'`)).toBe(10);
    expect(
      await count(`select count(*) from messages where author_kind = 'user' and thread like 't-%'`),
    ).toBe(30);
  });

  it('starts and finishes tasks together, each once, and sticks each thread to its skill', async () => {
    const tasks = Array.from({ length: 12 }, (_, index) => apiTask(`s-${index}`, `s-thread-${index}`));
    await Promise.all(tasks.map((task) => ledger.record(task)));
    statements = 0;
    expect(await Promise.all(tasks.map((task) => ledger.start(task)))).toEqual(
      tasks.map(() => ({ started: true, attempt: 1 })),
    );
    expect(statements).toBe(1);
    await Promise.all(
      tasks.map((task, index) =>
        index % 3 === 0
          ? ledger.finish(task.id, 'failed', 'jira', { code: 'UPSTREAM_FAILED', message: 'Jira said 500' })
          : ledger.finish(task.id, 'succeeded', 'status', undefined, { task, skill: 'status' }),
      ),
    );
    const rows = await Promise.all(tasks.map((task) => ledger.get(task.id)));
    expect(rows.map((row) => row?.status)).toEqual(
      tasks.map((_, index) => (index % 3 === 0 ? 'failed' : 'succeeded')),
    );
    expect(rows[0]?.error).toEqual({ code: 'UPSTREAM_FAILED', message: 'Jira said 500' });
    expect(
      await count(`select count(*) from conversations where thread like 's-thread-%' and skill = 'status'`),
    ).toBe(8);
    // A duplicate job of a task that ended starts nothing.
    const ended = { started: false, reason: 'ended' };
    expect(await Promise.all(tasks.slice(0, 3).map((task) => ledger.start(task)))).toEqual([
      ended,
      ended,
      ended,
    ]);
  });

  // A job is enqueued while its record is being written, so a worker can meet it first.
  it.each([
    ['alone', 1],
    ['together', 3],
  ])('tells a task not recorded yet from the task of a duplicate event (%s)', async (_, size) => {
    const recorded = apiTask(`d-${size}`, `d-thread-${size}`);
    await ledger.record(recorded);
    const duplicate = apiTask(`d-${size}`, `d-thread-${size}`);
    const unknown = Array.from({ length: size }, (__, index) => apiTask(`u-${size}-${index}`, 'u-thread'));
    statements = 0;
    const answers = await Promise.all([duplicate, ...unknown].map((task) => ledger.start(task)));
    expect(statements).toBe(1);
    expect(answers).toEqual([
      { started: false, reason: 'superseded' },
      ...unknown.map(() => ({ started: false, reason: 'unrecorded' })),
    ]);
    // Once the record lands, the same job starts the task.
    await ledger.record(unknown[0] as Task);
    expect(await ledger.start(unknown[0] as Task)).toEqual({ started: true, attempt: 1 });
    expect(await count(`select count(*) from tasks where source_event_id = $1`, [`d-${size}`])).toBe(1);
  });

  it('stores bot replies together; a repeated delivery key returns the message stored first', async () => {
    const task = apiTask('r-0', 'r-thread');
    await ledger.record(task);
    const inputs = Array.from({ length: 6 }, (_, index) => ({
      id: randomUUID(),
      tenantId: 'local',
      platform: 'api' as const,
      channel: 'general',
      thread: 'r-thread',
      reply: markdownReply(`answer ${index % 3}`),
      skill: 'status',
      taskId: task.id,
      deliveryKey: `${task.id}:${index % 3}`,
    }));
    const stored = await Promise.all(inputs.map((input) => messages.insertBotMessage(input)));
    expect(stored.map((entry) => entry.created)).toEqual([true, true, true, false, false, false]);
    expect(stored[3]?.message.id).toBe(stored[0]?.message.id);
    expect(stored.map((entry) => entry.message.text)).toEqual(inputs.map((input) => input.reply.text));
    const thread = await messages.thread('local', 'api', 'general', 'r-thread');
    expect(thread.filter((message) => message.author.kind === 'bot').map((message) => message.text)).toEqual([
      'answer 0',
      'answer 1',
      'answer 2',
    ]);
  });
});
