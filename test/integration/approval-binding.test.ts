import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { skills as installedSkills } from '../../skills/index.ts';
import { type AgentParts, createAgentParts } from '../../src/agent/agent-setup.ts';
import { continuationTaskId } from '../../src/agent/approvals/binding.ts';
import { APPROVAL_EXECUTE_ACTION, type Task } from '../../src/core/index.ts';
import { workerServices } from '../../src/main.ts';
import { processTask } from '../../src/worker/process-task.ts';
import { executions, releaseSkill } from '../fixtures/skills/approval-fixtures.ts';
import { type Harness, startHarness } from '../support/harness.ts';

// What an approval is bound to, step by step (each task run by hand with processTask, no worker racing):
// changed arguments, a hand-made "execute" click and a run interrupted mid-execution never run the action.
describe('approval binding (postgresql)', () => {
  let harness: Harness;
  let agent: AgentParts;
  let services: ReturnType<typeof workerServices>;
  const attempt = (number: number) => ({ number, max: 5 });

  beforeAll(async () => {
    harness = await startHarness({
      database: 'postgresql',
      worker: false,
      skills: [...installedSkills, releaseSkill],
    });
    // The worker's own supervisor (no model: commands and clicks are table look-ups), without MCP servers.
    agent = createAgentParts({
      config: harness.runtime.config,
      database: harness.runtime.database,
      catalog: harness.runtime.catalog,
      registry: harness.runtime.metrics.registry,
      log: harness.runtime.log,
      connectMcp: false,
    });
    services = workerServices(harness.runtime, agent.agent);
    await harness.runtime.directory.grantRole(
      { tenantId: 'default', platform: 'api', externalId: 'bob' },
      'approver',
      'test',
    );
  });
  afterAll(async () => {
    await agent?.close();
    await harness?.close();
  });
  beforeEach(() => {
    executions.length = 0;
  });

  const taskOf = async (taskId: string): Promise<Task> => {
    const row = await harness.runtime.ledger.get(taskId);
    if (!row) throw new Error(`no task ${taskId}`);
    return row.payload;
  };
  const sql = <Row>(text: string, params: unknown[] = []) => harness.runtime.database.sql<Row>(text, params);

  /** Requests a release and has bob approve it; returns the approval and its (not yet run) continuation. */
  async function approved(service: string) {
    const posted = await harness.request('POST', '/api/v1/messages', {
      channel: 'ops',
      user: 'alice',
      text: `/release service=${service} env=staging`,
    });
    expect(await processTask(await taskOf(posted.body.taskId), services, attempt(1))).toMatchObject({
      status: 'awaiting_approval',
    });
    const [approval] = await sql<{ id: string; message_id: string }>(
      'select id, message_id from approvals where request_task_id = $1',
      [posted.body.taskId],
    );
    const clicked = await harness.request('POST', '/api/v1/actions', {
      messageId: approval?.message_id,
      actionId: 'approval.approve',
      user: 'bob',
    });
    await processTask(await taskOf(clicked.body.taskId), services, attempt(1));
    const approvalId = String(approval?.id);
    return { approvalId, continuation: await taskOf(continuationTaskId(approvalId)) };
  }
  const execution = async (approvalId: string) =>
    (
      await sql<{ execution_status: string | null }>('select execution_status from approvals where id = $1', [
        approvalId,
      ])
    )[0]?.execution_status;
  const audited = async (approvalId: string, action: string) =>
    (
      await sql('select 1 from audit_log where target = $1 and action = $2', [
        `approval:${approvalId}`,
        action,
      ])
    ).length;

  it('blocks the run when the approved arguments were changed afterwards', async () => {
    const { approvalId, continuation } = await approved('one');
    await sql(`update approvals set action_args = '{"env":"prod","service":"one"}' where id = $1`, [
      approvalId,
    ]);
    const outcome = await processTask(continuation, services, attempt(1));
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'FORBIDDEN' } });
    expect(outcome.status === 'failed' && outcome.error?.message).toBe(
      'Nothing ran: the arguments changed after approval.',
    );
    expect(executions).toEqual([]);
    expect(await execution(approvalId)).toBe('blocked');
    expect(await audited(approvalId, 'approval-execution-blocked')).toBe(1);
  });

  it('blocks a continuation whose own arguments differ from the approved ones (a tampered job)', async () => {
    const { approvalId, continuation } = await approved('two');
    const tampered: Task = { ...continuation, args: { ...continuation.args, env: 'prod' } };
    const outcome = await processTask(tampered, services, attempt(1));
    expect(outcome.status === 'failed' && outcome.error?.message).toBe(
      'Nothing ran: the run does not carry exactly the approved action and arguments.',
    );
    expect(executions).toEqual([]);
    expect(await execution(approvalId)).toBe('blocked');
  });

  it('refuses a hand-made "execute" task, and still runs the genuine continuation once', async () => {
    const { approvalId, continuation } = await approved('three');
    const forged: Task = {
      ...continuation,
      id: '0190f000-0000-7000-8000-0000000bad00',
      sourceEventId: 'forged-execute',
    };
    await harness.runtime.ledger.record(forged);
    const refused = await processTask(forged, services, attempt(1));
    expect(refused.status === 'failed' && refused.error?.message).toBe(
      'Nothing ran: this run is not the continuation the approval names.',
    );
    expect(forged.action?.id).toBe(APPROVAL_EXECUTE_ACTION);
    expect(await execution(approvalId)).toBeNull();
    expect(await processTask(continuation, services, attempt(1))).toMatchObject({ status: 'succeeded' });
    expect(await processTask(continuation, services, attempt(1))).toEqual({ status: 'skipped' });
    expect(executions.map((entry) => entry.approvalId)).toEqual([approvalId]);
    expect(await execution(approvalId)).toBe('succeeded');
  });

  it('does not run an action again when an earlier run died while executing it', async () => {
    const { approvalId, continuation } = await approved('four');
    // The first attempt claimed the execution and its worker died before it finished.
    await harness.runtime.approvalsEngine.continuations.claim(continuation, 'release', 1);
    const retried = await processTask(continuation, services, attempt(2));
    expect(retried.status === 'failed' && retried.error?.message).toContain(
      'An earlier run of this approved action was interrupted',
    );
    expect(executions).toEqual([]);
    expect(await execution(approvalId)).toBe('interrupted');
    expect(await audited(approvalId, 'approval-execution-interrupted')).toBe(1);
  });

  it('marks the approval failed when its continuation cannot run at all, so the request does not wait forever', async () => {
    const { approvalId, continuation } = await approved('five');
    const orphan: Task = {
      ...continuation,
      action: { ...(continuation.action as NonNullable<Task['action']>), skill: 'uninstalled' },
    };
    expect(await processTask(orphan, services, attempt(1))).toMatchObject({
      status: 'failed',
      error: { code: 'UNKNOWN_ACTION' },
    });
    expect(await execution(approvalId)).toBe('failed');
    const [request] = await sql<{ status: string }>(
      'select t.status from tasks t join approvals a on a.request_task_id = t.id where a.id = $1',
      [approvalId],
    );
    expect(request?.status).toBe('failed');
    expect(executions).toEqual([]);
  });
});
