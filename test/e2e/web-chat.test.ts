import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { type DevProcess, startDevProcess } from '../support/dev-process.ts';

// The README's first command, seen through a real browser: `chatops dev` as a process (embedded database),
// its web chat in headless Chromium. Messages and slash commands typed into the page are answered in a
// thread, through the gateway → queue → worker → sender path, and arrive without a reload.
describe('local web chat in a real browser', () => {
  let dev: DevProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dev = await startDevProcess();
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(`${dev.url}/#general`);
    await page.locator('#live-status.online').waitFor({ timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    const code = await dev?.stop();
    expect(code).toBe(0);
  });

  async function send(text: string): Promise<void> {
    await page.locator('#composer-input').fill(text);
    await page.locator('#composer-send').click();
  }

  /** The thread whose root message says `text` (the root is the first message of the section). */
  function threadOf(text: string) {
    return page.locator('section.thread', { has: page.locator('.message.user', { hasText: text }) });
  }

  it('answers a slash command in a thread under the message, live', async () => {
    await send('/status');
    const thread = threadOf('/status');
    const reply = thread.locator('.replies .message.bot');
    await expect.poll(() => reply.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => reply.first().textContent()).toContain('is up');
    expect(await reply.first().locator('.skill').textContent()).toBe('via status');
    expect(await thread.locator('.message').first().textContent()).toContain('alice');
  });

  it('routes free text without a model and says so, in its own thread', async () => {
    await send('what can you do for me?');
    const thread = threadOf('what can you do for me?');
    const reply = thread.locator('.replies .message.bot');
    await expect.poll(() => reply.count(), { timeout: 30_000 }).toBe(1);
    const text = await reply.first().textContent();
    expect(text).toContain('/status');
    expect(text).toContain('No language model is configured');
  });

  it('runs a button click from a rendered reply as another person, in the same thread', async () => {
    await page.locator('#user-name').fill('bob');
    await page.locator('#user-name').dispatchEvent('change');
    const thread = threadOf('/status');
    await thread.locator('button[data-action-id="status.refresh"]').first().click();
    const replies = thread.locator('.replies .message.bot');
    await expect.poll(() => replies.count(), { timeout: 30_000 }).toBe(2);
    await expect.poll(() => replies.nth(1).textContent()).toContain('is up');
  });

  it('schedules a digest from the chat and shows the preview: the next three runs and a sample', async () => {
    await send('/digest add approvals every day at 9:00');
    const thread = threadOf('/digest add approvals every day at 9:00');
    const reply = thread.locator('.replies .message.bot');
    await expect.poll(() => reply.count(), { timeout: 30_000 }).toBe(1);
    const text = (await reply.first().textContent()) ?? '';
    expect(text).toMatch(/Digest dg-[a-z2-9]{6} scheduled: approvals every day at 09:00/);
    expect(text).toContain('Next runs');
    expect(text.match(/[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} 09:00/g)).toHaveLength(3);
    expect(text).toContain('Sample, as it would read now:');
    expect(text).toContain('No approvals are waiting.');
    expect(await reply.first().locator('.skill').textContent()).toBe('via digest');
  });

  it('shows text from people literally, never as markup', async () => {
    await send('<img src=x onerror="window.pwned=1"> <b>bold</b>');
    const thread = threadOf('<b>bold</b>');
    await expect.poll(() => thread.count(), { timeout: 30_000 }).toBe(1);
    expect(await thread.locator('.message.user img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  });
});
