import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { type DevProcess, startDevProcess } from '../support/dev-process.ts';
import { type McpWorkspace, mcpWorkspace } from '../support/mcp-servers.ts';
import { eventually } from '../support/services.ts';

// `chatops dev` as a real process (embedded database) with the MCP filesystem reference server: a write
// asked for with /run waits for an approval; its requester cannot approve it; an `approver` can, and the
// file is then written exactly once. Through the REST API, then the same in the web chat in Chromium.
describe('approvals end to end in chatops dev', () => {
  let dev: DevProcess;
  let workspace: McpWorkspace;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    workspace = mcpWorkspace({ filesystem: true });
    dev = await startDevProcess(
      { MCP_CONFIG: workspace.configPath },
      { before: [['role', 'grant', 'bob', 'approver']] },
    );
    await eventually(
      async () => {
        const health = await (await fetch(`${dev.url}/health`)).json();
        return health.checks?.mcp?.servers?.filesystem?.status === 'connected';
      },
      60_000,
      'the filesystem MCP server',
    );
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    const code = await dev?.stop();
    workspace?.remove();
    expect(code).toBe(0);
  });

  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers field by field
  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${dev.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  }
  const ended = (taskId: string, statuses = ['succeeded', 'failed']) =>
    eventually(
      async () => {
        const { body } = await api('GET', `/api/v1/tasks/${taskId}`);
        return statuses.includes(body.status) ? body : undefined;
      },
      30_000,
      `task ${taskId}`,
    );
  // biome-ignore lint/suspicious/noExplicitAny: thread messages as the API returns them
  const threadOf = async (threadId: string): Promise<any[]> =>
    (await api('GET', `/api/v1/threads/${threadId}/messages?channel=ops`)).body.messages;
  const click = async (user: string, messageId: string) => {
    const clicked = await api('POST', '/api/v1/actions', { messageId, actionId: 'approval.approve', user });
    expect(clicked.status).toBe(202);
    return ended(clicked.body.taskId);
  };

  it('through the REST API: A cannot approve their own write, B (approver) can, and it is written once', async () => {
    const target = join(workspace.root, 'approved-by-bob.txt');
    const posted = await api('POST', '/api/v1/messages', {
      channel: 'ops',
      user: 'alice',
      text: `/run filesystem__write_file path=${target} content="written once"`,
    });
    expect(posted.status).toBe(202);
    const request = await ended(posted.body.taskId, ['awaiting_approval', 'failed']);
    expect(request.status).toBe('awaiting_approval');
    const card = (await threadOf(posted.body.threadId)).find((message) =>
      message.reply?.blocks.some((block: { type: string }) => block.type === 'approval'),
    );
    expect(card.actions.map((action: { id: string }) => action.id)).toEqual([
      'approval.approve',
      'approval.reject',
    ]);
    const own = await click('alice', card.id);
    expect(own.replies[0].text).toContain('You asked for this yourself, so you cannot approve it');
    expect(existsSync(target)).toBe(false);

    const [first, second] = await Promise.all([click('bob', card.id), click('bob', card.id)]);
    expect([first.replies[0].text, second.replies[0].text].join('\n')).toContain('bob approved (1 of 1)');
    await eventually(
      async () => existsSync(target) && readFileSync(target, 'utf8') === 'written once',
      30_000,
      'the write',
    );
    // Exactly once: a second write would overwrite this change.
    writeFileSync(target, 'changed after the approved write');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(readFileSync(target, 'utf8')).toBe('changed after the approved write');
    expect((await ended(posted.body.taskId, ['succeeded'])).status).toBe('succeeded');

    const thread = await threadOf(posted.body.threadId);
    const shown = thread.find((message) => message.id === card.id);
    const block = shown.reply.blocks.find((entry: { type: string }) => entry.type === 'approval');
    expect(block).toMatchObject({ status: 'approved', decisions: [{ by: 'bob', decision: 'approved' }] });
    expect(shown.text).toContain('Approved by bob');
    const written = thread.filter((message) => message.text.startsWith('✅ filesystem__write_file'));
    expect(written).toHaveLength(1);
    expect(JSON.stringify(written[0].reply.blocks)).toContain('approved by bob');
    const detail = await api('GET', `/api/v1/approvals/${block.approvalId}`);
    expect(detail.body).toMatchObject({ status: 'approved', execution: { status: 'succeeded' } });
    expect(detail.body.decisions).toEqual([expect.objectContaining({ by: 'bob', user: 'api:bob' })]);
  });

  describe('in the web chat (real Chromium)', () => {
    beforeAll(async () => {
      page = await browser.newPage();
      await page.goto(`${dev.url}/#ops`);
      await page.locator('#live-status.online').waitFor({ timeout: 30_000 });
    });

    async function actAs(user: string) {
      await page.locator('#user-name').fill(user);
      await page.locator('#user-name').dispatchEvent('change');
    }
    async function send(text: string) {
      await page.locator('#composer-input').fill(text);
      await page.locator('#composer-send').click();
    }
    const threadOfText = (text: string) =>
      page.locator('section.thread', { has: page.locator('.message.user', { hasText: text }) });

    it('shows the request with its buttons, refuses the requester, lets an approver decide from the console', async () => {
      await actAs('alice');
      const target = join(workspace.root, 'from-the-browser.txt');
      const text = `/run filesystem__write_file path=${target} content="from the browser"`;
      await send(text);
      const thread = threadOfText('from-the-browser.txt');
      const card = thread.locator('.block.approval');
      await card.waitFor({ timeout: 30_000 });
      expect(await card.getAttribute('class')).toContain('status-pending');
      expect(await card.textContent()).toContain('1 approval from role approver, not the requester');

      await card.locator('button[data-action-id="approval.approve"]').click();
      const refusal = thread.locator('.message.ephemeral', { hasText: 'You asked for this yourself' });
      await refusal.waitFor({ timeout: 30_000 });
      expect(existsSync(target)).toBe(false);

      await actAs('bob');
      await expect.poll(() => refusal.count(), { timeout: 10_000 }).toBe(0);
      const waiting = page.locator('#approvals-waiting .approval-item', {
        hasText: 'filesystem__write_file',
      });
      await waiting.waitFor({ timeout: 30_000 });
      expect(await page.locator('#approvals-count').textContent()).toBe('(1)');
      await waiting.locator('button[data-action-id="approval.approve"]').click();

      await expect.poll(() => card.getAttribute('class'), { timeout: 30_000 }).toContain('status-approved');
      expect(await card.locator('.decisions').textContent()).toContain('approved by bob');
      const result = thread.locator('.message.bot', { hasText: '✅ filesystem__write_file' });
      await result.waitFor({ timeout: 30_000 });
      expect(readFileSync(target, 'utf8')).toBe('from the browser');
      await expect
        .poll(() => page.locator('#approvals-waiting .approval-item').count(), { timeout: 20_000 })
        .toBe(0);
    });

    it('rejects with a reason typed in the page: the card shows who rejected and why, nothing is written', async () => {
      await actAs('alice');
      const target = join(workspace.root, 'never-written.txt');
      await send(`/run filesystem__write_file path=${target} content="no"`);
      const thread = threadOfText('never-written.txt');
      const card = thread.locator('.block.approval');
      await card.waitFor({ timeout: 30_000 });
      await actAs('bob');
      await card.locator('button[data-action-id="approval.reject"]').click();
      const form = thread.locator('form.reject-reason');
      await form.locator('input[name="reason"]').fill('not during the release freeze');
      await form.locator('button[type="submit"]').click();
      await expect.poll(() => card.getAttribute('class'), { timeout: 30_000 }).toContain('status-rejected');
      const decisions = await card.locator('.decisions').textContent();
      expect(decisions).toContain('rejected by bob');
      expect(decisions).toContain('not during the release freeze');
      // The card's update and the thread's new message are two live events: wait for the second too.
      await expect
        .poll(() => thread.textContent(), { timeout: 10_000 })
        .toContain('bob rejected it: not during the release freeze. Nothing ran.');
      expect(existsSync(target)).toBe(false);
    });
  });
});
