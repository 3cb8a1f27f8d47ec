import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en, zhCN, type Messages } from '#api/pages/console/browser/messages.js';
import { parseRoute } from '#api/pages/console/browser/routes.js';
import { consoleUrl as stackConsoleUrl } from '../../scripts/stack/console-url.js';
import { api } from '../support/api.js';
import { Authenticator } from '../support/authenticator.js';
import { launchBrowser, screenshotDir, type TestBrowser } from '../support/browser.js';
import { fundedMerchant } from '../support/deps.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { startReceiver } from '../support/webhook-receiver.js';

/**
 * The console in Debian's headless Chromium against the local stack, on a desktop, in English and
 * Simplified Chinese: members sign in with their TOTP codes, approve a held payout in two browsers
 * until it pays out, resolve a KYC review, redeliver a webhook; a viewer sees no Approve button and
 * the API refuses it anyway; axe finds no serious or critical violation on any page. Tests find
 * controls by role and label only. Screenshots land in test-results/checkout/console-*.png.
 */

const desktop = { width: 1280, height: 900 };
const payoutDeadlineMs = 150_000;
const destination = '0x52908400098527886E0F7030069857D2E4169EE7';

interface ConsoleMember {
  id: string;
  email: string;
  key: string;
  app: Authenticator;
}

let browser: TestBrowser;
let merchant: Awaited<ReturnType<typeof fundedMerchant>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let admin: ConsoleMember;
let approver: ConsoleMember;
let viewer: ConsoleMember;
const contexts: BrowserContext[] = [];

/** A console page on `localhost`, as `npm run dev` prints it. */
function consoleUrl(rest = ''): string {
  return `${stackConsoleUrl(stack().apiUrl)}${rest}`;
}

async function addMember(email: string, role: 'viewer' | 'approver' | 'admin'): Promise<ConsoleMember> {
  const added = await api('POST', '/v1/members', { key: merchant.api_key, body: { email, role } });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  return { id: added.body.id, email, key: added.body.key, app: new Authenticator(added.body.otpauth_uri) };
}

async function desktopContext(locale: string): Promise<BrowserContext> {
  const context = await browser.browser.newContext({ viewport: desktop, locale });
  contexts.push(context);
  return context;
}

/** Signs `member` in with its next TOTP code, in the context's language; the overview opens. */
async function signIn(context: BrowserContext, member: ConsoleMember, m: Messages = en): Promise<Page> {
  const page = await context.newPage();
  await page.goto(consoleUrl('sign-in'));
  await page.getByLabel(m.memberKey).fill(member.key);
  await page.getByLabel(m === en ? 'One-time code' : '一次性验证码').fill(await member.app.nextCode());
  await page.getByRole('button', { name: m === en ? 'Sign in' : '登录', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: m.overviewTitle }).waitFor({ timeout: 30_000 });
  return page;
}

/** Follows an in-app link from the nav, as a user would. */
async function open(page: Page, m: Messages, section: string): Promise<void> {
  await page.getByRole('navigation', { name: m.nav }).getByRole('link', { name: section, exact: true }).click();
}

async function heldPayout(amountMinor: string): Promise<{ id: string; approval_id: string }> {
  const created = await api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: amountMinor, asset: 'USDC', chain: 'local-a', destination } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.status).toBe('requires_approval');
  return created.body;
}

async function paymentStatus(id: string, status: string, timeoutMs = payoutDeadlineMs) {
  return waitFor(`payment ${id} ${status}`, async () => {
    const found = await api('GET', `/v1/payments/${id}`, { key: merchant.api_key });
    return found.body.status === status ? found.body : undefined;
  }, { timeoutMs, intervalMs: 500 });
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `console-${name}.png`), fullPage: true });
}

/** Waits until no part of the page still says it is loading. */
async function settled(page: Page, m: Messages): Promise<void> {
  await page.getByRole('status').filter({ hasText: m.loading }).first().waitFor({ state: 'detached', timeout: 30_000 }).catch(() => undefined);
  await expect.poll(() => page.getByText(m.loading, { exact: true }).count(), { timeout: 30_000 }).toBe(0);
}

beforeAll(async () => {
  browser = await launchBrowser();
  receiver = await startReceiver();
  merchant = await fundedMerchant(1_000_000_000n, (profile) => ({ ...profile, platform: true }));
  admin = await addMember('admin@console.test', 'admin');
  approver = await addMember('approver@console.test', 'approver');
  viewer = await addMember('viewer@console.test', 'viewer');
  // Payouts from 50 USDC wait for two approvals; admin changes go ahead (the test's own setup is one).
  const policy = await api('PUT', '/v1/approval_policy', { key: merchant.api_key, body: { policy: { payouts: { at_or_above: '50000000', approvals: 2 }, admin_changes: { approvals: 0 } } } });
  expect(policy.status, JSON.stringify(policy.body)).toBe(200);
  const endpoint = await api('POST', '/v1/webhook_endpoints', { key: merchant.api_key, body: { url: receiver.url('/console'), events: ['payment.authorized', 'payment.succeeded'] } });
  expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
}, 300_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await receiver?.close();
});

describe('the console in Chromium', () => {
  let adminPage: Page;

  it('signs a member in with a member key and a TOTP code, and shows the overview', async () => {
    const context = await desktopContext('en-US');
    const page = await context.newPage();
    const response = await page.goto(consoleUrl());
    expect(response?.status()).toBe(200);
    // Signed out, the console offers its sign-in form wherever it is opened.
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).count()).toBe(1);
    await page.close();
    adminPage = await signIn(context, admin);
    await settled(adminPage, en);
    expect(await adminPage.getByText(`Signed in as ${admin.email} (admin)`).count()).toBe(1);
    expect(await adminPage.getByRole('row', { name: /USDC\s+1,000\.00 USDC/ }).count()).toBe(1);
    await screenshot(adminPage, 'overview-en');
  });

  it('prints how long the overview takes to be ready (measured, not asserted)', async () => {
    const started = Date.now();
    await adminPage.goto(consoleUrl());
    await adminPage.getByRole('heading', { level: 1, name: en.overviewTitle }).waitFor();
    await settled(adminPage, en);
    console.log(`console overview ready in ${Date.now() - started} ms (navigation to every section loaded, ${stack().apiUrl})`);
  });

  it('approves a held payout with two members in two browsers, and the payout pays out', async () => {
    const payment = await heldPayout('60000000');
    const approverPage = await signIn(await desktopContext('en-US'), approver);
    for (const [page, member, expected] of [[adminPage, admin, '1 of 2 approvals'], [approverPage, approver, '2 of 2 approvals']] as const) {
      await open(page, en, 'Approvals');
      const card = page.getByRole('article', { name: `payout ${payment.id}` });
      await card.waitFor();
      // What will change, bound by its hash, is shown before anyone decides.
      expect(await card.getByText(/^[0-9a-f]{64}$/).count()).toBe(1);
      await card.getByLabel('One-time code').fill(await member.app.nextCode());
      await card.getByRole('button', { name: 'Approve', exact: true }).click();
      await card.getByRole('status').filter({ hasText: 'Decision recorded' }).waitFor({ timeout: 30_000 });
      if (member === admin) {
        await page.reload();
        await page.getByRole('article', { name: `payout ${payment.id}` }).getByText(new RegExp(`${expected}: ${admin.email}`)).waitFor();
      }
    }
    const paid = await paymentStatus(payment.id, 'succeeded');
    await approverPage.goto(consoleUrl(`payments/${payment.id}`));
    await approverPage.getByRole('heading', { level: 1, name: `Payment ${payment.id}` }).waitFor();
    await approverPage.getByText(paid.tx_hash).waitFor();
    await approverPage.getByRole('region', { name: 'Timeline' }).getByText('payment.succeeded').waitFor({ timeout: 30_000 });
    // The succeeded event's delivery to the merchant's endpoint, once the webhook function made it.
    await expect.poll(async () => {
      await approverPage.reload();
      await settled(approverPage, en);
      return approverPage.getByRole('table', { name: 'Deliveries of payment.succeeded' }).getByText('Delivered (200)').count();
    }, { timeout: 60_000, interval: 2_000 }).toBe(1);
    await screenshot(approverPage, 'payment-paid-en');
  }, payoutDeadlineMs + 120_000);

  it('resolves a KYC review with a reason, as the member', async () => {
    const customer = await api('POST', '/v1/customers', { key: merchant.api_key, body: {} });
    const started = await api('POST', `/v1/customers/${customer.body.id}/verifications`, {
      key: merchant.api_key,
      body: { name: 'Kim Jong Un', birth_date: '1984-01-08', nationality: 'CN', document: { type: 'cn_resident_id', number: '110105198401081235' } },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    await waitFor('verification in review', async () => {
      const read = await api('GET', `/v1/customers/${customer.body.id}/verifications/${started.body.id}`, { key: merchant.api_key });
      return read.body.status === 'review' ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    await open(adminPage, en, 'KYC review');
    const card = adminPage.getByRole('article', { name: `Customer ${customer.body.id}` });
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getByText('sanctions_match').count()).toBe(1);
    await card.getByRole('radio', { name: 'Reject customer' }).check();
    await card.getByLabel('Reason for the decision').fill('confirmed listed person');
    await card.getByRole('button', { name: 'Resolve', exact: true }).click();
    await card.getByRole('status').filter({ hasText: 'Resolved' }).waitFor({ timeout: 30_000 });
    const resolved = await api('GET', `/v1/customers/${customer.body.id}/verifications/${started.body.id}`, { key: merchant.api_key });
    expect(resolved.body).toMatchObject({ status: 'rejected', resolution: { decision: 'rejected', note: 'confirmed listed person' } });
  });

  it('redelivers a webhook from the endpoint page', async () => {
    const paid = await api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: '1000000', asset: 'USDC', chain: 'local-a', destination, capture: 'manual' } });
    expect(paid.status).toBe(201);
    const event = await waitFor('the authorized event delivered', () => receiver.received.find((hit) => hit.body.includes(paid.body.id) && hit.body.includes('payment.authorized')), { timeoutMs: 60_000 });
    const eventId = JSON.parse(event.body).id as string;
    await open(adminPage, en, 'Webhooks');
    const endpoint = adminPage.getByRole('article', { name: receiver.url('/console') });
    const redeliver = endpoint.getByRole('button', { name: `Redeliver ${eventId}` }).first();
    await redeliver.waitFor({ timeout: 30_000 });
    await redeliver.click();
    await endpoint.getByRole('status').filter({ hasText: `Redelivery of ${eventId} queued` }).waitFor();
    await waitFor('the redelivery', () => (receiver.received.filter((hit) => hit.body.includes(`"${eventId}"`)).length === 2 ? true : undefined), { timeoutMs: 60_000 });
  });

  it('switches to Simplified Chinese, keeps it after a reload, and approves there', async () => {
    const payment = await heldPayout('55000000');
    const context = await desktopContext('en-US');
    const page = await signIn(context, admin);
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: zhCN.overviewTitle }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: zhCN.overviewTitle }).waitFor();
    await open(page, zhCN, zhCN.navApprovals);
    const card = page.getByRole('article', { name: `payout ${payment.id}` });
    await card.getByLabel('一次性验证码').fill(await admin.app.nextCode());
    await card.getByRole('button', { name: '批准', exact: true }).click();
    await card.getByRole('status').filter({ hasText: '已记录决定' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'approval-zh-CN');
    // The second approval, by API, releases it.
    const second = await api('POST', `/v1/approvals/${payment.approval_id}/approve`, { key: approver.key, body: {}, headers: { 'Lanepay-OTP': await approver.app.nextCode() } });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.status).toBe('approved');
  });

  it('shows a viewer no Approve button, and the API refuses the viewer all the same', async () => {
    const payment = await heldPayout('70000000');
    const page = await signIn(await desktopContext('en-US'), viewer);
    await open(page, en, 'Approvals');
    const card = page.getByRole('article', { name: `payout ${payment.id}` });
    await card.waitFor();
    expect(await card.getByRole('button').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await page.getByLabel('One-time code').count()).toBe(0);
    const refused = await page.evaluate(async ({ approvalId, code }) => {
      const session = await (await fetch('/console/session')).json();
      const answer = await fetch(`/console/api/v1/approvals/${approvalId}/approve`, {
        method: 'POST',
        headers: { 'x-csrf-token': session.csrf_token, 'lanepay-otp': code, 'idempotency-key': crypto.randomUUID() },
      });
      return { status: answer.status, body: await answer.json() };
    }, { approvalId: payment.approval_id, code: await viewer.app.nextCode() });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('role_forbidden');
    const still = await api('GET', `/v1/payments/${payment.id}`, { key: merchant.api_key });
    expect(still.body.status).toBe('requires_approval');
  });
});

describe('the console for assistive technology', () => {
  it('has no serious or critical axe violation and no dead link on any page, in English and Simplified Chinese', async () => {
    const charge = await api('POST', '/v1/charges', { key: merchant.api_key, body: { amount: '2500000', asset: 'USDC' } });
    const payments = await api('GET', '/v1/payments?limit=1', { key: merchant.api_key });
    const pages = ['', 'payments', `payments/${payments.body.data[0].id}`, 'charges', `charges/${charge.body.id}`, 'approvals', 'kyc', 'webhooks', 'audit', 'members', 'no-such-page'];
    const found: string[] = [];
    for (const [locale, m] of [['en-US', en], ['zh-CN', zhCN]] as const) {
      const context = await desktopContext(locale);
      const signedOut = await context.newPage();
      await signedOut.goto(consoleUrl('sign-in'));
      await signedOut.getByRole('heading', { level: 1, name: m.signInTitle }).waitFor();
      const page = await signIn(context, admin, m);
      for (const rest of pages) {
        await page.goto(consoleUrl(rest));
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await settled(page, m);
        const results = await new AxeBuilder({ page }).analyze();
        for (const violation of results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
          found.push(`${locale} /console/${rest}: ${violation.id} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
        }
        // No dead links: every console link leads to a page the console has.
        for (const href of await page.getByRole('link').evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).href))) {
          const url = new URL(href);
          // In-page links (the skip link to #main) stay on the page they are on, whatever it is.
          const inPage = url.hash !== '' && url.pathname === new URL(page.url()).pathname;
          if (!inPage && url.origin === new URL(consoleUrl()).origin && url.pathname.startsWith('/console') && parseRoute(url.pathname, url.search, '/console').page === 'not-found') {
            found.push(`${locale} /console/${rest}: dead link ${href}`);
          }
        }
        await screenshot(page, `${locale}-${(rest || 'overview').replace(/\//g, '-')}`);
      }
      const signInResults = await new AxeBuilder({ page: signedOut }).analyze();
      for (const violation of signInResults.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) found.push(`${locale} sign-in: ${violation.id}`);
    }
    expect(found).toEqual([]);
  }, 240_000);
});
