import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passkeyKey } from '#lib/merchants/sessions/passkey-items.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { clients, fundedMerchant } from '../support/deps.js';
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

const consoleUrl = () => `${stack().apiUrl.replace('127.0.0.1', 'localhost')}/console/`;

async function credentials(): Promise<{ credentialId: string; isResidentCredential: boolean; signCount: number; rpId: string }[]> {
  return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials as never;
}

describe('console passkeys in a browser', () => {
  let member: { id: string; key: string; app: Authenticator; email: string };

  beforeAll(async () => {
    cli = cliAgainstTestStack();
    const merchant = await fundedMerchant(0n);
    const added = cliOutput(await cli.run(['member', 'add', '--merchant', merchant.merchant_id, '--email', 'pia@example.com', '--role', 'approver']));
    member = { id: added.id, key: added.key, app: new Authenticator(added.otpauth_uri), email: 'pia@example.com' };
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
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Signed in.');
    await expect.poll(() => page.getByRole('heading', { name: 'Signed in' }).isVisible()).toBe(true);
    // The cookie is the browser's: HttpOnly (no script sees it), Secure, SameSite=Strict, host-only.
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: '__Host-lanepay_console', httpOnly: true, secure: true, sameSite: 'Strict', path: '/', domain: 'localhost' });
    expect(await page.evaluate(() => document.cookie)).toBe('');

    await page.getByRole('button', { name: 'Register a passkey' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Passkey registered.');
    const [credential] = await credentials();
    expect(credential).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    const stored = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: passkeyKey(credential!.credentialId.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')), ConsistentRead: true }));
    expect(stored.Item?.memberId?.S).toBe(member.id);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Signed out.');
    expect(await context.cookies()).toEqual([]);

    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Signed in with a passkey.');
    await expect.poll(() => page.getByText(`${member.email} (approver)`, { exact: true }).isVisible()).toBe(true);
    const signCount = (await credentials())[0]!.signCount;
    const after = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: passkeyKey(credential!.credentialId.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')), ConsistentRead: true }));
    expect(Number(after.Item?.counter?.N)).toBe(signCount);

    // The session works through the proxy as a code's does.
    const balances = await page.evaluate(async () => (await fetch('/console/api/v1/balances')).status);
    expect(balances).toBe(200);
  });
});
