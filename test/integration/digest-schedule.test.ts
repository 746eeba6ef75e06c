import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { skills as installedSkills } from '../../skills/index.ts';
import type { DigestsPort } from '../../src/core/index.ts';
import { TaskIntake } from '../../src/intake/task-intake.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { CronSlots } from '../../src/scheduler/cron-slots.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { digestDependencies, operatorDigests } from '../../src/wiring/digests.ts';
import { ticksSkill } from '../fixtures/skills/digest-fixtures.ts';
import {
  BOT_TOKEN,
  CHANNEL,
  encode,
  SIGNING_SECRET,
  signedHeaders,
  slashCommand,
} from '../fixtures/slack/payloads.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

// Scheduled digests to a fake Slack (held to Slack's spec) through real PostgreSQL, Redis and the worker,
// driven by scheduler replicas on a fake clock: one post per channel and period across replicas and a
// daylight-saving change; one catch-up post per schedule after a scheduler outage, not one per missed
// fire time; exactly one message when Slack takes a post but its answer is lost.
const HOUR = 3_600_000;

class FakeClock {
  #now: Date;
  constructor(start: string) {
    this.#now = new Date(start);
  }
  now(): Date {
    return new Date(this.#now);
  }
  set(iso: string | Date): void {
    this.#now = new Date(iso);
  }
}

describe('scheduled digests, exactly once', () => {
  let harness: Harness;
  let slack: FakeSlack;
  let digests: DigestsPort;
  const replicas: Scheduler[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack();
    harness = await startHarness({
      skills: [...installedSkills, ticksSkill],
      env: {
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: slack.url,
        SLACK_CHANNEL_POST_INTERVAL_MS: '1',
        TASK_BACKOFF_MS: '100',
      },
    });
    const { runtime } = harness;
    const intake = new TaskIntake(runtime.ledger, runtime.queue, runtime.metrics, silentLogger);
    digests = operatorDigests(digestDependencies(runtime, intake), { tenantId: 'default', operator: 'test' });
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await harness?.close();
    await slack?.close();
  });
  beforeEach(async () => {
    // Each case starts with no schedules: a replica arms every enabled schedule, earlier cases' included.
    for (const replica of replicas.splice(0)) await replica.close();
    await harness.runtime.database.sql('delete from schedules');
  });

  function replica(clock: FakeClock): Scheduler {
    const { runtime } = harness;
    const scheduler = new Scheduler({
      store: runtime.schedules,
      intake: new TaskIntake(runtime.ledger, runtime.queue, runtime.metrics, silentLogger),
      log: silentLogger,
      reloadIntervalMs: HOUR,
      catchUpWindowMs: 6 * HOUR,
      clock,
      manualTicks: true,
    });
    replicas.push(scheduler);
    return scheduler;
  }

  /** Adds a digest as if it had been made at `madeAt` on the fake clock (fire times before it never run). */
  async function digest(when: string, timeZone: string, channel: string, madeAt: string): Promise<string> {
    const added = await digests.add({
      kind: 'ticks',
      when,
      timeZone,
      place: { platform: 'slack', channel },
      options: {},
    });
    const id = added.digest?.id ?? '';
    await harness.runtime.database.sql('update schedules set updated_at = $2 where name = $1', [id, madeAt]);
    return id;
  }

  /**
   * The delivery keys of the digests in a Slack channel, from the message metadata Slack stores, sorted:
   * the worker runs due digests side by side, so their posts may arrive in any order.
   */
  const keysIn = (channel: string) =>
    (slack.history.get(channel) ?? []).map((message) => String(message.metadata?.event_payload.key)).sort();

  /** Waits until these digests have `expectedPosts` posted runs and no task is left to run. */
  async function settled(ids: string[], expectedPosts: number): Promise<void> {
    await eventually(
      async () => {
        const rows = await harness.runtime.database.sql<{ posted: string; open: string }>(
          `select (select count(*) from digest_runs r join schedules s on s.id = r.schedule_id
                    where s.name = any($1::text[]) and r.status = 'posted')::text as posted,
                  (select count(*) from tasks where status in ('queued', 'running'))::text as open`,
          [ids],
        );
        return Number(rows[0]?.posted) >= expectedPosts && rows[0]?.open === '0';
      },
      90_000,
      `${expectedPosts} digests posted`,
    );
  }

  it('posts one digest per channel per period with two scheduler replicas, across a daylight-saving change', async () => {
    const start = '2027-03-26T12:00:00.000Z';
    const end = '2027-03-29T12:00:00.000Z';
    const clock = new FakeClock(start);
    const daily = await digest('every day at 9:00', 'Europe/Berlin', 'C0DAILY0001', start);
    const night = await digest('every day at 2:30', 'Europe/Berlin', 'C0NIGHT0001', start);
    const hourly = await digest('every hour', 'Europe/Berlin', 'C0HOURL0001', start);
    const [first, second] = [replica(clock), replica(clock)];
    await Promise.all([first.start(), second.start()]);
    for (let at = Date.parse(start); at <= Date.parse(end); at += HOUR / 2) {
      clock.set(new Date(at));
      await Promise.all([first.tick(), second.tick()]);
    }
    const hourlySlots = new CronSlots('0 * * * *', 'Europe/Berlin')
      .nextRuns(new Date(start), 100)
      .filter((slot) => slot.getTime() <= Date.parse(end));
    await settled([daily, night, hourly], 6 + hourlySlots.length);
    // 09:00 Berlin is 08:00 UTC before the change (28 March 2027, 02:00 → 03:00) and 07:00 after.
    expect(keysIn('C0DAILY0001')).toEqual([
      `${daily}/2027-03-27T08:00:00.000Z`,
      `${daily}/2027-03-28T07:00:00.000Z`,
      `${daily}/2027-03-29T07:00:00.000Z`,
    ]);
    // 02:30 does not exist on the night of the change: it runs once, at 03:30 CEST (01:30 UTC).
    expect(keysIn('C0NIGHT0001')).toEqual([
      `${night}/2027-03-27T01:30:00.000Z`,
      `${night}/2027-03-28T01:30:00.000Z`,
      `${night}/2027-03-29T00:30:00.000Z`,
    ]);
    const hourlyKeys = keysIn('C0HOURL0001');
    expect(hourlyKeys).toHaveLength(hourlySlots.length);
    expect(new Set(hourlyKeys).size).toBe(hourlySlots.length);
    expect(hourlyKeys).toEqual(hourlySlots.map((slot) => `${hourly}/${slot.toISOString()}`).sort());
    // One task per fire time: the replicas built the same task and the ledger kept one.
    const tasks = await harness.runtime.database.sql<{ count: string }>(
      "select count(*)::text as count from tasks where platform = 'scheduler'",
    );
    expect(Number(tasks[0]?.count)).toBe(6 + hourlySlots.length);
  }, 180_000);

  it('posts 02:30 once on the night clocks go back, and hourly digests every real hour, with two replicas', async () => {
    const start = '2027-10-30T22:00:00.000Z';
    const end = '2027-10-31T04:00:00.000Z';
    const clock = new FakeClock(start);
    const night = await digest('every day at 2:30', 'Europe/Berlin', 'C0FALLS0001', start);
    const hourly = await digest('every hour', 'Europe/Berlin', 'C0FALLH0001', start);
    const [first, second] = [replica(clock), replica(clock)];
    await Promise.all([first.start(), second.start()]);
    for (let at = Date.parse(start); at <= Date.parse(end); at += HOUR / 4) {
      clock.set(new Date(at));
      await Promise.all([second.tick(), first.tick()]);
    }
    await settled([night, hourly], 1 + 6);
    // 02:30 happens twice (CEST, then CET): the digest runs at the first one only.
    expect(keysIn('C0FALLS0001')).toEqual([`${night}/2027-10-31T00:30:00.000Z`]);
    // Every real hour, the repeated one included, each once.
    expect(keysIn('C0FALLH0001')).toEqual(
      [
        '2027-10-30T23:00',
        '2027-10-31T00:00',
        '2027-10-31T01:00',
        '2027-10-31T02:00',
        '2027-10-31T03:00',
        '2027-10-31T04:00',
      ].map((slot) => `${hourly}/${slot}:00.000Z`),
    );
  }, 120_000);

  it('posts one catch-up digest per schedule after a scheduler outage, and skips fire times past the window', async () => {
    const start = '2027-05-03T08:30:00.000Z';
    const clock = new FakeClock(start);
    const hourly = await digest('every hour', 'UTC', 'C0CATCH0001', start);
    const early = await digest('0 4 * * *', 'UTC', 'C0EARLY0001', start);
    const running = replica(clock);
    await running.start();
    clock.set('2027-05-03T09:00:00.000Z');
    await running.tick();
    await running.close();
    // No scheduler from 09:00 to 11:40: the 10:00 and 11:00 fire times are missed. Two come back at once.
    clock.set('2027-05-03T11:40:00.000Z');
    const [back, again] = [replica(clock), replica(clock)];
    await Promise.all([back.start(), again.start()]);
    clock.set('2027-05-03T12:00:00.000Z');
    await Promise.all([back.tick(), again.tick()]);
    // The daily 04:00 of the next day is missed by more than the six-hour window when they return at 10:30.
    await Promise.all([back.close(), again.close()]);
    clock.set('2027-05-04T10:30:00.000Z');
    const late = replica(clock);
    await late.start();
    await settled([hourly, early], 4);
    expect(keysIn('C0CATCH0001')).toEqual([
      `${hourly}/2027-05-03T09:00:00.000Z`,
      `${hourly}/2027-05-03T11:00:00.000Z`,
      `${hourly}/2027-05-03T12:00:00.000Z`,
      `${hourly}/2027-05-04T10:00:00.000Z`,
    ]);
    const catchUp = slack.history
      .get('C0CATCH0001')
      ?.find((message) => message.metadata?.event_payload.key === `${hourly}/2027-05-03T11:00:00.000Z`);
    expect(JSON.stringify(catchUp?.blocks)).toContain('sent late: no scheduler was running at its time');
    // The catch-up covers everything since the last digest (09:00), the missed 10:00 period included.
    expect(catchUp?.text).toBe('Ticks digest: Covers 2027-05-03T09:00:00.000Z → 2027-05-03T11:00:00.000Z.');
    // 04:00 on 3 May was before the digest existed; 04:00 on 4 May is 6.5 hours old at 10:30: skipped.
    expect(keysIn('C0EARLY0001')).toEqual([]);
    expect(early).toMatch(/^dg-/);
  }, 120_000);

  it('schedules from a Slack slash command in the person’s zone from their Slack profile', async () => {
    const { body, contentType } = encode(slashCommand('/digest', 'add usage every day at 9:00'));
    const answer = await harness.request('POST', '/slack/events', body, signedHeaders(body, contentType));
    expect(answer.status).toBe(200);
    const reply = await eventually(
      async () =>
        slack
          .callsOf('chat.postMessage')
          .find((call) => call.args.channel === CHANNEL && String(call.args.text).startsWith('Digest dg-')),
      30_000,
      'the preview in Slack',
    );
    expect(String(reply.args.text)).toMatch(
      /^Digest dg-[a-z2-9]{6} scheduled: usage every day at 09:00 \(America\/Los_Angeles\), here\. Next: /,
    );
    expect(slack.callsOf('users.info').length).toBeGreaterThan(0);
  }, 60_000);

  it('leaves exactly one message when Slack takes a post but its answer is lost', async () => {
    const start = '2027-06-01T08:59:00.000Z';
    const clock = new FakeClock(start);
    const id = await digest('every day at 9:00', 'UTC', 'C0DROPS0001', start);
    const scheduler = replica(clock);
    await scheduler.start();
    slack.dropResponses('chat.postMessage', 1);
    clock.set('2027-06-01T09:00:00.000Z');
    await scheduler.tick();
    await eventually(
      async () => {
        const rows = await harness.runtime.database.sql<{
          status: string;
          platform_message_id: string | null;
        }>(
          `select r.status, r.platform_message_id from digest_runs r join schedules s on s.id = r.schedule_id
            where s.name = $1`,
          [id],
        );
        return rows[0]?.status === 'posted' ? rows[0] : null;
      },
      30_000,
      'the digest to be recorded as posted',
    );
    const inChannel = slack.history.get('C0DROPS0001') ?? [];
    expect(inChannel).toHaveLength(1);
    expect(
      slack.callsOf('chat.postMessage').filter((call) => call.args.channel === 'C0DROPS0001'),
    ).toHaveLength(1);
    const lookups = slack
      .callsOf('conversations.history')
      .filter((call) => call.args.channel === 'C0DROPS0001');
    expect(lookups.length).toBeGreaterThanOrEqual(1);
    expect(lookups[0]?.args).toMatchObject({ include_all_metadata: 'true' });
    const [run] = await harness.runtime.database.sql<{ platform_message_id: string; attempts: number }>(
      `select r.platform_message_id, r.attempts from digest_runs r join schedules s on s.id = r.schedule_id
        where s.name = $1`,
      [id],
    );
    expect(run?.platform_message_id).toBe(inChannel[0]?.ts);
    expect(run?.attempts).toBe(1);
  }, 60_000);

  it('posts again, once, when the lost answer belonged to a post Slack never took', async () => {
    const start = '2027-07-01T08:59:00.000Z';
    const clock = new FakeClock(start);
    const id = await digest('every day at 9:00', 'UTC', 'C0LOSTS0001', start);
    const scheduler = replica(clock);
    await scheduler.start();
    slack.dropRequests('chat.postMessage', 1);
    clock.set('2027-07-01T09:00:00.000Z');
    await scheduler.tick();
    await eventually(async () => (slack.history.get('C0LOSTS0001') ?? []).length === 1, 30_000, 'the post');
    await eventually(async () => {
      const rows = await harness.runtime.database.sql<{ status: string }>(
        'select r.status from digest_runs r join schedules s on s.id = r.schedule_id where s.name = $1',
        [id],
      );
      return rows[0]?.status === 'posted';
    });
    expect(slack.history.get('C0LOSTS0001')).toHaveLength(1);
    expect(slack.callsOf('conversations.history').some((call) => call.args.channel === 'C0LOSTS0001')).toBe(
      true,
    );
  }, 60_000);
});
