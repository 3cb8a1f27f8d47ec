import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { ensureChromium } from '../../scripts/browser/chromium.js';

/** A phone: the page must read and work at this width (an iPhone 12-15 viewport). */
export const phoneViewport = { width: 390, height: 844 };

/** Where browser tests save their screenshots (gitignored). */
export const screenshotDir = path.resolve('test-results', 'checkout');

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Debian's headless Chromium (installed on first use, scripts/browser/chromium.ts) driven by
 * playwright-core, with a fresh profile each time: playwright passes the directory as
 * --user-data-dir, so no state of an earlier run leaks in. Phone-sized, touch, English by default.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const executablePath = ensureChromium((line) => console.log(`[browser] ${line}`));
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: phoneViewport,
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    locale: 'en-US',
  });
  fs.mkdirSync(screenshotDir, { recursive: true });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
