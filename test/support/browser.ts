import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { ensureChromium } from '../../scripts/browser/chromium.js';

/** A phone: the page must read and work at this width (an iPhone 12-15 viewport). */
export const phoneViewport = { width: 390, height: 844 };

/** Where browser tests save their screenshots (gitignored). */
export const screenshotDir = path.resolve('test-results', 'checkout');

export interface TestBrowser {
  browser: Browser;
  /** A phone browsing in `locale` (its Accept-Language and navigator.language). */
  phone(locale: string): Promise<BrowserContext>;
  /** A desktop browser (the console) in `locale`. */
  desktop(locale: string): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Debian's headless Chromium (installed on first use, scripts/browser/chromium.ts) driven by
 * playwright-core. Each launch runs on a fresh profile: playwright creates a new temporary
 * directory and passes it as --user-data-dir (it refuses one among `args`), and deletes it on close.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const executablePath = ensureChromium((line) => console.log(`[browser] ${line}`));
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  fs.mkdirSync(screenshotDir, { recursive: true });
  return {
    browser,
    phone: (locale) => browser.newContext({ viewport: phoneViewport, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale }),
    desktop: (locale) => browser.newContext({ viewport: { width: 1280, height: 800 }, locale }),
    close: () => browser.close(),
  };
}
