import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { type DevProcess, startDevProcess } from '../support/dev-process.ts';
import type { FakeJira } from '../support/fake-jira/server.ts';
import { fakeJiraWith, jiraEnv } from '../support/jira.ts';

// The sprint report as a newcomer sees it: `chatops dev` pointed at a (fake) Jira, its web chat in headless
// Chromium. The answer shows the numbers, the definitions and the burndown chart as a real picture.
describe('Jira reports in the web chat, in a real browser', () => {
  let jira: FakeJira;
  let dev: DevProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    jira = await fakeJiraWith({ issues: 200 });
    dev = await startDevProcess(jiraEnv(jira));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    await page.goto(`${dev.url}/#team`);
    await page.locator('#live-status.online').waitFor({ timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    const code = await dev?.stop();
    await jira?.close();
    expect(code).toBe(0);
  });

  async function send(text: string): Promise<void> {
    await page.locator('#composer-input').fill(text);
    await page.locator('#composer-send').click();
  }

  const replyTo = (text: string) =>
    page
      .locator('section.thread', { has: page.locator('.message.user', { hasText: text }) })
      .locator('.replies .message.bot')
      .last();

  it('shows /jira sprint with its numbers, its definitions and the burndown chart', async () => {
    await send('/jira sprint');
    const reply = replyTo('/jira sprint');
    await expect.poll(() => reply.textContent(), { timeout: 60_000 }).toContain('committed points done');
    const text = (await reply.textContent()) ?? '';
    expect(text).toMatch(/OPS Sprint 7 on OPS board: [\d.]+ of [\d.]+ committed points done/);
    expect(text).toContain('Done: Done (from the board\'s last column "Done")');
    const chart = reply.locator('figure.block.image img');
    await expect
      .poll(() => chart.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth))
      .toBe(720);
    expect(await chart.evaluate((image: HTMLImageElement) => image.naturalHeight)).toBe(360);
    expect(await chart.getAttribute('alt')).toMatch(/^burndown-\d+\.png$/);
    await reply.scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/jira-sprint-web-chat.png', fullPage: true });
  });

  it('answers the same question asked in words, without a model, with the same chart', async () => {
    await send("how's the sprint going?");
    const reply = replyTo("how's the sprint going?");
    await expect.poll(() => reply.textContent(), { timeout: 60_000 }).toContain('committed points done');
    expect(await reply.locator('figure.block.image img').count()).toBe(1);
    expect(await reply.textContent()).toContain('No language model is configured');
  });
});
