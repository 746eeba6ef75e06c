import { describe, expect, it } from 'vitest';
import {
  clickMismatch,
  continuationMismatch,
  continuationTask,
  continuationTaskId,
} from '../../src/agent/approvals/binding.ts';
import { approvalCard, statusLine } from '../../src/agent/approvals/card.ts';
import { APPROVAL_EXECUTE_ACTION, stableHash } from '../../src/core/index.ts';
import type { ApprovalRow } from '../../src/db/approval-store.ts';
import { isUuid } from '../../src/db/message-store.ts';
import { fakeTask } from '../fakes/skill-context.ts';

const APPROVAL_ID = '01a23000-0000-7000-8000-000000000001';
const MESSAGE_ID = '01a23000-0000-7000-8000-0000000000aa';

function approval(overrides: Partial<ApprovalRow> = {}): ApprovalRow {
  const args = { service: 'payments', env: 'prod' };
  return {
    id: APPROVAL_ID,
    tenantId: 'default',
    platform: 'api',
    channel: 'ops',
    thread: 'thread-1',
    replyTo: { platform: 'api', tenantId: 'default', channel: 'ops', thread: 'thread-1' },
    messageId: MESSAGE_ID,
    requestTaskId: '01a23000-0000-7000-8000-0000000000bb',
    requestedBy: 'api:alice',
    requestedByName: 'alice',
    action: { kind: 'command', name: 'deploy-cluster', args, executor: 'deploy-cluster' },
    argsHash: stableHash(args),
    title: 'Deploy payments to prod',
    summary: [],
    environment: 'prod',
    policy: {
      rule: 'default',
      approvers: { roles: ['sre'], users: [] },
      required: 2,
      requesterMayApprove: false,
      expiresInMinutes: 30,
      cancel: { requester: true, approvers: true, roles: [] },
    },
    requiredApprovals: 2,
    approvalsGiven: 0,
    deciders: [],
    status: 'approved',
    expiresAt: new Date('2026-12-02T15:00:00Z'),
    decidedAt: null,
    cancelledBy: null,
    cancelReason: null,
    continuationTaskId: continuationTaskId(APPROVAL_ID),
    executionStatus: null,
    executionAttempt: null,
    executedAt: null,
    createdAt: new Date('2026-12-02T14:30:00Z'),
    ...overrides,
  };
}

describe('approval binding', () => {
  it('derives one continuation task id per approval, a valid UUID', () => {
    const id = continuationTaskId(APPROVAL_ID);
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('8');
    expect(continuationTaskId(APPROVAL_ID)).toBe(id);
    expect(continuationTaskId('01a23000-0000-7000-8000-000000000002')).not.toBe(id);
  });

  it('builds the continuation: the requester, the approval thread, the executor, the approved arguments', () => {
    const task = continuationTask(approval(), new Date('2026-12-02T14:40:00Z'));
    expect(task).toMatchObject({
      id: continuationTaskId(APPROVAL_ID),
      platform: 'api',
      kind: 'action',
      user: { id: 'alice', name: 'alice' },
      command: 'deploy-cluster',
      args: { service: 'payments', env: 'prod' },
      action: {
        id: APPROVAL_EXECUTE_ACTION,
        value: APPROVAL_ID,
        messageId: MESSAGE_ID,
        skill: 'deploy-cluster',
      },
      sourceEventId: `approval-continuation.${APPROVAL_ID}`,
    });
    expect(continuationMismatch(approval(), task, 'deploy-cluster')).toBeNull();
  });

  it('refuses a continuation that is not exactly the approved one', () => {
    const task = continuationTask(approval(), new Date());
    expect(continuationMismatch(approval(), task, 'run')).toContain('executed by deploy-cluster, not run');
    expect(
      continuationMismatch(
        approval(),
        { ...task, id: '01a23000-0000-7000-8000-00000000dead' },
        'deploy-cluster',
      ),
    ).toBe('this run is not the continuation the approval names');
    expect(
      continuationMismatch(
        approval(),
        { ...task, args: { service: 'payments', env: 'dev' } },
        'deploy-cluster',
      ),
    ).toBe('the run does not carry exactly the approved action and arguments');
    const changed = approval({ action: { ...approval().action, args: { service: 'payments', env: 'dev' } } });
    expect(continuationMismatch(changed, task, 'deploy-cluster')).toBe(
      'the arguments changed after approval',
    );
  });

  it("binds clicks to the tenant, the platform and the approval's own message", () => {
    const click = (overrides: Parameters<typeof fakeTask>[0]) =>
      fakeTask({
        kind: 'action',
        action: { id: 'approval.approve', value: APPROVAL_ID, messageId: MESSAGE_ID },
        ...overrides,
      });
    expect(clickMismatch(approval(), click({}))).toBeNull();
    expect(clickMismatch(approval(), click({ tenantId: 'other' }))).toBe('other-tenant');
    expect(
      clickMismatch(
        approval(),
        click({
          action: {
            id: 'approval.approve',
            value: APPROVAL_ID,
            messageId: '01a23000-0000-7000-8000-0000000000cc',
          },
        }),
      ),
    ).toBe('forged');
    // A direct message to an approver names no stored message: the approval id is the context.
    expect(
      clickMismatch(
        approval(),
        click({ action: { id: 'approval.approve', value: APPROVAL_ID, messageId: 'direct-1' } }),
      ),
    ).toBeNull();
    const teams = { platform: 'teams' as const, tenantId: 'default', channel: 'ops', thread: 'thread-1' };
    expect(clickMismatch(approval(), click({ replyTo: teams }))).toBe('forged');
  });
});

describe('approval card', () => {
  it('shows who asked, what exactly, who may approve, and each decision', () => {
    const pending = approval({ status: 'pending', approvalsGiven: 1 });
    const decision = {
      approvalId: APPROVAL_ID,
      platform: 'api',
      userId: 'carol',
      userName: 'carol',
      decision: 'approved' as const,
      reason: null,
      taskId: 't1',
      createdAt: new Date('2026-12-02T14:35:00Z'),
    };
    const card = approvalCard(pending, [decision]);
    expect(card.blocks[0]).toMatchObject({
      type: 'approval',
      status: 'pending',
      summary: expect.arrayContaining([
        { label: 'Arguments', value: '{"env":"prod","service":"payments"}' },
        { label: 'Needs', value: '2 approvals from role sre, not the requester' },
        { label: 'Expires', value: '2026-12-02 15:00 UTC' },
      ]),
      decisions: [{ by: 'carol', decision: 'approved', at: '2026-12-02T14:35:00.000Z' }],
    });
    expect(statusLine(pending, [decision])).toBe(
      'Waiting: 1 of 2 approvals (so far carol (2026-12-02 14:35 UTC)) · expires 2026-12-02 15:00 UTC',
    );
    const rejected = approval({ status: 'rejected' });
    expect(statusLine(rejected, [{ ...decision, decision: 'rejected', reason: 'freeze' }])).toBe(
      'Rejected by carol (2026-12-02 14:35 UTC): freeze · nothing ran',
    );
    expect(
      statusLine(approval({ executionStatus: 'succeeded', executedAt: new Date('2026-12-02T14:36:00Z') }), [
        decision,
      ]),
    ).toBe('Approved by carol (2026-12-02 14:35 UTC) · ran 2026-12-02 14:36 UTC');
  });
});
