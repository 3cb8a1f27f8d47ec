import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { AxeBuilder } from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en, zhCN, type Messages } from '#api/pages/console/browser/messages.js';
import { fill } from '#api/pages/console/browser/format.js';
import { newTreasuryTransferApproval } from '#lib/merchants/approvals/request.js';
import { treasuryStatusSchema } from '#lib/treasury/status/schema.js';
import { forecastItem, type ForecastRecord } from '#lib/treasury/planning/forecast-items.js';
import { safeTxHash, tokenTransfer } from '#lib/treasury/safe/safe-tx.js';
import type { TreasuryTransfer } from '#lib/treasury/transfers/items.js';
import { proposeTransfer, readTransfer, recordFailure, type TransferStepDeps } from '#lib/treasury/transfers/steps.js';
import { consoleUrl as stackConsoleUrl } from '../../scripts/stack/console-url.js';
import { api } from '../support/api.js';
import { Authenticator } from '../support/authenticator.js';
import { launchBrowser, screenshotDir, type TestBrowser } from '../support/browser.js';
import { clients, fundedMerchant } from '../support/deps.js';
import { stack } from '../support/stack.js';

/**
 * The console's Treasury page in Chromium against the local stack: a platform member sees each
 * chain's Safe, owners and threshold, the hot wallets against their plans, and an open proposal with
 * its signatures, the forecast that justified it and a link to its approval; in English and
 * Simplified Chinese, with no serious or critical axe violation. No owner key is bound here (owner
 * bindings are stage-wide: cli-owners.test.ts alone binds them), so the page must read without them.
 * Its proposal names a Safe of its own in its SafeTx (it never holds the stack's Safes) and is failed at the end.
 */

const desktop = { width: 1280, height: 900 };
const policy = { treasury: { approvals: 2 }, admin_changes: { approvals: 0 }, expires_after_seconds: 3600 };

let browser: TestBrowser;
let merchant: Awaited<ReturnType<typeof fundedMerchant>>;
let admin: { email: string; key: string; app: Authenticator };
let deps: TransferStepDeps;
let transfer: TreasuryTransfer;
let approvalId: string;
const contexts: BrowserContext[] = [];

const consoleUrl = (rest = '') => `${stackConsoleUrl(stack().apiUrl)}${rest}`;

async function signIn(locale: string, m: Messages): Promise<Page> {
  const context = await browser.browser.newContext({ viewport: desktop, locale });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(consoleUrl('sign-in'));
  await page.getByLabel(m.memberKey).fill(admin.key);
  await page.getByLabel(m.oneTimeCode).fill(await admin.app.nextCode());
  await page.getByRole('button', { name: m.signIn, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: m.overviewTitle }).waitFor({ timeout: 30_000 });
  return page;
}

/** local-b's forecast without a shortfall (nothing for a rebalancing run to act on), as the job stores it. */
function forecastOfB(generatedAt: string): ForecastRecord {
  const firstStepAt = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
  return {
    chain: 'local-b', asset: 'USDC', generatedAt, status: 'ok', historyHours: 96, firstStepAt, strategy: 'test',
    mean: Array.from({ length: 48 }, () => 2_000_000),
    intervals: [
      { level: 0.8, lower: Array.from({ length: 48 }, () => 1_000_000), upper: Array.from({ length: 48 }, () => 3_000_000) },
      { level: 0.95, lower: Array.from({ length: 48 }, () => 500_000), upper: Array.from({ length: 48 }, () => 4_000_000) },
    ],
    plan: {
      wallet: stack().chains[1]!.hotWallet, leadTimeHours: 6, quantile: 0.95, balanceMinor: '1000000000', inFlightMinor: '0', inFlightCount: 0,
      availableMinor: '1000000000', requiredMinor: '24000000', topUpMinor: '0', expectedOutflowMinor: '12000000', dryProbability: 0, shortfallProbability: 0, shortfall: false, pathCount: 100,
    },
  };
}

beforeAll(async () => {
  browser = await launchBrowser();
  merchant = await fundedMerchant(0n, (profile) => ({ ...profile, platform: true, approvals: policy }));
  const added = await api('POST', '/v1/members', { key: merchant.api_key, body: { email: 'treasurer@console.test', role: 'admin' } });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  admin = { email: 'treasurer@console.test', key: added.body.key, app: new Authenticator(added.body.otpauth_uri) };

  deps = { dynamodb: clients().dynamodb, tableName: stack().tableName, platformMerchantId: merchant.merchant_id, now: () => new Date() };
  const [a, b] = [stack().chains[0]!, stack().chains[1]!];
  const ownSafe = `0x${randomBytes(20).toString('hex')}`;
  const tx = tokenTransfer(a.usdcAddress, b.hotWallet, 125_500_000n, 0n);
  const at = new Date().toISOString();
  transfer = {
    id: `tt_${randomBytes(8).toString('hex')}`, status: 'proposed', route: 'cctp', asset: 'USDC', amount: '125500000',
    from: { chain: 'local-a', account: 'treasury' }, to: { chain: 'local-b', account: 'hot_wallet', address: b.hotWallet },
    reason: { forecast_generated_at: at, dry_probability: '0.42', shortfall_minor: '125500000' }, threshold: 2,
    safeTx: { safe: ownSafe, chainId: a.chainId, to: tx.to, data: tx.data, operation: 0, nonce: '0', hash: safeTxHash(a.chainId, ownSafe, tx) },
    signatures: {}, createdAt: at, updatedAt: at,
  };
  const request = { merchant: { id: merchant.merchant_id, approvals: policy }, transferId: transfer.id, safeTxHash: transfer.safeTx!.hash, details: { amount: transfer.amount, asset: 'USDC' }, job: 'forecast-batch', now: new Date() };
  const held = newTreasuryTransferApproval(request);
  await proposeTransfer(deps, transfer, held);
  approvalId = held.approval.id;
}, 120_000);

afterAll(async () => {
  if (transfer && (await readTransfer(deps, transfer.id)).status === 'proposed') await recordFailure(deps, transfer, 'proposed', 'test finished');
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
});

describe('GET /v1/treasury', () => {
  it('answers 403 platform_only to a merchant that is not the platform, and the platform its treasury with the open proposal', async () => {
    const other = await fundedMerchant(0n);
    const refused = await api('GET', '/v1/treasury', { key: other.api_key });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('platform_only');

    const answered = await api('GET', '/v1/treasury', { key: merchant.api_key });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    const status = treasuryStatusSchema.parse(answered.body);
    expect(status.chains.map((chain) => [chain.chain, chain.safe, chain.threshold, chain.chain_threshold, chain.error])).toEqual(
      stack().chains.map((chain) => [chain.name, chain.treasury.safe, chain.treasury.threshold, chain.treasury.threshold, null]),
    );
    expect(status.proposals.data.find((p) => p.id === transfer.id)).toMatchObject({
      status: 'proposed', amount: '125500000', signatures: 0, threshold: 2, reason: transfer.reason,
      approval: { id: approvalId, status: 'pending', approvals: 0, approvals_required: 2 },
    });
  });
});

describe('the console\'s Treasury page', () => {
  it('shows a platform member each chain\'s Safe, owners and hot wallets, and the open proposal with its signatures, its forecast and a link to its approval', async () => {
    const page = await signIn('en-US', en);
    // The forecast job may replace local-b's seeded forecast with a newer one of its own: seed again until the page draws the seed.
    const chartTitle = fill(en.forecastTitle, { chain: 'local-b', asset: 'USDC' });
    const card = page.getByRole('article').filter({ hasText: transfer.id });
    for (let attempt = 1; ; attempt++) {
      await clients().dynamodb.send(new PutItemCommand({ TableName: stack().tableName, Item: forecastItem(forecastOfB(new Date().toISOString())) }));
      await page.goto(consoleUrl());
      await page.getByRole('navigation', { name: en.nav }).getByRole('link', { name: en.navTreasury, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: en.treasuryTitle }).waitFor({ timeout: 30_000 });
      await card.waitFor({ timeout: 30_000 });
      if (await card.getByRole('img', { name: chartTitle }).count() === 1 || attempt === 3) break;
    }
    await expect.poll(() => card.getByRole('img', { name: chartTitle }).count()).toBe(1);

    for (const chain of stack().chains) {
      const section = page.getByRole('region', { name: fill(en.treasuryChain, { chain: chain.name }) });
      await expect.poll(() => section.getByText(chain.treasury.safe, { exact: true }).count()).toBe(1);
      await expect.poll(() => section.getByText(`${fill(en.thresholdOf, { threshold: 2, owners: 3 })} · ${fill(en.thresholdOnChain, { threshold: 2 })}`).count()).toBe(1);
      const owners = section.getByRole('table', { name: fill(en.treasuryOwners, { chain: chain.name }) });
      expect(await owners.getByRole('row').count()).toBe(1 + chain.treasury.owners.length);
      for (const owner of chain.treasury.owners) await expect.poll(() => owners.getByText(owner.address, { exact: true }).count()).toBe(1);
      const wallets = section.getByRole('table', { name: fill(en.treasuryHotWallets, { chain: chain.name }) });
      await expect.poll(() => wallets.getByText(chain.hotWallet, { exact: true }).count()).toBe(1);
    }

    await expect.poll(() => card.getByRole('heading', { level: 3 }).textContent()).toBe('125.50 USDC from the local-a treasury to the local-b hot wallet');
    expect(await card.getByText(fill(en.signaturesOf, { count: 0, threshold: 2 }), { exact: true }).count()).toBe(1);
    expect(await card.getByText('0.42', { exact: true }).count()).toBe(1);
    await page.screenshot({ path: path.join(screenshotDir, 'console-en-US-treasury.png'), fullPage: true });

    const link = card.getByRole('link', { name: fill(en.approvalLink, { id: approvalId, status: en.approvalStatus_pending, count: 0, required: 2 }) });
    await link.click();
    await page.getByRole('heading', { level: 1, name: en.approvalsTitle }).waitFor({ timeout: 30_000 });
    await page.getByRole('article', { name: `treasury.transfer ${transfer.id}` }).waitFor({ timeout: 30_000 });
  }, 180_000);

  it('reads in Simplified Chinese and has no serious or critical axe violation in either language', async () => {
    const found: string[] = [];
    for (const [locale, m] of [['en-US', en], ['zh-CN', zhCN]] as const) {
      const page = await signIn(locale, m);
      await page.goto(consoleUrl('treasury'));
      await page.getByRole('heading', { level: 1, name: m.treasuryTitle }).waitFor({ timeout: 30_000 });
      await page.getByRole('region', { name: m.proposals }).getByRole('article').filter({ hasText: transfer.id }).waitFor({ timeout: 30_000 });
      await expect.poll(() => page.getByText(m.loading, { exact: true }).count(), { timeout: 30_000 }).toBe(0);
      const results = await new AxeBuilder({ page }).analyze();
      for (const violation of results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
        found.push(`${locale}: ${violation.id} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
      }
      if (m === zhCN) await page.screenshot({ path: path.join(screenshotDir, 'console-zh-CN-treasury.png'), fullPage: true });
    }
    expect(found).toEqual([]);
  }, 180_000);
});
