import { describe, expect, it } from 'vitest';
import { skills } from '../../skills/index.ts';
import { toJobId } from '../../src/core/ids.ts';
import { SkillCatalog } from '../../src/core/skill-catalog.ts';
import { parseTask } from '../../src/core/task.ts';
import type { StoredSchedule } from '../../src/db/schedule-store.ts';
import { checkScheduleDefinition } from '../../src/scheduler/schedule-definition.ts';
import { scheduleRunToTask } from '../../src/scheduler/schedule-run.ts';
import { nextRunOf } from '../../src/scheduler/schedules-port.ts';
import { fixtureSkills } from '../fixtures/skills/manifests.ts';

const schedule: StoredSchedule = {
  id: '0190f3a2-0000-7000-8000-000000000001',
  tenantId: 'acme',
  name: 'weekly-report',
  cron: '0 9 * * 1',
  timezone: 'Europe/Berlin',
  platform: 'api',
  channel: 'ops',
  command: 'report',
  text: 'for the on-call team',
  args: { period: 'week' },
  createdBy: 'alice',
  enabled: true,
  lastRunAt: null,
  updatedAt: '2026-12-01T10:00:00.000Z',
};

describe('a schedule run as a task', () => {
  const fired = new Date('2026-12-07T08:00:00.000Z');

  it('is a valid command task acting as the schedule creator, in a new thread', () => {
    const { task, message } = scheduleRunToTask(schedule, fired);
    expect(parseTask(task)).toEqual(task);
    expect(task).toMatchObject({
      platform: 'scheduler',
      kind: 'schedule',
      command: 'report',
      args: { period: 'week' },
      text: 'for the on-call team',
      user: { id: 'alice' },
      channel: 'ops',
      thread: message?.id,
      replyTo: { platform: 'api', tenantId: 'acme', channel: 'ops', thread: message?.id },
      schedule: { id: schedule.id, name: 'weekly-report', fireTime: fired.toISOString(), catchUp: false },
      receivedAt: fired.toISOString(),
    });
    expect(message?.text).toBe('⏰ /report period=week for the on-call team (schedule weekly-report)');
  });

  it('leaves out the opening line of a digest, which is its own thread root', () => {
    const digest = {
      ...schedule,
      command: 'digest',
      args: { kind: 'approvals', when: 'every Monday at 09:00' },
    };
    const { task, message } = scheduleRunToTask(digest, fired, { catchUp: true });
    expect(message).toBeUndefined();
    expect(task.schedule).toMatchObject({ catchUp: true, manual: false });
    const asked = scheduleRunToTask(digest, fired, { manualRequest: 'r1' });
    expect(asked.task.id).not.toBe(task.id);
    expect(asked.task.schedule?.manual).toBe(true);
    expect(scheduleRunToTask(digest, fired, { catchUp: false }).task.id).toBe(task.id);
  });

  it('derives every id from the schedule and the fire time, so replicas build the same task', () => {
    const first = scheduleRunToTask(schedule, fired);
    const again = scheduleRunToTask({ ...schedule }, new Date(fired.getTime()));
    const next = scheduleRunToTask(schedule, new Date(fired.getTime() + 60_000));
    expect(again).toEqual(first);
    expect(next.task.id).not.toBe(first.task.id);
    expect(next.task.sourceEventId).not.toBe(first.task.sourceEventId);
    expect(toJobId(first.task.id)).toBe(first.task.id);
    expect(first.task.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('posts at the top level of a Slack or Teams channel (thread = channel)', () => {
    const { task } = scheduleRunToTask({ ...schedule, platform: 'slack', channel: 'C0123ABCDEF' }, fired);
    expect(task.thread).toBe('C0123ABCDEF');
    expect(task.replyTo).toMatchObject({ platform: 'slack', channel: 'C0123ABCDEF', thread: 'C0123ABCDEF' });
  });
});

describe('schedule definitions', () => {
  const { id: _id, lastRunAt: _lastRunAt, updatedAt: _updatedAt, ...stored } = schedule;
  // A schedule of an installed command: the knowledge base's nightly re-sync.
  const definition = { ...stored, command: 'kb', text: 'sync', args: { collection: 'handbook' } };
  const installed = new SkillCatalog(skills);

  it('accepts a valid one and computes its next fire time in its own zone', () => {
    expect(checkScheduleDefinition(definition, installed)).toEqual(definition);
    // Monday 09:00 in Berlin is 08:00 UTC in winter.
    const next = nextRunOf(definition);
    expect(next?.getUTCHours()).toBe(8);
    expect(next?.getUTCDay()).toBe(1);
    expect(nextRunOf({ ...definition, enabled: false })).toBeNull();
  });

  it('lists every problem with a remedy', () => {
    const attempt = () =>
      checkScheduleDefinition(
        { ...definition, cron: '61 * * * *', timezone: 'Mars/Olympus', name: 'Bad Name' },
        installed,
      );
    expect(attempt).toThrow(/minute "61" is outside 0-59/);
    expect(attempt).toThrow(/Mars\/Olympus": not an IANA time zone/);
    expect(attempt).toThrow(/name: lower-case letters/);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'VALIDATION_FAILED',
        remedy: expect.stringContaining('0 9 * * 1-5'),
      });
    }
  });

  it('refuses platforms a schedule cannot post to', () => {
    expect(() => checkScheduleDefinition({ ...definition, platform: 'scheduler' }, installed)).toThrow(
      /platform/,
    );
  });

  it('refuses a command that is not installed, naming the installed ones (fixture skills never count)', () => {
    const names = fixtureSkills
      .flatMap((skill) => skill.commands.map((command) => command.name))
      .filter((name) => !installed.byCommand(name));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      let refused: unknown;
      try {
        checkScheduleDefinition({ ...definition, command: name, args: {} }, installed);
      } catch (error) {
        refused = error;
      }
      expect(refused).toMatchObject({
        code: 'UNKNOWN_COMMAND',
        message: expect.stringContaining(`/${name} is not an installed command`),
        details: { knownCommands: installed.commandNames() },
      });
      for (const known of installed.commandNames()) {
        expect((refused as { remedy: string }).remedy).toContain(`/${known}`);
      }
    }
  });

  it('refuses arguments the command does not take, with its usage', () => {
    const attempt = () =>
      checkScheduleDefinition({ ...definition, args: { colection: 'handbook' } }, installed);
    expect(attempt).toThrow(/`colection` is not an argument of this command \(it takes: collection\)/);
    expect(attempt).toThrow(/usage: \/kb add collection=<name>/);
    expect(() =>
      checkScheduleDefinition({ ...definition, args: { collection: 'Bad Name!' } }, installed),
    ).toThrow(/`collection` must match/);
  });
});
