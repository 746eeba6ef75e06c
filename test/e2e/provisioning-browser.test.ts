import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { type DevProcess, startDevProcess } from '../support/dev-process.ts';

// /deploy-cluster in the web chat, in a real browser: `chatops dev` as a process (embedded database, its
// worker in process) with the Terraform executor on a stand-in terraform. alice asks for a prod cluster;
// her own Approve is refused; bob's is one of two; carol's second one provisions it; the progress message
// and the documentation show in the thread, live. A bare /deploy-cluster shows its form (from the declared
// arguments): a value that breaks its pattern is refused in the page, a filled-in form runs as the command.
const FAKE_TERRAFORM = fileURLToPath(new URL('../fixtures/provisioning/fake-terraform.sh', import.meta.url));

describe('/deploy-cluster in the web chat', () => {
  let dev: DevProcess;
  let browser: Browser;
  let page: Page;
  let workDir: string;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'chatops-deploy-web-'));
    dev = await startDevProcess(
      { DEPLOY_TERRAFORM_BIN: FAKE_TERRAFORM, DEPLOY_WORK_DIR: workDir },
      { before: ['bob', 'carol', 'alice'].map((user) => ['role', 'grant', user, 'sre']) },
    );
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(`${dev.url}/#ops`);
    await page.locator('#live-status.online').waitFor({ timeout: 30_000 });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function as(user: string): Promise<void> {
    await page.locator('#user-name').fill(user);
    await page.locator('#user-name').dispatchEvent('change');
  }

  it('plans, takes two sre approvals (not the requester’s), provisions and documents, live', async () => {
    await as('alice');
    const command = '/deploy-cluster name=web-demo platform=gke env=prod size=small';
    await page.locator('#composer-input').fill(command);
    await page.locator('#composer-send').click();
    const thread = page.locator('section.thread', {
      has: page.locator('.message.user', { hasText: command }),
    });
    await expect.poll(() => thread.textContent(), { timeout: 60_000 }).toContain('Plan: web-demo');
    const approve = thread.locator('button[data-action-id="approval.approve"]').first();
    await approve.waitFor({ timeout: 60_000 });
    await approve.click();
    await expect
      .poll(() => page.textContent('body'), { timeout: 30_000 })
      .toContain('You asked for this yourself');
    await as('bob');
    await thread.locator('button[data-action-id="approval.approve"]').first().click();
    await expect.poll(() => thread.textContent(), { timeout: 30_000 }).toContain('1 of 2 approvals');
    await as('carol');
    await thread.locator('button[data-action-id="approval.approve"]').first().click();
    await expect
      .poll(() => thread.textContent(), { timeout: 90_000 })
      .toContain('Cluster web-demo (gke, prod) is ready');
    await expect
      .poll(() => thread.textContent(), { timeout: 30_000 })
      .toContain('Deploy web-demo (gke, prod) — ✅ succeeded');
  }, 240_000);

  it('answers a bare /deploy-cluster with a form; the filled-in form runs as the command in its thread', async () => {
    await as('alice');
    await page.locator('#composer-input').fill('/deploy-cluster');
    await page.locator('#composer-send').click();
    const form = page.locator('form.command-form[data-command="deploy-cluster"]');
    await form.waitFor({ timeout: 60_000 });
    const thread = page.locator('section.thread', { has: form });
    expect(await form.locator('select[name="platform"] option').allTextContents()).toEqual([
      'Choose…',
      'k3s',
      'eks',
      'aks',
      'gke',
    ]);
    await form.locator('input[name="name"]').fill('Not A Name');
    await form.locator('select[name="platform"]').selectOption('k3s');
    await form.locator('select[name="env"]').selectOption('dev');
    await form.locator('select[name="size"]').selectOption('small');
    await form.locator('button[type="submit"]').click();
    // Refused in the page, by the field: nothing was sent.
    expect(
      await form.locator('input[name="name"]').evaluate((input: HTMLInputElement) => input.validationMessage),
    ).toBe('name must match [a-z][a-z0-9-]{1,30}');
    expect(await thread.locator('.message.user').count()).toBe(1);
    await form.locator('input[name="name"]').fill('form-demo');
    await form.locator('input[name="ttl"]').fill('8h');
    await form.locator('button[type="submit"]').click();
    const sent = '/deploy-cluster name=form-demo platform=k3s env=dev size=small ttl=8h';
    await expect
      .poll(() => thread.locator('.message.user').allTextContents(), { timeout: 30_000 })
      .toEqual([expect.stringContaining('/deploy-cluster'), expect.stringContaining(sent)]);
    await expect.poll(() => thread.textContent(), { timeout: 60_000 }).toContain('Plan: form-demo');
    expect(await form.locator('button[type="submit"]').isDisabled()).toBe(true);
  }, 180_000);
});
