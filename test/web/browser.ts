/**
 * Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, with a fresh profile
 * per launch and no background network traffic: the pages under test must load everything from
 * the API they are served by.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.FACESTYLE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(__dirname, 'screenshots');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Requests to any origin other than `allowedOrigin`, and console errors / page errors. */
  foreignRequests: string[];
  errors: string[];
  screenshot(name: string, options?: { fullPage?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(allowedOrigin: string): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 860 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const foreignRequests: string[] = [];
  const errors: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(allowedOrigin) && !url.startsWith('blob:') && !url.startsWith('data:')) foreignRequests.push(url);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    context,
    page,
    foreignRequests,
    errors,
    async screenshot(name, options = {}) {
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
      return file;
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
