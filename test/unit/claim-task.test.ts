import { describe, expect, it } from 'vitest';
import type { Task } from '../../src/core/task.ts';
import { TaskNotRecordedError } from '../../src/core/task-outcome.ts';
import type { StartResult } from '../../src/db/task-ledger.ts';
import { claimTask } from '../../src/worker/claim-task.ts';

const task: Task = {
  v: 1,
  id: '0194f6a0-0000-7000-8000-000000000001',
  tenantId: 'local',
  platform: 'slack',
  kind: 'mention',
  user: { id: 'U1' },
  channel: 'C1',
  thread: '1.0',
  text: 'status',
  replyTo: { platform: 'slack', tenantId: 'local', channel: 'C1', thread: '1.0' },
  sourceEventId: 'Ev1',
  receivedAt: '2026-12-03T12:00:00.000Z',
};

/** A ledger that answers `start` from a script, one answer per call, and counts the calls. */
function scriptedLedger(answers: StartResult[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    async start(): Promise<StartResult> {
      const answer = answers[Math.min(calls, answers.length - 1)] as StartResult;
      calls += 1;
      return answer;
    },
  };
}

const unrecorded: StartResult = { started: false, reason: 'unrecorded' };

describe('claimTask', () => {
  it('starts a task whose record lands while the worker asks again', async () => {
    const ledger = scriptedLedger([unrecorded, unrecorded, { started: true, attempt: 1 }]);
    expect(await claimTask(ledger, task)).toEqual({ started: true, attempt: 1 });
    expect(ledger.calls).toBe(3);
  });

  it('answers at once for a task that ended or was superseded, without asking again', async () => {
    for (const reason of ['ended', 'superseded'] as const) {
      const ledger = scriptedLedger([{ started: false, reason }]);
      expect(await claimTask(ledger, task)).toEqual({ started: false, reason });
      expect(ledger.calls).toBe(1);
    }
  });

  it('hands the job back after five tries when the record is still missing', async () => {
    const ledger = scriptedLedger([unrecorded]);
    await expect(claimTask(ledger, task)).rejects.toBeInstanceOf(TaskNotRecordedError);
    expect(ledger.calls).toBe(5);
  });

  it('sees a duplicate that became visible while it waited', async () => {
    const ledger = scriptedLedger([unrecorded, { started: false, reason: 'superseded' }]);
    expect(await claimTask(ledger, task)).toEqual({ started: false, reason: 'superseded' });
  });
});
