import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skills as installedSkills } from '../../skills/index.ts';
import {
  ChatOpsError,
  type OutboundMessage,
  type Reply,
  type ReplyAddress,
  type Sender,
  type SentMessage,
} from '../../src/core/index.ts';
import { deliverDigest } from '../../src/digests/digest-delivery.ts';
import { TaskIntake } from '../../src/intake/task-intake.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { scheduleRunToTask } from '../../src/scheduler/schedule-run.ts';
import { digestDependencies, operatorDigests } from '../../src/wiring/digests.ts';
import { ticksSkill } from '../fixtures/skills/digest-fixtures.ts';
import { type Harness, startHarness } from '../support/harness.ts';

// The delivery engine against a platform that cannot be read back (Teams: the Bot Connector has no way to
// read a conversation), on real PostgreSQL: a send whose outcome is unknown is held, never posted twice; a
// send that surely failed is sent again; every outcome is recorded once per period.
const CHANNEL = '19:7d1f3bbd0b5a4c1e9c1f0a3f1d2e3c4b@thread.tacv2';

class ScriptedTeams implements Sender {
  readonly platform = 'teams' as const;
  readonly sent: { address: ReplyAddress; reply: Reply; message: OutboundMessage }[] = [];
  readonly outcomes: ('ok' | 'unknown' | 'not-sent')[] = [];

  async send(address: ReplyAddress, reply: Reply, message: OutboundMessage): Promise<SentMessage> {
    this.sent.push({ address, reply, message });
    const outcome = this.outcomes.shift() ?? 'ok';
    if (outcome === 'ok') return { platformMessageId: `1765${this.sent.length}` };
    throw new ChatOpsError(
      outcome === 'unknown' ? 'DEPENDENCY_UNAVAILABLE' : 'RATE_LIMITED',
      outcome === 'unknown' ? 'The Bot Connector did not answer (timeout).' : 'Teams is throttling the bot.',
      { details: { sendOutcome: outcome } },
    );
  }

  async update(): Promise<undefined> {
    return undefined;
  }
}

describe('digest delivery where the channel cannot be read back', () => {
  let harness: Harness;
  const teams = new ScriptedTeams();

  beforeAll(async () => {
    harness = await startHarness({ skills: [...installedSkills, ticksSkill], worker: false, gateway: false });
  });
  afterAll(async () => {
    await harness?.close();
  });

  function dependencies() {
    const { runtime } = harness;
    const base = digestDependencies(
      runtime,
      new TaskIntake(runtime.ledger, runtime.queue, runtime.metrics, silentLogger),
    );
    return { ...base, senders: new Map([['teams' as const, teams]]) };
  }

  async function teamsDigest(): Promise<string> {
    const port = operatorDigests(dependencies(), { tenantId: 'default', operator: 'test' });
    const added = await port.add({
      kind: 'ticks',
      when: 'every day at 9:00',
      timeZone: 'UTC',
      place: { platform: 'teams', channel: CHANNEL },
      options: {},
    });
    return added.digest?.id ?? '';
  }

  const runOf = async (id: string, period: string) =>
    (
      await harness.runtime.database.sql<{
        status: string;
        attempts: number;
        platform_message_id: string | null;
      }>(
        `select r.status, r.attempts, r.platform_message_id from digest_runs r join schedules s on s.id = r.schedule_id
          where s.name = $1 and r.period_key = $2`,
        [id, period],
      )
    )[0];

  it('holds a period whose send had an unknown outcome, and never posts it a second time', async () => {
    const id = await teamsDigest();
    const schedule = await harness.runtime.schedules.byName('default', id);
    const fired = new Date('2027-01-05T09:00:00.000Z');
    const { task } = scheduleRunToTask(schedule ?? (undefined as never), fired);
    teams.outcomes.push('unknown');
    const deps = dependencies();
    expect(await deliverDigest(task, deps)).toMatchObject({ outcome: 'held' });
    expect(await deliverDigest(task, deps)).toMatchObject({ outcome: 'held' });
    expect(teams.sent).toHaveLength(1);
    expect(teams.sent[0]?.message.marker).toEqual({
      type: 'chatops_digest',
      key: `${id}/${fired.toISOString()}`,
    });
    // The marker is also in the post itself, so people (and operators) can find it in the channel.
    expect(JSON.stringify(teams.sent[0]?.reply)).toContain(`ref ${id}/${fired.toISOString()}`);
    expect(await runOf(id, fired.toISOString())).toMatchObject({ status: 'unknown', attempts: 1 });
    const [listed] = await operatorDigests(deps, { tenantId: 'default', operator: 'test' }).list();
    expect(listed?.lastRun).toMatchObject({ status: 'unknown', periodEnd: fired.toISOString() });
  });

  it('sends again when the earlier send surely did not land, and records the post once', async () => {
    const id = await teamsDigest();
    const schedule = await harness.runtime.schedules.byName('default', id);
    const fired = new Date('2027-01-06T09:00:00.000Z');
    const { task } = scheduleRunToTask(schedule ?? (undefined as never), fired);
    const before = teams.sent.length;
    teams.outcomes.push('not-sent');
    const deps = dependencies();
    await expect(deliverDigest(task, deps)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(await runOf(id, fired.toISOString())).toMatchObject({ status: 'claimed', attempts: 1 });
    expect(await deliverDigest(task, deps)).toMatchObject({ outcome: 'posted' });
    expect(await deliverDigest(task, deps)).toMatchObject({ outcome: 'already-posted' });
    expect(teams.sent.length - before).toBe(2);
    // Both attempts carried the same message (same id and content): a retry is the same post, not a new one.
    const [first, second] = teams.sent.slice(before);
    expect(second?.message.id).toBe(first?.message.id);
    expect(await runOf(id, fired.toISOString())).toMatchObject({ status: 'posted', attempts: 2 });
  });
});
