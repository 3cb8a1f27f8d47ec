import path from 'node:path';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { Contract, Wallet } from 'ethers';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Charge } from '#lib/money/charges/schemas.js';
import type { LanepayEvent } from '#lib/notify/events/schemas.js';
import { pushEvent } from '#lib/notify/realtime/push.js';
import { newId } from '#lib/platform/ids/index.js';
import { fundAddress, localProvider } from '../../scripts/stack/chains.js';
import { api } from '../support/api.js';
import { launchBrowser, phoneViewport, screenshotDir, type TestBrowser } from '../support/browser.js';
import { chainByName } from '../support/chain.js';
import { clients, fundedMerchant } from '../support/deps.js';
import { localCredentials, stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

/**
 * The hosted checkout page in Debian's headless Chromium against the local stack, on a phone, in
 * English and Simplified Chinese. The first part drives the page itself (layout, keyboard, copy,
 * live updates pushed as the notify function pushes them); the second pays from a funded test
 * account on the local chain and waits for the watcher's events. Screenshots of each state land in
 * test-results/checkout/.
 */

// Deposits are seen within one watcher poll and credited at the local confirmation depth; the
// watcher shares the stack with every other test file, so deadlines are generous.
const paymentDeadlineMs = 150_000;

let browser: TestBrowser;
let english: BrowserContext;
let chinese: BrowserContext;
let merchant: Awaited<ReturnType<typeof fundedMerchant>>;

async function createCharge(body: Record<string, unknown>): Promise<Charge> {
  const created = await api('POST', '/v1/charges', { key: merchant.api_key, body: { asset: 'USDC', ...body } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as Charge;
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

/** Pushes a charge event to the charge's subscribers as the notify function does. */
async function pushChargeEvent(type: string, charge: Charge, createdAt = new Date()): Promise<void> {
  const info = stack();
  const deps = {
    dynamodb: clients().dynamodb,
    tableName: info.tableName,
    now: () => new Date(),
    management: new ApiGatewayManagementApiClient({ region: info.region, credentials: localCredentials, endpoint: info.websocketUrl.replace(/^ws/, 'http'), maxAttempts: 1 }),
    postFailed: (failure: unknown) => {
      throw new Error(`push failed: ${String(failure)}`);
    },
  };
  const event = { id: newId('evt'), object: 'event', type, created_at: createdAt.toISOString(), data: { object: charge } } as LanepayEvent;
  await pushEvent(deps, event, merchant.merchant_id);
}

/** Opens a checkout page and waits until it follows its charge over the WebSocket; records the frames it receives. */
async function openCheckout(context: BrowserContext, url: string): Promise<Page & { frames: string[] }> {
  const page = Object.assign(await context.newPage(), { frames: [] as string[] });
  page.on('websocket', (socket) => socket.on('framereceived', (frame) => page.frames.push(String(frame.payload))));
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  await page.locator('#live[data-state=on]').waitFor({ timeout: 30_000 });
  return page;
}

async function statusOf(page: Page): Promise<string> {
  return (await page.locator('#status-text').textContent()) ?? '';
}

async function waitForStatus(page: Page, text: string, timeoutMs = paymentDeadlineMs): Promise<void> {
  await page.waitForFunction((expected) => document.getElementById('status-text')?.textContent === expected, text, { timeout: timeoutMs });
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
async function clipboardText(context: BrowserContext): Promise<string> {
  const reader = await context.newPage();
  try {
    await reader.goto(`${stack().apiUrl}/v1/openapi.json`);
    await reader.bringToFront();
    return await reader.evaluate(() => navigator.clipboard.readText());
  } finally {
    await reader.close();
  }
}

// The expiring charge is created first, so its minute runs down while the other tests run.
let expiring: Charge;
let expiringPages: { en: Page; zh: Page };

beforeAll(async () => {
  browser = await launchBrowser();
  [english, chinese] = await Promise.all([browser.phone('en-US'), browser.phone('zh-CN')]);
  merchant = await fundedMerchant(0n);
  expiring = await createCharge({ amount: '1000000', expires_in: 60 });
  expiringPages = { en: await openCheckout(english, expiring.hosted_url), zh: await openCheckout(chinese, expiring.hosted_url) };
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

describe('the hosted checkout page in Chromium', () => {
  it('answers an unknown charge with a 404 page in the asked language', async () => {
    const page = await english.newPage();
    const unknown = await page.goto(`${stack().apiUrl}/checkout/ch_${'0'.repeat(26)}`);
    expect(unknown?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Payment not found');
    const malformed = await page.goto(`${stack().apiUrl}/checkout/not-a-charge?lang=zh-CN`);
    expect(malformed?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('未找到该付款');
    await screenshot(page, 'not-found-zh-CN');
    await page.close();
  });

  it("shows amount, chains, address, QR code and countdown on a phone, in the browser's language", async () => {
    const charge = await createCharge({ amount: '2500000', description: 'Order 42', metadata: { internal: 'merchant-only' } });
    expect(charge.hosted_url).toBe(`${stack().apiUrl}/checkout/${charge.id}`);
    const en = await openCheckout(english, charge.hosted_url);
    const zh = await openCheckout(chinese, charge.hosted_url);

    expect(await en.locator('h1').textContent()).toBe('Pay 2.50 USDC');
    expect(await zh.locator('h1').textContent()).toBe('支付 2.50 USDC');
    expect(await en.locator('.description').textContent()).toBe('Order 42');
    expect(await statusOf(en)).toBe('Waiting for your payment');
    expect(await statusOf(zh)).toBe('等待付款');
    expect(await en.locator('#countdown').textContent()).toMatch(/^(30:00|29:[0-5]\d)$/);
    expect(await en.locator('input[name=chain]').evaluateAll((radios) => radios.map((radio) => (radio as HTMLInputElement).value)))
      .toEqual(charge.addresses.map((address) => address.chain));
    expect(await en.locator('.option:visible').count()).toBe(1);
    expect(await en.locator('.option:visible .address').textContent()).toBe(charge.addresses[0]!.deposit_address);
    expect(await en.locator('.option:visible .qr svg').isVisible()).toBe(true);
    expect(await en.locator('.option:visible a.wallet').getAttribute('href')).toBe(charge.addresses[0]!.payment_uri);
    // Readable on a phone: nothing wider than the screen, the QR code large enough to scan.
    expect(await en.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phoneViewport.width);
    expect((await en.locator('.option:visible .qr svg').boundingBox())!.width).toBeGreaterThanOrEqual(200);
    // ?lang= wins over the browser's language.
    const switched = await openCheckout(chinese, `${charge.hosted_url}?lang=en`);
    expect(await switched.locator('h1').textContent()).toBe('Pay 2.50 USDC');
    expect(await en.content()).not.toContain('merchant-only');
    await screenshot(en, 'awaiting-payment-en');
    await screenshot(zh, 'awaiting-payment-zh-CN');
    await Promise.all([en.close(), zh.close(), switched.close()]);
  });

  it('is usable from the keyboard: Tab to the chain picker, arrows to another chain, Tab to copy, Enter copies', async () => {
    const charge = await createCharge({ amount: '1000000' });
    await english.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(stack().apiUrl).origin });
    const page = await openCheckout(english, charge.hosted_url);
    const [, second] = charge.addresses;

    await page.bringToFront();
    await tabTo(page, 'input[name=chain]');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('.option:visible').getAttribute('data-chain')).toBe(second!.chain);
    await tabTo(page, '.option:not([hidden]) button.copy');
    await page.keyboard.press('Enter');

    await page.locator('.option:visible .feedback', { hasText: 'Address copied' }).waitFor();
    expect(await clipboardText(english)).toBe(second!.deposit_address);
    await screenshot(page, 'copied-en');
    await page.close();
  });

  it('follows pushed charge events without a reload: underpaid with what is missing, then paid; an older event never undoes a newer', async () => {
    const charge = await createCharge({ amount: '2000000', metadata: { internal: 'merchant-only' } });
    const en = await openCheckout(english, charge.hosted_url);
    const zh = await openCheckout(chinese, `${charge.hosted_url}?lang=zh-CN`);
    await en.evaluate(() => Object.assign(window, { loadedOnce: true }));
    const pendingAt = new Date(Date.now() - 60_000);

    await pushChargeEvent('charge.underpaid', { ...charge, status: 'underpaid', amount_received: '1250000' });
    await waitForStatus(en, 'Underpaid: 0.75 USDC missing', 30_000);
    await waitForStatus(zh, '付款不足：还差 0.75 USDC', 30_000);
    expect(await en.locator('.option:visible .address').isVisible()).toBe(true);
    await screenshot(en, 'pushed-underpaid-en');
    await screenshot(zh, 'pushed-underpaid-zh-CN');

    await pushChargeEvent('charge.pending', { ...charge, status: 'pending', amount_pending: '1250000' }, pendingAt);
    await pushChargeEvent('charge.succeeded', { ...charge, status: 'succeeded', amount_received: '2000000' });
    await waitForStatus(en, 'Paid', 30_000);
    await waitForStatus(zh, '已支付', 30_000);
    expect(await en.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    expect(await en.locator('#pay').isHidden()).toBe(true);
    // The stale charge.pending arrived and was ignored; no frame carried the merchant's fields.
    expect(en.frames.some((frame) => frame.includes('"charge.pending"'))).toBe(true);
    expect(en.frames.join('\n')).not.toMatch(/merchant-only|"metadata"|"customer"/);
    await screenshot(en, 'pushed-paid-en');
    await screenshot(zh, 'pushed-paid-zh-CN');
    await Promise.all([en.close(), zh.close()]);
  });
});

describe('paying on the local chain, as a customer does', () => {
  it('turns "paid" without a reload when the exact amount arrives', async () => {
    const charge = await createCharge({ amount: '2500000' });
    const en = await openCheckout(english, charge.hosted_url);
    const zh = await openCheckout(chinese, charge.hosted_url);
    await en.evaluate(() => Object.assign(window, { loadedOnce: true }));
    const [, second] = charge.addresses;

    await pay(second!.chain, second!.deposit_address, 2_500_000n);

    await waitForStatus(en, 'Paid');
    await waitForStatus(zh, '已支付');
    expect(await en.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    expect(await en.locator('#pay').isHidden()).toBe(true);
    expect(await en.locator('#status-hint').textContent()).toBe('Thank you. You can close this page.');
    await screenshot(en, 'paid-en');
    await screenshot(zh, 'paid-zh-CN');
    expect((await api('GET', `/v1/charges/${charge.id}`, { key: merchant.api_key })).body.status).toBe('succeeded');
    await Promise.all([en.close(), zh.close()]);
  }, 240_000);

  it('shows "underpaid" with the missing amount, and keeps the address on offer', async () => {
    const charge = await createCharge({ amount: '2000000' });
    const en = await openCheckout(english, charge.hosted_url);
    const zh = await openCheckout(chinese, charge.hosted_url);
    const [first] = charge.addresses;

    await pay(first!.chain, first!.deposit_address, 1_250_000n);

    await waitForStatus(en, 'Underpaid: 0.75 USDC missing');
    await waitForStatus(zh, '付款不足：还差 0.75 USDC');
    expect(await en.locator('#status-hint').textContent()).toBe('Send the missing amount to the same address before the time runs out.');
    expect(await en.locator('.option:visible .address').textContent()).toBe(first!.deposit_address);
    expect(await en.locator('#countdown-row').isVisible()).toBe(true);
    await screenshot(en, 'underpaid-en');
    await screenshot(zh, 'underpaid-zh-CN');
    expect((await api('GET', `/v1/charges/${charge.id}`, { key: merchant.api_key })).body).toMatchObject({ status: 'underpaid', amount_received: '1250000' });
    await Promise.all([en.close(), zh.close()]);
  }, 240_000);

  it('shows "expired" once the time is up, stops offering the address, and stays so when the server expires the charge', async () => {
    const { en, zh } = expiringPages;
    await waitForStatus(en, 'Expired');
    await waitForStatus(zh, '已过期');
    expect(await en.locator('#pay').isHidden()).toBe(true);
    expect(await en.locator('#status-hint').textContent()).toBe('The time to pay has run out. Do not send anything to this address.');
    await waitFor('the charge to expire on the server', async () => {
      const read = await api('GET', `/v1/charges/${expiring.id}`, { key: merchant.api_key });
      return read.body.status === 'expired' ? true : undefined;
    }, { timeoutMs: paymentDeadlineMs, intervalMs: 1000 });
    expect(await statusOf(en)).toBe('Expired');
    const reloaded = await english.newPage();
    await reloaded.goto(expiring.hosted_url);
    expect(await statusOf(reloaded)).toBe('Expired');
    await screenshot(en, 'expired-en');
    await screenshot(zh, 'expired-zh-CN');
    await reloaded.close();
  }, 240_000);
});
