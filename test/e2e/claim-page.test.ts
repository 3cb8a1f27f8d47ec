import path from 'node:path';
import { getBytes, Wallet, type BaseWallet } from 'ethers';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClaim } from '#lib/money/refunds/claims.js';
import { api } from '../support/api.js';
import { launchBrowser, phoneViewport, screenshotDir, type TestBrowser } from '../support/browser.js';
import { claimIdOf } from '../support/claims.js';
import { clients, fundedMerchant, usdc } from '../support/deps.js';
import { creditedCharge } from '../support/refunds.js';
import { stack } from '../support/stack.js';

/**
 * A refund's claim page in Debian's headless Chromium against the local stack, on a phone, in
 * English and Simplified Chinese: the payer types an address, the page writes it into the message,
 * a browser wallet (an injected EIP-1193 provider whose personal_sign is a real key's, signing in
 * the test) signs, and the page posts the claim. Screenshots land in test-results/checkout/.
 */

let browser: TestBrowser;
let english: BrowserContext;
let chinese: BrowserContext;

async function claimRefund(amount: string) {
  const merchant = await fundedMerchant(usdc(100));
  const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });
  const created = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { amount, claim: true } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { merchant, refund: created.body, claimId: claimIdOf(created.body) };
}

/** Opens the page, collecting every CSP violation and page error it reports. */
async function open(context: BrowserContext, url: string): Promise<Page & { violations: string[] }> {
  const page = Object.assign(await context.newPage(), { violations: [] as string[] });
  page.on('console', (message) => {
    if (/Content Security Policy|Trusted Type/i.test(message.text())) page.violations.push(message.text());
  });
  page.on('pageerror', (error) => page.violations.push(String(error)));
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  return page;
}

/** Gives the page a browser wallet holding `wallet`'s key: eth_requestAccounts answers its address, personal_sign signs in the test. */
async function withWallet(page: Page, wallet: BaseWallet): Promise<void> {
  await page.exposeFunction('testWalletSign', (hexMessage: string) => wallet.signMessage(getBytes(hexMessage)));
  await page.addInitScript((address) => {
    (window as unknown as { ethereum: unknown }).ethereum = {
      request: async ({ method, params }: { method: string; params?: string[] }) => {
        if (method === 'eth_requestAccounts') return [address];
        if (method === 'personal_sign') return (window as unknown as { testWalletSign: (m: string) => Promise<string> }).testWalletSign(params![0]!);
        throw new Error(`unsupported ${method}`);
      },
    };
  }, wallet.address);
}

beforeAll(async () => {
  browser = await launchBrowser();
  [english, chinese] = await Promise.all([browser.phone('en-US'), browser.phone('zh-CN')]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

describe('the refund claim page in Chromium', () => {
  it("shows the amount, asset, chain, merchant, expiry and the message in the browser's language, writes the typed address into the message, and breaks no CSP rule", async () => {
    const { merchant, refund } = await claimRefund('2500000');
    const zh = await open(chinese, refund.claim_url);
    expect(await zh.locator('h1').textContent()).toBe('领取您的 2.50 USDC 退款');
    expect(await zh.locator('.description').textContent()).toBe(`来自 ${merchant.profile.name}`);
    expect(await zh.locator('#amount').textContent()).toBe('2.50 USDC');
    expect(await zh.locator('#network').textContent()).toBe('local-a (chain ID 31337)');
    expect(await zh.locator('#expires').getAttribute('datetime')).toBe(refund.claim_expires_at);
    expect(await zh.locator('#status-text').textContent()).toBe('等待您领取');
    expect(await zh.locator('#message').textContent()).toContain('Address: <your address>');
    expect(await zh.locator('#claim-form').isVisible()).toBe(true);
    const typed = Wallet.createRandom().address;
    await zh.locator('#address').fill(typed);
    expect(await zh.locator('#message').textContent()).toContain(`Address: ${typed.toLowerCase()}`);
    expect(await zh.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phoneViewport.width);
    await zh.screenshot({ path: path.join(screenshotDir, 'claim-open-zh-CN.png'), fullPage: true });
    const en = await open(chinese, `${refund.claim_url}?lang=en`);
    expect(await en.locator('h1').textContent()).toBe('Claim your refund of 2.50 USDC');
    expect([...zh.violations, ...en.violations]).toEqual([]);
    await Promise.all([zh.close(), en.close()]);
  });

  it('claims with the browser wallet: the page signs the message with personal_sign, posts it, and shows the refund claimed to that address', async () => {
    const { merchant, refund, claimId } = await claimRefund('3000000');
    const payer = Wallet.createRandom();
    const page = Object.assign(await english.newPage(), { violations: [] as string[] });
    page.on('console', (message) => { if (/Content Security Policy|Trusted Type/i.test(message.text())) page.violations.push(message.text()); });
    await withWallet(page, payer);
    expect((await page.goto(refund.claim_url))?.status()).toBe(200);
    await page.locator('#sign-wallet').click();
    await expect.poll(() => page.locator('#signature').inputValue(), { timeout: 10_000 }).toMatch(/^0x[0-9a-f]{130}$/);
    expect(await page.locator('#address').inputValue()).toBe(payer.address);
    await page.locator('#claim-submit').click();
    await page.locator('#claim[data-status=claimed]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#status-text').textContent()).toBe('Claimed');
    expect(await page.locator('#claimed-to').textContent()).toBe(`Paid to ${payer.address}`);
    expect(await page.locator('#claim-form').isHidden()).toBe(true);
    await page.screenshot({ path: path.join(screenshotDir, 'claim-claimed-en.png'), fullPage: true });
    const read = await api('GET', `/v1/refunds/${refund.id}`, { key: merchant.api_key });
    expect(read.body).toMatchObject({ status: 'processing', destination: payer.address });
    expect((await readClaim({ dynamodb: clients().dynamodb, tableName: stack().tableName }, claimId)).claim.status).toBe('claimed');
    expect(page.violations).toEqual([]);
    await page.close();
  });

  it("shows the API's refusal when the signature is another key's, and leaves the claim open", async () => {
    const { refund, claimId } = await claimRefund('1000000');
    const page = await open(english, refund.claim_url);
    const other = Wallet.createRandom();
    const payer = Wallet.createRandom();
    await page.locator('#address').fill(payer.address);
    const message = await page.locator('#message').textContent();
    await page.locator('#signature').fill(await other.signMessage(message!));
    await page.locator('#claim-submit').click();
    await expect.poll(() => page.locator('#claim-error').textContent(), { timeout: 15_000 }).toContain(`The signature is from ${other.address}, not from ${payer.address}`);
    expect(await page.locator('#claim').getAttribute('data-status')).toBe('open');
    expect((await readClaim({ dynamodb: clients().dynamodb, tableName: stack().tableName }, claimId)).claim.status).toBe('open');
    await page.screenshot({ path: path.join(screenshotDir, 'claim-refused-en.png'), fullPage: true });
    expect(page.violations).toEqual([]);
    await page.close();
  });
});
