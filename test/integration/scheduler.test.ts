import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskIntake } from '../../src/intake/task-intake.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { schedulesPort } from '../../src/scheduler/schedules-port.ts';
import { type DatabaseKind, type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

// Two scheduler replicas on one schedule that fires every second: each fire time becomes one task and one
// reply, whichever replica got there first. Real Redis, real worker, both database drivers.
describe.each<DatabaseKind>(['postgresql', 'pglite'])('scheduler on %s', (database) => {
  let harness: Harness;
  const replicas: Scheduler[] = [];

  beforeAll(async () => {
    harness = await startHarness({ database });
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await harness?.close();
  });

  function replica(fired: string[]): Scheduler {
    const { runtime } = harness;
    const scheduler = new Scheduler({
      store: runtime.schedules,
      intake: new TaskIntake(runtime.ledger, runtime.queue, runtime.metrics, silentLogger),
      log: silentLogger,
      reloadIntervalMs: 60_000,
      catchUpWindowMs: 6 * 3_600_000,
      onFired: (_schedule, fireTime) => fired.push(fireTime.toISOString()),
    });
    replicas.push(scheduler);
    return scheduler;
  }

  it('runs each fire time once across two replicas, in a thread of its own', async () => {
    const port = schedulesPort(harness.runtime.schedules, harness.runtime.catalog);
    const saved = await port.upsert({
      name: 'every-second-status',
      tenantId: 'default',
      cron: '* * * * * *',
      timezone: 'UTC',
      platform: 'api',
      channel: 'ops',
      command: 'status',
      text: '',
      args: {},
      createdBy: 'alice',
      enabled: true,
    });
    expect(saved.nextRunAt).not.toBeNull();
    const firedByFirst: string[] = [];
    const firedBySecond: string[] = [];
    const first = replica(firedByFirst);
    const second = replica(firedBySecond);
    await Promise.all([first.start(), second.start()]);
    await eventually(async () => firedByFirst.length >= 3 && firedBySecond.length >= 3, 15_000, 'fires');
    await port.upsert({ ...saved, enabled: false });
    await Promise.all([first.reload(), second.reload()]);
    expect(first.armedCount + second.armedCount).toBe(0);

    const fireTimes = [...new Set([...firedByFirst, ...firedBySecond])];
    const tasks = await eventually(
      async () => {
        const rows = await harness.runtime.database.sql<{
          source_event_id: string;
          status: string;
          id: string;
        }>(`select id, source_event_id, status from tasks where platform = 'scheduler'`);
        return rows.length >= fireTimes.length && rows.every((row) => row.status === 'succeeded')
          ? rows
          : null;
      },
      20_000,
      'the scheduled runs to finish',
    );
    // One task per fire time, never two: the replicas built the same task and the ledger kept one.
    expect(tasks).toHaveLength(fireTimes.length);
    expect(new Set(tasks.map((row) => row.source_event_id)).size).toBe(fireTimes.length);

    for (const row of tasks) {
      const { body } = await harness.request('GET', `/api/v1/tasks/${row.id}`);
      expect(body).toMatchObject({ status: 'succeeded', skill: 'status', kind: 'schedule' });
      expect(body.replies).toHaveLength(1);
      const thread = await harness.request('GET', `/api/v1/threads/${body.threadId}/messages`);
      expect(
        thread.body.messages.map((message: { author: { kind: string } }) => message.author.kind),
      ).toEqual(['user', 'bot']);
      expect(thread.body.messages[0].text).toBe('⏰ /status (schedule every-second-status)');
    }
    const [stored] = await port.list('default', { platform: 'api', channel: 'ops' });
    expect(stored).toMatchObject({ name: 'every-second-status', enabled: false, nextRunAt: null });
    expect(stored?.lastRunAt).not.toBeNull();
  });

  it('re-arms a schedule whose cron changed and drops one that was removed', async () => {
    const port = schedulesPort(harness.runtime.schedules, harness.runtime.catalog);
    const scheduler = replica([]);
    await port.upsert({
      name: 'nightly',
      tenantId: 'default',
      cron: '0 3 * * *',
      timezone: 'Europe/Berlin',
      platform: 'api',
      channel: 'ops',
      command: 'status',
      text: '',
      args: {},
      createdBy: 'alice',
      enabled: true,
    });
    await scheduler.start();
    expect(scheduler.armedCount).toBe(1);
    const [before] = await port
      .list('default', { channel: 'ops' })
      .then((all) => all.filter((s) => s.name === 'nightly'));
    await port.upsert({ ...(before as NonNullable<typeof before>), cron: '30 4 * * *' });
    await scheduler.reload();
    expect(scheduler.armedCount).toBe(1);
    const [after] = (await port.list('default')).filter((s) => s.name === 'nightly');
    expect(after?.nextRunAt).not.toBe(before?.nextRunAt);
    expect(await port.remove('default', 'nightly', 'alice')).toBe(true);
    await scheduler.reload();
    expect(scheduler.armedCount).toBe(0);
    const audit = await harness.runtime.database.sql<{ action: string; actor: string }>(
      `select action, actor from audit_log where target = 'nightly' order by id`,
    );
    expect(audit).toEqual([
      { action: 'schedule-saved', actor: 'alice' },
      { action: 'schedule-saved', actor: 'alice' },
      { action: 'schedule-removed', actor: 'alice' },
    ]);
  });
});
