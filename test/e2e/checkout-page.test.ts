import path from 'node:path';
import { Contract, Wallet } from 'ethers';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundAddress, localProvider } from '../../scripts/stack/chains.js';
import { api } from '../support/api.js';
import { launchBrowser, phoneViewport, screenshotDir, type TestBrowser } from '../support/browser.js';
import { chainByName } from '../support/chain.js';
import { fundedMerchant } from '../support/deps.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

/**
 * The hosted checkout page in Debian's headless Chromium against the local stack: a customer opens
 * a charge's hosted_url on a phone, copies the address with the keyboard, pays from a funded test
 * account with an ERC-20 transfer, and the page follows the charge live (paid, underpaid, expired)
 * in English and Simplified Chinese. Screenshots of each state land in test-results/checkout/.
 */

// Deposits are seen within one watcher poll and credited at the local confirmation depth; the
// watcher shares the stack with every other test file, so deadlines are generous.
const paymentDeadlineMs = 150_000;

let browser: TestBrowser;
let merchantKey: string;

async function createCharge(body: Record<string, unknown>) {
  const created = await api('POST', '/v1/charges', { key: merchantKey, body: { asset: 'USDC', ...body } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; hosted_url: string; addresses: Array<{ chain: string; deposit_address: string }> };
}

/** A fresh wallet funded with gas and test USDC sends `amountMinor` to `to`: a customer paying. */
async function pay(chainName: string, to: string, amountMinor: bigint): Promise<void> {
  const chain = chainByName(chainName);
  const provider = localProvider(chain.rpcUrl, chain.chainId);
  try {
    const payer = Wallet.createRandom().connect(provider);
    await fundAddress(chain, payer.address, { gasWei: 10n ** 17n, usdcMinor: amountMinor });
    const token = new Contract(chain.usdcAddress, ['function transfer(address to, uint256 amount) returns (bool)'], payer);
    const sent = await token.getFunction('transfer').send(to, amountMinor);
    await sent.wait();
  } finally {
    provider.destroy();
  }
}

/** Opens a checkout page and waits until it follows its charge over the WebSocket. */
async function openCheckout(url: string, headers: Record<string, string> = {}): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setExtraHTTPHeaders(headers);
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  await page.locator('#live[data-state=on]').waitFor({ timeout: 30_000 });
  return page;
}

async function statusOf(page: Page): Promise<string> {
  return (await page.locator('#status-text').textContent()) ?? '';
}

async function waitForStatus(page: Page, text: string): Promise<void> {
  await page.waitForFunction((expected) => document.getElementById('status-text')?.textContent === expected, text, { timeout: paymentDeadlineMs });
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Presses Tab until `selector` has the focus, as a keyboard user would; fails after `limit` presses. */
async function tabTo(page: Page, selector: string, limit = 25): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    if (await page.evaluate((wanted) => document.activeElement?.matches(wanted) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} did not get the focus within ${limit} Tab presses`);
}

/** What the clipboard holds, read from a page of the same origin that may read it (the checkout page may only write). */
async function clipboardText(): Promise<string> {
  const reader = await browser.context.newPage();
  try {
    await reader.goto(`${stack().apiUrl}/v1/openapi.json`);
    await reader.bringToFront();
    return await reader.evaluate(() => navigator.clipboard.readText());
  } finally {
    await reader.close();
  }
}

// The expiring charge is created first, so its minute runs down while the other tests pay.
let expiring: Awaited<ReturnType<typeof createCharge>>;
let expiringPages: { en: Page; zh: Page };

beforeAll(async () => {
  browser = await launchBrowser();
  merchantKey = (await fundedMerchant(0n)).api_key;
  expiring = await createCharge({ amount: '1000000', expires_in: 60 });
  expiringPages = { en: await openCheckout(expiring.hosted_url), zh: await openCheckout(`${expiring.hosted_url}?lang=zh-CN`) };
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

describe('the hosted checkout page in Chromium', () => {
  it('answers an unknown charge with a 404 page in the asked language', async () => {
    const page = await browser.context.newPage();
    const unknown = await page.goto(`${stack().apiUrl}/checkout/ch_${'0'.repeat(26)}`);
    expect(unknown?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Payment not found');
    const malformed = await page.goto(`${stack().apiUrl}/checkout/not-a-charge?lang=zh-CN`);
    expect(malformed?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('未找到该付款');
    await screenshot(page, 'not-found-zh-CN');
    await page.close();
  });

  it('shows the charge on a phone, copies the address from the keyboard, and turns "paid" without a reload when paid', async () => {
    const charge = await createCharge({ amount: '2500000', description: 'Order 42' });
    expect(charge.hosted_url).toBe(`${stack().apiUrl}/checkout/${charge.id}`);
    const en = await openCheckout(charge.hosted_url);
    // No ?lang: the browser's Accept-Language decides.
    const zh = await openCheckout(charge.hosted_url, { 'Accept-Language': 'zh-CN,zh;q=0.9' });

    expect(await en.locator('h1').textContent()).toBe('Pay 2.50 USDC');
    expect(await zh.locator('h1').textContent()).toBe('支付 2.50 USDC');
    expect(await statusOf(en)).toBe('Waiting for your payment');
    expect(await en.locator('#countdown').textContent()).toMatch(/^(30:00|29:[0-5]\d)$/);
    expect(await en.locator('input[name=chain]').evaluateAll((radios) => radios.map((radio) => (radio as HTMLInputElement).value)))
      .toEqual(charge.addresses.map((address) => address.chain));
    expect(await en.locator('.option:visible .qr svg').count()).toBe(1);
    // Readable on a phone: nothing wider than the screen.
    expect(await en.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phoneViewport.width);
    await screenshot(en, 'awaiting-payment-en');
    await screenshot(zh, 'awaiting-payment-zh-CN');

    // Keyboard: Tab to the chain picker, arrow to the second chain, Tab to its copy button, Enter.
    const [, second] = charge.addresses;
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(stack().apiUrl).origin });
    await en.bringToFront();
    await tabTo(en, 'input[name=chain]');
    await en.keyboard.press('ArrowRight');
    expect(await en.locator('.option:visible').getAttribute('data-chain')).toBe(second!.chain);
    expect(await en.locator('.option:visible .address').textContent()).toBe(second!.deposit_address);
    await tabTo(en, '.option:not([hidden]) button.copy');
    await en.keyboard.press('Enter');
    await en.locator('.option:visible .feedback', { hasText: 'Address copied' }).waitFor();
    expect(await clipboardText()).toBe(second!.deposit_address);

    await en.evaluate(() => Object.assign(window, { loadedOnce: true }));
    await pay(second!.chain, second!.deposit_address, 2_500_000n);

    await waitForStatus(en, 'Paid');
    await waitForStatus(zh, '已支付');
    expect(await en.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    expect(await en.locator('#pay').isHidden()).toBe(true);
    expect(await en.locator('#status-hint').textContent()).toBe('Thank you. You can close this page.');
    await screenshot(en, 'paid-en');
    await screenshot(zh, 'paid-zh-CN');
    expect((await api('GET', `/v1/charges/${charge.id}`, { key: merchantKey })).body.status).toBe('succeeded');
    await Promise.all([en.close(), zh.close()]);
  }, 240_000);

  it('shows "underpaid" with the missing amount, and keeps the address on offer', async () => {
    const charge = await createCharge({ amount: '2000000' });
    const en = await openCheckout(`${charge.hosted_url}?lang=en`, { 'Accept-Language': 'zh-CN' });
    const zh = await openCheckout(`${charge.hosted_url}?lang=zh-CN`);
    const [first] = charge.addresses;

    await pay(first!.chain, first!.deposit_address, 1_250_000n);

    await waitForStatus(en, 'Underpaid: 0.75 USDC missing');
    await waitForStatus(zh, '付款不足：还差 0.75 USDC');
    expect(await en.locator('#status-hint').textContent()).toBe('Send the missing amount to the same address before the time runs out.');
    expect(await en.locator('.option:visible .address').textContent()).toBe(first!.deposit_address);
    expect(await en.locator('#countdown-row').isVisible()).toBe(true);
    await screenshot(en, 'underpaid-en');
    await screenshot(zh, 'underpaid-zh-CN');
    expect((await api('GET', `/v1/charges/${charge.id}`, { key: merchantKey })).body).toMatchObject({ status: 'underpaid', amount_received: '1250000' });
    await Promise.all([en.close(), zh.close()]);
  }, 240_000);

  it('shows "expired" once the time is up and stops offering the address', async () => {
    const { en, zh } = expiringPages;
    await waitForStatus(en, 'Expired');
    await waitForStatus(zh, '已过期');
    expect(await en.locator('#pay').isHidden()).toBe(true);
    expect(await en.locator('#status-hint').textContent()).toBe('The time to pay has run out. Do not send anything to this address.');
    // The server agrees, and its charge.expired leaves the page as it is.
    await waitFor('the charge to expire on the server', async () => {
      const read = await api('GET', `/v1/charges/${expiring.id}`, { key: merchantKey });
      return read.body.status === 'expired' ? true : undefined;
    }, { timeoutMs: paymentDeadlineMs, intervalMs: 1000 });
    expect(await statusOf(en)).toBe('Expired');
    await screenshot(en, 'expired-en');
    await screenshot(zh, 'expired-zh-CN');
  }, 240_000);
});
