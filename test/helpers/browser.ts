/**
 * Browser tests' plumbing: Debian's chromium (scripts/ensure-chromium.ts)
 * driven headless by playwright-core, contexts in zh-CN and Asia/Shanghai,
 * the console's login, and screenshots in test-results/ (look at them).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/ensure-chromium.ts';
import type { TestApp } from './harness.ts';

const SHOTS = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'), 'test-results');

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  ctx.setDefaultTimeout(10_000);
  return ctx;
}

/** Log in through the console's form and wait for its live channel. */
export async function login(app: TestApp, page: Page, username: string): Promise<void> {
  await page.goto(`${app.url}/`);
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(app.fx.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.locator('[data-testid="live-status"][data-connected="yes"]').waitFor();
}

/** Screenshot to test-results/<name>.png once Ant Design's animations (modals, counters) have settled. */
export async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}
