import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { challengeKey, passkeyKey } from '#lib/merchants/sessions/passkey-items.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { api } from '../support/api.js';
import { clients, fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { Authenticator } from '../support/authenticator.js';
import { cliOutput } from '../support/members.js';
import { stack } from '../support/stack.js';

/**
 * Passkeys in Debian's headless Chromium against the local stack: a member signs in with a code,
 * registers a passkey on a CDP virtual authenticator (a platform authenticator with resident keys and
 * user verification, as a phone or a laptop's fingerprint reader is), signs out and signs in with
 * the passkey alone. The console is opened at http://localhost:<port>/console/: browsers refuse
 * WebAuthn on an IP address.
 */
let browser: TestBrowser;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;
let authenticatorId: string;
let cli: ReturnType<typeof cliAgainstTestStack>;

/** CDP gives credential ids in base64; WebAuthn's JSON and the table use base64url. */
const base64url = (id: string) => id.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

const consoleUrl = () => `${stack().apiUrl.replace('127.0.0.1', 'localhost')}/console/`;

async function credentials(): Promise<{ credentialId: string; isResidentCredential: boolean; signCount: number; rpId: string }[]> {
  return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials as never;
}

describe('console passkeys in a browser', () => {
  let signedInAnswer: string;
  let member: { id: string; key: string; app: Authenticator; email: string };
  let merchant: Awaited<ReturnType<typeof fundedMerchant>>;

  beforeAll(async () => {
    cli = cliAgainstTestStack();
    merchant = await fundedMerchant(usdc(1_000));
    const added = cliOutput(await cli.run(['member', 'add', '--merchant', merchant.merchant_id, '--email', 'pia@example.com', '--role', 'approver']));
    member = { id: added.id, key: added.key, app: new Authenticator(added.otpauth_uri), email: 'pia@example.com' };
    cliOutput(await cli.run(['approval-policy', 'set', '--merchant', merchant.merchant_id, '--policy', JSON.stringify({ payouts: { at_or_above: usdc(100).toString(), approvals: 1 } })]));
    browser = await launchBrowser();
    context = await browser.desktop('en-US');
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    }));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    cli?.cleanup();
  });

  it('signs in with a code, registers a passkey, signs out and signs in with the passkey alone', async () => {
    await page.goto(consoleUrl());
    await page.getByLabel('Member key').fill(member.key);
    await page.getByLabel('One-time code').fill(await member.app.nextCode());
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByText(`Signed in as ${member.email} (approver)`, { exact: true }).waitFor();
    // The cookie is the browser's: HttpOnly (no script sees it), Secure, SameSite=Strict, host-only.
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: '__Host-lanepay_console', httpOnly: true, secure: true, sameSite: 'Strict', path: '/', domain: 'localhost' });
    expect(await page.evaluate(() => document.cookie)).toBe('');

    await page.getByRole('button', { name: 'Register a passkey' }).click();
    await page.getByRole('status').filter({ hasText: 'Passkey registered.' }).waitFor();
    const [credential] = await credentials();
    expect(credential).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    const stored = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: passkeyKey(base64url(credential!.credentialId)), ConsistentRead: true }));
    expect(stored.Item?.memberId?.S).toBe(member.id);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expect.poll(() => context.cookies(), { timeout: 15_000 }).toEqual([]);

    const answered = page.waitForRequest((request) => request.url().endsWith('/console/session/passkey') && request.method() === 'POST');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    signedInAnswer = (await answered).postData()!;
    await page.getByText(`Signed in as ${member.email} (approver)`, { exact: true }).waitFor();
    const signCount = (await credentials())[0]!.signCount;
    const after = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: passkeyKey(base64url(credential!.credentialId)), ConsistentRead: true }));
    expect(Number(after.Item?.counter?.N)).toBe(signCount);

    // The session works through the proxy as a code's does.
    const balances = await page.evaluate(async () => (await fetch('/console/api/v1/balances')).status);
    expect(balances).toBe(200);
  });

  it('approves a held payout with the passkey instead of a code, the answer bound to that request\'s change_hash', async () => {
    const held = await Promise.all([1, 2].map(async () => {
      const paid = await api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: usdc(100).toString(), asset: 'USDC', chain: 'local-a', destination: someAddress() } });
      expect(paid.status, JSON.stringify(paid.body)).toBe(201);
      const approvals = await api('GET', '/v1/approvals?status=pending', { key: merchant.api_key });
      return approvals.body.data.find((approval: any) => approval.id === paid.body.approval_id) as { id: string; change_hash: string };
    }));
    const [first, second] = held as [{ id: string; change_hash: string }, { id: string; change_hash: string }];
    const signed = await page.evaluate(async (approval) => {
      const session = await (await fetch('/console/session')).json();
      const options = await (await fetch('/console/approvals/passkey-options', {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token }, body: JSON.stringify({ approval_id: approval.id, change_hash: approval.change_hash }),
      })).json();
      const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) }) as PublicKeyCredential;
      const header = btoa(JSON.stringify(credential.toJSON())).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      return { header, csrf: session.csrf_token as string };
    }, first);
    const decide = (approvalId: string) => page.evaluate(async ({ approvalId, header, csrf }) => {
      const response = await fetch(`/console/api/v1/approvals/${approvalId}/approve`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, 'Lanepay-Passkey': header, 'Idempotency-Key': crypto.randomUUID() }, body: '{}',
      });
      return { status: response.status, body: await response.json() };
    }, { approvalId, header: signed.header, csrf: signed.csrf });

    // The answer for the first request does not decide the second.
    expect((await decide(second.id)).body).toMatchObject({ status: 401, code: 'passkey_invalid', detail: expect.stringMatching(/another request/) });
    const approved = await decide(first.id);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ id: first.id, status: 'approved', approvals: [{ member: member.id }] });
    const [credential] = await credentials();
    const stored = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: passkeyKey(base64url(credential!.credentialId)), ConsistentRead: true }));
    expect(Number(stored.Item?.counter?.N)).toBe(credential!.signCount);
    expect((await api('GET', `/v1/approvals?status=pending`, { key: merchant.api_key })).body.data.map((approval: any) => approval.id)).toEqual([second.id]);
  });

  it('approves from the Approvals page with its "Approve with a passkey" button, no code typed', async () => {
    const pending = (await api('GET', '/v1/approvals?status=pending', { key: merchant.api_key })).body.data as { id: string; subject: string }[];
    expect(pending).toHaveLength(1);
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Approvals', exact: true }).click();
    const card = page.getByRole('article', { name: `payout ${pending[0]!.subject}` });
    await card.getByRole('button', { name: 'Approve with a passkey' }).click();
    await card.getByRole('status').filter({ hasText: 'Decision recorded: approved' }).waitFor();
    expect((await api('GET', '/v1/approvals?status=pending', { key: merchant.api_key })).body.data).toEqual([]);
  });

  /** Signs out if signed in, tries the passkey, and answers the refusal the sign-in page shows. */
  const signOutAndTry = async (meanwhile?: (challenge: string) => Promise<void>) => {
    if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    }
    const shown = (await page.getByRole('alert').count()) > 0 ? await page.getByRole('alert').textContent() : null;
    await page.route('**/console/session/passkey', async (route) => {
      const challenge = JSON.parse(Buffer.from(JSON.parse(route.request().postData()!).response.response.clientDataJSON, 'base64url').toString('utf8')).challenge;
      await meanwhile?.(challenge);
      await route.continue();
    });
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(async () => ((await page.getByRole('alert').count()) > 0 ? page.getByRole('alert').textContent() : null), { timeout: 15_000 }).not.toBe(shown);
    await page.unrouteAll();
    return page.getByRole('alert').textContent();
  };

  it('refuses a passkey answer sent again: its challenge was spent by the sign-in that used it', async () => {
    const replayed = await fetch(`${consoleUrl()}session/passkey`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: signedInAnswer });
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({ code: 'passkey_invalid', detail: 'The challenge is unknown, was used already, or expired; ask for new options.' });
    expect(replayed.headers.get('set-cookie')).toBeNull();
  });

  it('refuses an answer to a challenge older than five minutes', async () => {
    const status = await signOutAndTry(async (challenge) => {
      // The clock moved on: the challenge's expiry is in the past.
      await clients().dynamodb.send(new UpdateItemCommand({
        TableName: stack().tableName, Key: challengeKey(challenge), UpdateExpression: 'SET expiresAtMs = :past', ExpressionAttributeValues: { ':past': { N: String(Date.now() - 1) } },
      }));
    });
    expect(status).toBe('Sign-in failed: The challenge is unknown, was used already, or expired; ask for new options. (passkey_invalid)');
    expect(await context.cookies()).toEqual([]);
  });

  it('refuses a passkey whose signature counter does not move past the stored one (a cloned authenticator)', async () => {
    const [credential] = await credentials();
    // Another copy of the key signed in meanwhile, further ahead.
    await clients().dynamodb.send(new UpdateItemCommand({
      TableName: stack().tableName, Key: passkeyKey(base64url(credential!.credentialId)), UpdateExpression: 'SET #c = :ahead', ExpressionAttributeNames: { '#c': 'counter' },
      ExpressionAttributeValues: { ':ahead': { N: String(credential!.signCount + 100) } },
    }));
    const status = await signOutAndTry();
    expect(status).toMatch(/^Sign-in failed: The passkey answer does not verify: .*counter/i);
    expect(await context.cookies()).toEqual([]);
  });
});
