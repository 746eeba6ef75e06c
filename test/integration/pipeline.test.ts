import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseKind, type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

// Message → Task → queue → worker → threaded reply, through the real gateway, real Redis and both
// database drivers: the same path Slack and Teams messages take.
describe.each<DatabaseKind>(['postgresql', 'pglite'])('pipeline on %s', (database) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ database });
  });
  afterAll(async () => {
    await harness?.close();
  });

  async function finished(taskId: string) {
    return eventually(
      async () => {
        const { body } = await harness.request('GET', `/api/v1/tasks/${taskId}`);
        return ['succeeded', 'failed'].includes(body.status) ? body : undefined;
      },
      15_000,
      `task ${taskId} to finish`,
    );
  }

  it('answers a slash command in the thread the message started', async () => {
    const posted = await harness.request('POST', '/api/v1/messages', {
      channel: 'general',
      user: 'alice',
      text: '/status',
    });
    expect(posted.status).toBe(202);
    expect(posted.body).toMatchObject({ duplicate: false });
    expect(posted.body.threadId).toBe(posted.body.messageId);

    const task = await finished(posted.body.taskId);
    expect(task).toMatchObject({
      status: 'succeeded',
      skill: 'status',
      kind: 'command',
      threadId: posted.body.threadId,
    });
    expect(task.replies).toHaveLength(1);
    expect(task.replies[0].reply.blocks.map((block: { type: string }) => block.type)).toEqual([
      'markdown',
      'fields',
      'buttons',
    ]);

    const thread = await harness.request('GET', `/api/v1/threads/${posted.body.threadId}/messages`);
    expect(thread.status).toBe(200);
    expect(thread.body.messages.map((message: { author: { kind: string } }) => message.author.kind)).toEqual([
      'user',
      'bot',
    ]);
    expect(thread.body.messages[0]).toMatchObject({
      id: posted.body.messageId,
      text: '/status',
      actions: [],
    });
    expect(thread.body.messages[1].actions).toEqual([
      { id: 'status.refresh', label: 'Refresh', style: 'default' },
    ]);
    expect(thread.body.messages[1].html).toContain('data-action-id="status.refresh"');
  });

  it('routes a button click to the skill that rendered it, in the same thread', async () => {
    const posted = await harness.request('POST', '/api/v1/messages', {
      channel: 'ops',
      user: 'bob',
      text: '/chatops status',
    });
    const first = await finished(posted.body.taskId);
    const messageId = first.replies[0].id;

    const click = await harness.request('POST', '/api/v1/actions', {
      messageId,
      actionId: 'status.refresh',
      user: 'carol',
    });
    expect(click.status).toBe(202);
    const clicked = await finished(click.body.taskId);
    expect(clicked).toMatchObject({
      status: 'succeeded',
      skill: 'status',
      kind: 'action',
      threadId: posted.body.threadId,
    });

    const thread = await harness.request('GET', `/api/v1/threads/${posted.body.threadId}/messages`);
    expect(thread.body.messages.map((message: { author: { kind: string } }) => message.author.kind)).toEqual([
      'user',
      'bot',
      'bot',
    ]);
  });

  it('replies into an existing thread when threadId is given', async () => {
    const root = await harness.request('POST', '/api/v1/messages', {
      channel: 'general',
      user: 'alice',
      text: '/help',
    });
    await finished(root.body.taskId);
    const followUp = await harness.request('POST', '/api/v1/messages', {
      channel: 'general',
      user: 'bob',
      text: '/help status',
      threadId: root.body.threadId,
    });
    expect(followUp.body.threadId).toBe(root.body.threadId);
    const task = await finished(followUp.body.taskId);
    expect(task.replies[0].text).toContain('/status');
    const thread = await harness.request('GET', `/api/v1/threads/${root.body.threadId}/messages`);
    expect(thread.body.messages.map((message: { author: { name: string } }) => message.author.name)).toEqual([
      'alice',
      'chatops',
      'bob',
      'chatops',
    ]);
  });

  it('says plainly that no language model is configured when free text is routed offline', async () => {
    const posted = await harness.request('POST', '/api/v1/messages', {
      channel: 'general',
      user: 'alice',
      text: 'what can you do?',
    });
    const task = await finished(posted.body.taskId);
    expect(task.skill).toBe('help');
    const blocks = task.replies[0].reply.blocks;
    expect(blocks.at(-1)).toEqual({
      type: 'context',
      text: expect.stringContaining('No language model is configured'),
    });
  });

  it('answers an unknown command with one clear failure reply and no retry', async () => {
    const posted = await harness.request('POST', '/api/v1/messages', {
      channel: 'general',
      user: 'alice',
      text: '/deploy-the-moon now',
    });
    const task = await finished(posted.body.taskId);
    expect(task).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'UNKNOWN_COMMAND' } });
    expect(task.replies).toHaveLength(1);
    expect(task.replies[0].text).toContain('/deploy-the-moon is not a command I know');
    expect(task.replies[0].text).toContain('/help');
  });

  it('reports health and metrics', async () => {
    const health = await harness.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      checks: {
        database: { status: 'up', kind: database },
        redis: { status: 'up' },
        queue: { status: 'up' },
      },
    });
    const metrics = await fetch(`${harness.baseUrl}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(/chatops_tasks_received_total\{platform="api",kind="command"\} \d+/);
    expect(metrics).toMatch(/chatops_tasks_completed_total\{platform="api",skill="status"\} \d+/);
    expect(metrics).toMatch(
      /chatops_tasks_failed_total\{platform="api",skill="none",code="UNKNOWN_COMMAND"\} 1/,
    );
    expect(metrics).toContain('chatops_task_duration_seconds_bucket');
    expect(metrics).toContain('chatops_ack_latency_seconds_bucket');
    expect(metrics).toMatch(/chatops_queue_depth\{state="waiting"\} \d+/);
  });
});
