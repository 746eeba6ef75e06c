import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatOpsError, defineSkill } from '../../src/core/index.ts';
import { allSkills, type Harness, startHarness } from '../support/harness.ts';
import { eventually } from '../support/services.ts';

// What the worker does with each kind of outcome: transient errors retry with backoff, bad input fails at
// once, exhausted retries fail with one reply, permissions are checked, progress is replaced by the answer.
const attempts = new Map<string, number>();
const countAttempt = (key: string) => {
  const next = (attempts.get(key) ?? 0) + 1;
  attempts.set(key, next);
  return next;
};

const testSkills = [
  defineSkill({
    id: 'flaky',
    description: 'Fails once with a transient error, then answers.',
    commands: [{ name: 'flaky', description: 'flaky', usage: '/flaky' }],
    async handle(ctx) {
      if (countAttempt(ctx.task.id) === 1)
        throw new ChatOpsError('DEPENDENCY_UNAVAILABLE', 'Jira timed out.');
      await ctx.reply('recovered');
    },
  }),
  defineSkill({
    id: 'picky',
    description: 'Rejects its input.',
    commands: [{ name: 'picky', description: 'picky', usage: '/picky size=<n>' }],
    async handle(ctx) {
      countAttempt(ctx.task.id);
      throw new ChatOpsError('VALIDATION_FAILED', 'size must be a number.', {
        remedy: 'Usage: /picky size=<n>',
      });
    },
  }),
  defineSkill({
    id: 'down',
    description: 'Always fails transiently.',
    commands: [{ name: 'down', description: 'down', usage: '/down' }],
    async handle(ctx) {
      countAttempt(ctx.task.id);
      throw new Error('connection reset');
    },
  }),
  defineSkill({
    id: 'deploy',
    description: 'Needs the sre role.',
    commands: [{ name: 'deploy', description: 'deploy', usage: '/deploy' }],
    permissions: ['sre'],
    async handle(ctx) {
      await ctx.reply(`deploying for ${ctx.caller.name}`);
    },
  }),
  defineSkill({
    id: 'steps',
    description: 'Shows progress, then answers.',
    commands: [{ name: 'steps', description: 'steps', usage: '/steps' }],
    async handle(ctx) {
      await ctx.progress('fetching', 10);
      await ctx.progress('computing', 60);
      await ctx.reply('the answer');
      await ctx.reply('a second message');
    },
  }),
  defineSkill({
    id: 'quiet',
    description: 'Posts nothing.',
    commands: [{ name: 'quiet', description: 'quiet', usage: '/quiet' }],
    async handle() {},
  }),
];

describe('worker outcomes', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      database: 'postgresql',
      skills: [...allSkills, ...testSkills],
      env: { TASK_BACKOFF_MS: '50', TASK_MAX_ATTEMPTS: '3' },
    });
  });
  afterAll(async () => {
    await harness?.close();
  });

  async function run(text: string, user = 'alice') {
    const posted = await harness.request('POST', '/api/v1/messages', { channel: 'general', user, text });
    expect(posted.status).toBe(202);
    return eventually(
      async () => {
        const { body } = await harness.request('GET', `/api/v1/tasks/${posted.body.taskId}`);
        return ['succeeded', 'failed'].includes(body.status) ? body : undefined;
      },
      15_000,
      text,
    );
  }

  it('retries a transient failure and then succeeds, posting once', async () => {
    const task = await run('/flaky');
    expect(task).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(task.replies.map((reply: { text: string }) => reply.text)).toEqual(['recovered']);
    expect(attempts.get(task.id)).toBe(2);
  });

  it('fails bad input at once, without retrying, with one reply carrying the remedy', async () => {
    const task = await run('/picky size=big');
    expect(task).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'VALIDATION_FAILED', remedy: 'Usage: /picky size=<n>' },
    });
    expect(attempts.get(task.id)).toBe(1);
    expect(task.replies).toHaveLength(1);
    expect(task.replies[0].text).toContain('size must be a number. Usage: /picky size=<n>');
    const job = (await harness.runtime.queue.queue.getFailed()).find((failed) => failed.id === task.id);
    expect(job?.failedReason).toContain('VALIDATION_FAILED');
  });

  it('fails after the last attempt of a transient error with one reply', async () => {
    const task = await run('/down');
    expect(task).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'INTERNAL' } });
    expect(attempts.get(task.id)).toBe(3);
    expect(task.replies).toHaveLength(1);
    expect(task.replies[0].text).toContain('connection reset');
  });

  it('refuses a skill to a caller without its role, and allows it once granted', async () => {
    const refused = await run('/deploy', 'dave');
    expect(refused).toMatchObject({ status: 'failed', error: { code: 'FORBIDDEN' } });
    expect(refused.replies[0].text).toContain('chatops role grant dave sre');

    await harness.runtime.directory.grantRole(
      { tenantId: 'default', platform: 'api', externalId: 'dave' },
      'sre',
      'test',
    );
    const allowed = await run('/deploy', 'dave');
    expect(allowed).toMatchObject({ status: 'succeeded' });
    expect(allowed.replies[0].text).toBe('deploying for dave');
  });

  it('replaces the progress message with the answer and posts later replies separately', async () => {
    const task = await run('/steps');
    expect(task.replies.map((reply: { text: string }) => reply.text)).toEqual([
      'the answer',
      'a second message',
    ]);
    expect(task.replies[0].reply.blocks.some((block: { type: string }) => block.type === 'progress')).toBe(
      false,
    );
  });

  it('answers for a skill that posts nothing, so a task never ends in silence', async () => {
    const task = await run('/quiet');
    expect(task).toMatchObject({ status: 'succeeded' });
    expect(task.replies[0].text).toContain('quiet had nothing to add');
  });
});
