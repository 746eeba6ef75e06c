import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skills as installedSkills } from '../../skills/index.ts';
import { runCli } from '../../src/cli/main.ts';
import { defineSkill, defineWorkflow } from '../../src/core/index.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { eventually, REDIS_URL } from '../support/services.ts';

// Workflow runs over REST (GET /api/v1/workflows, GET /api/v1/workflows/{id}, POST …/cancel) and through
// `chatops workflows list|show|cancel`, against a real gateway, worker, PostgreSQL and Redis.
const waiting = defineWorkflow<{ name: string }>({
  id: 'waiter.wait',
  skill: 'waiter',
  parseInput: (input) => input as { name: string },
  title: (input) => `Wait for ${input.name}`,
  steps: [
    { kind: 'step', name: 'prepare', label: 'Prepare', run: async (ctx) => ({ prepared: ctx.input.name }) },
    {
      kind: 'wait',
      name: 'signal',
      label: 'Wait for the signal',
      event: (state) => `waiter:${state.input.name}`,
    },
  ],
  finally: [{ kind: 'step', name: 'release', label: 'Release', run: async () => 'released' }],
});

const waiterSkill = defineSkill({
  id: 'waiter',
  description: 'Starts a run that waits (test skill).',
  commands: [{ name: 'waiter', description: 'Start a waiting run.', usage: '/waiter <name>' }],
  workflows: [waiting],
  async handle(ctx) {
    const run = await ctx.workflows?.start('waiter.wait', { name: ctx.task.text.trim() });
    await ctx.reply(`run ${run?.id}`);
  },
});

describe('workflow runs over REST and the CLI', () => {
  let harness: Harness;
  const output: string[] = [];
  const io = { out: (line: string) => output.push(line), err: (line: string) => output.push(`ERR ${line}`) };
  const cli = (...args: string[]) =>
    runCli(
      ['workflows', ...args],
      {
        DATABASE_URL: harness.databaseUrl ?? '',
        REDIS_URL,
        QUEUE_PREFIX: harness.prefix,
        LOG_LEVEL: 'error',
      },
      io,
    );

  beforeAll(async () => {
    harness = await startHarness({ database: 'postgresql', skills: [...installedSkills, waiterSkill] });
  });
  afterAll(async () => {
    await harness?.close();
  });

  const start = async (name: string) => {
    const posted = await harness.request('POST', '/api/v1/messages', {
      channel: 'ops',
      user: 'alice',
      text: `/waiter ${name}`,
    });
    return eventually(async () => {
      const { body } = await harness.request('GET', `/api/v1/tasks/${posted.body.taskId}`);
      const text: string | undefined = body.replies?.find((reply: { text: string }) =>
        reply.text.startsWith('run '),
      )?.text;
      return text?.slice('run '.length);
    });
  };

  it('lists runs, shows one with its steps, and cancels it (its finally step still runs)', async () => {
    const runId = await start('api');
    await eventually(async () => {
      const { body } = await harness.request('GET', `/api/v1/workflows/${runId}`);
      return body.steps?.find((step: { name: string }) => step.name === 'signal')?.status === 'waiting';
    });
    const listed = await harness.request('GET', '/api/v1/workflows?definition=waiter.wait&status=running');
    expect(listed.status).toBe(200);
    expect(listed.body.runs).toEqual([
      expect.objectContaining({
        id: runId,
        title: 'Wait for api',
        status: 'running',
        requestedBy: 'api:alice',
        channel: 'ops',
        current: { name: 'signal', label: 'Wait for the signal', status: 'waiting', detail: 'waiting' },
      }),
    ]);
    const shown = await harness.request('GET', `/api/v1/workflows/${runId}`);
    expect(shown.body.steps[0]).toMatchObject({
      name: 'prepare',
      status: 'succeeded',
      attempts: 1,
      output: { prepared: 'api' },
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
    });
    const cancelled = await harness.request('POST', `/api/v1/workflows/${runId}/cancel`, { user: 'bob' });
    expect(cancelled.status).toBe(202);
    const done = await eventually(async () => {
      const { body } = await harness.request('GET', `/api/v1/workflows/${runId}`);
      return body.finishedAt ? body : null;
    });
    expect(done).toMatchObject({
      status: 'cancelled',
      error: { code: 'CANCELLED', message: 'Cancelled by api:bob.' },
    });
    expect(done.steps.map((step: { name: string; status: string }) => `${step.name}:${step.status}`)).toEqual(
      ['prepare:succeeded', 'signal:cancelled', 'release:succeeded'],
    );
    const again = await harness.request('POST', `/api/v1/workflows/${runId}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    const [audit] = await harness.runtime.database.sql<{ actor: string }>(
      `select actor from audit_log where action = 'workflow-cancel-requested' and target = $1`,
      [`workflow:${runId}`],
    );
    expect(audit?.actor).toBe('api:bob');
  });

  it('answers unknown runs with 404 and bad queries with 400', async () => {
    expect(
      (await harness.request('GET', '/api/v1/workflows/01a24d78-1559-749b-98ce-cb4b08261e53')).status,
    ).toBe(404);
    expect((await harness.request('GET', '/api/v1/workflows/not-a-run')).status).toBe(404);
    const bad = await harness.request('GET', '/api/v1/workflows?status=sleeping');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].field).toBe('status');
  });

  it('lists, shows and cancels through chatops workflows', async () => {
    const runId = await start('cli');
    await eventually(async () =>
      (await harness.runtime.workflows.view(runId))?.steps.some((step) => step.status === 'waiting'),
    );
    output.length = 0;
    expect(await cli('list', '--status', 'running')).toBe(0);
    // The CLI knows the installed skills' step labels; this test skill's steps show by name.
    expect(output.join('\n')).toMatch(
      new RegExp(`${runId}\\trunning\\twaiter.wait\\tWait for cli\\t.*\\tat signal`),
    );
    output.length = 0;
    expect(await cli('show', runId, '--json')).toBe(0);
    expect(JSON.parse(output.join('\n'))).toMatchObject({
      id: runId,
      steps: [{ name: 'prepare' }, { name: 'signal' }],
    });
    output.length = 0;
    expect(await cli('cancel', runId, '--by', 'carol')).toBe(0);
    expect(output.join('\n')).toContain('cancelled by cli:carol');
    const done = await eventually(async () => {
      const view = await harness.runtime.workflows.view(runId);
      return view?.finishedAt ? view : null;
    });
    expect(done.status).toBe('cancelled');
    output.length = 0;
    expect(await cli('show', 'no-such-run')).toBe(1);
    expect(output.join('\n')).toContain('There is no workflow run no-such-run here.');
    expect(await cli('frobnicate')).toBe(2);
  });
});
