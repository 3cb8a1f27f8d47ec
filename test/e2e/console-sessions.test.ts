import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionKey } from '#lib/merchants/sessions/items.js';
import { api } from '../support/api.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { ConsoleClient } from '../support/console.js';
import { clients, fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { Authenticator } from '../support/authenticator.js';
import { cliOutput, type Member } from '../support/members.js';
import { stack } from '../support/stack.js';

let cli: ReturnType<typeof cliAgainstTestStack>;
const lanepay = (...args: string[]) => cli.run(args);

async function addMember(merchantId: string, email: string, role?: string): Promise<Member & { role: string }> {
  const added = cliOutput(await lanepay('member', 'add', '--merchant', merchantId, '--email', email, ...(role ? ['--role', role] : [])));
  return { id: added.id, key: added.key, app: new Authenticator(added.otpauth_uri), otpauthUri: added.otpauth_uri, role: added.role };
}

async function sessionItem(token: string) {
  const id = /^cs_([^.]+)\./.exec(token)![1]!;
  return (await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: sessionKey(id), ConsistentRead: true }))).Item;
}

const threshold = usdc(100);

describe('console sessions over HTTP', () => {
  let merchant: Awaited<ReturnType<typeof fundedMerchant>>;
  let other: Awaited<ReturnType<typeof fundedMerchant>>;
  let ana: Member & { role: string };
  let ben: Member & { role: string };
  let vic: Member & { role: string };
  let oz: Member & { role: string };
  // Signs in twice in one test: a member of its own, so no earlier test's codes make it wait a TOTP step.
  let eve: Member & { role: string };
  let held: { id: string; approval_id: string };

  beforeAll(async () => {
    cli = cliAgainstTestStack();
    [merchant, other] = await Promise.all([fundedMerchant(usdc(1_000)), fundedMerchant(usdc(10))]);
    [ana, ben, vic, oz, eve] = await Promise.all([
      addMember(merchant.merchant_id, 'ana@example.com', 'admin'),
      addMember(merchant.merchant_id, 'ben@example.com'),
      addMember(merchant.merchant_id, 'vic@example.com', 'viewer'),
      addMember(other.merchant_id, 'oz@example.com', 'admin'),
      addMember(merchant.merchant_id, 'eve@example.com', 'admin'),
    ]);
    cliOutput(await lanepay('approval-policy', 'set', '--merchant', merchant.merchant_id, '--policy', JSON.stringify({ payouts: { at_or_above: threshold.toString(), approvals: 1 } })));
    const paid = await api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: threshold.toString(), asset: 'USDC', chain: 'local-a', destination: someAddress() } });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    held = paid.body;
  }, 90_000);

  afterAll(() => cli.cleanup());

  it('records each member\'s role, approver when none is given', () => {
    expect([ana.role, ben.role, vic.role]).toEqual(['admin', 'approver', 'viewer']);
  });

  it('signs in with a member key and a code: the session cookie has exactly its attributes, and GET /console/session answers the same view', async () => {
    const browser = new ConsoleClient();
    const signedIn = await browser.signIn(ana);
    expect(signedIn.status, signedIn.text).toBe(200);
    // serverless-offline re-serializes cookies in its own order, so the attributes are compared as a set.
    const [pair, ...attributes] = signedIn.headers.get('set-cookie')!.split('; ');
    expect(pair).toMatch(/^__Host-lanepay_console=cs_[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(attributes.sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict', 'Secure']);
    expect(signedIn.headers.get('cache-control')).toBe('no-store');
    expect(signedIn.body).toEqual({
      member: { id: ana.id, email: 'ana@example.com', role: 'admin', merchant_id: merchant.merchant_id, platform: false },
      csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expires_at: expect.any(String),
      idle_expires_at: expect.any(String),
    });
    expect(Date.parse(signedIn.body.expires_at) - Date.parse(signedIn.body.idle_expires_at)).toBe(12 * 3600_000 - 15 * 60_000);

    const session = await browser.send('GET', '/console/session');
    expect(session.status, session.text).toBe(200);
    expect(session.body).toEqual(signedIn.body);
    expect((await new ConsoleClient().send('GET', '/console/session')).body).toMatchObject({ status: 401, code: 'session_required' });
  });

  it('spends the code like an approval: the same code does not sign in twice', async () => {
    const code = await ben.app.nextCode();
    expect((await new ConsoleClient().signIn(ben, code)).status).toBe(200);
    const again = await new ConsoleClient().signIn(ben, code);
    expect(again.body).toMatchObject({ status: 401, code: 'otp_replayed' });
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  it('hands back through the proxy exactly what /v1 answers the merchant', async () => {
    const browser = new ConsoleClient();
    expect((await browser.signIn(vic)).status).toBe(200);
    for (const path of ['/v1/payments?limit=5', `/v1/payments/${held.id}`, '/v1/balances', '/v1/approvals?status=pending']) {
      const [direct, proxied] = await Promise.all([api('GET', path, { key: merchant.api_key }), browser.send('GET', `/console/api${path}`)]);
      expect(proxied.status, `${path}: ${proxied.text}`).toBe(direct.status);
      expect(proxied.headers.get('content-type')).toBe(direct.headers.get('content-type'));
      expect(proxied.body).toEqual(direct.body);
    }
  });

  it('refuses a tampered cookie, the same MAC spelled otherwise, and one made for a session id without its MAC', async () => {
    const browser = new ConsoleClient();
    expect((await browser.signIn(ana)).status).toBe(200);
    const token = browser.token()!;
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    // The same MAC spelled otherwise: the last character's lowest bit is padding, beyond the MAC's 256 bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = `${token.slice(0, -1)}${alphabet[alphabet.indexOf(token.at(-1)!) ^ 1]}`;
    expect(Buffer.from(respelled.split('.')[1]!, 'base64url')).toEqual(Buffer.from(token.split('.')[1]!, 'base64url'));
    for (const forged of [flipped, respelled, token.split('.')[0]!, `${token.split('.')[0]}.${'A'.repeat(43)}`]) {
      browser.cookie = `__Host-lanepay_console=${forged}`;
      expect((await browser.send('GET', '/console/api/v1/balances')).body).toMatchObject({ status: 401, code: 'session_required' });
      expect((await browser.send('GET', '/console/session')).body).toMatchObject({ status: 401, code: 'session_required' });
    }
  });

  it('ends a session 15 minutes after its last use and 12 hours after sign-in, whatever the use', async () => {
    for (const field of ['idleExpiresAtMs', 'absoluteExpiresAtMs']) {
      const browser = new ConsoleClient();
      expect((await browser.signIn(eve)).status).toBe(200);
      expect((await browser.send('GET', '/console/api/v1/balances')).status).toBe(200);
      // The clock moved on: the session's expiry is in the past.
      const id = /^cs_([^.]+)\./.exec(browser.token()!)![1]!;
      await clients().dynamodb.send(new UpdateItemCommand({
        TableName: stack().tableName, Key: sessionKey(id), UpdateExpression: `SET ${field} = :past`, ExpressionAttributeValues: { ':past': { N: String(Date.now() - 1000) } },
      }));
      const refused = await browser.send('GET', '/console/api/v1/balances');
      expect(refused.body, field).toMatchObject({ status: 401, code: 'session_required' });
      expect(refused.body.detail).toMatch(/expired/);
      // A refused request did not revive it.
      expect(Number((await sessionItem(browser.token()!))![field]!.N)).toBeLessThan(Date.now());
    }
  });

  it('moves the idle expiry on with each request through the proxy', async () => {
    const browser = new ConsoleClient();
    expect((await browser.signIn(ana)).status).toBe(200);
    const before = Number((await sessionItem(browser.token()!))!.idleExpiresAtMs!.N);
    expect((await browser.send('GET', '/console/api/v1/balances')).status).toBe(200);
    expect(Number((await sessionItem(browser.token()!))!.idleExpiresAtMs!.N)).toBeGreaterThan(before);
  });

  it('refuses a write without the CSRF token, or with another session\'s, and writes nothing', async () => {
    const browser = new ConsoleClient();
    expect((await browser.signIn(ben)).status).toBe(200);
    const otherSession = new ConsoleClient();
    expect((await otherSession.signIn(ana)).status).toBe(200);
    for (const csrf of [null, otherSession.csrf!]) {
      const refused = await browser.send('POST', `/console/api/v1/approvals/${held.approval_id}/approve`, { body: {}, csrf, headers: { 'Lanepay-OTP': await ben.app.nextCode() } });
      expect(refused.body).toMatchObject({ status: 403, code: 'csrf_token_invalid' });
    }
    const approval = (await api('GET', '/v1/approvals?status=pending', { key: merchant.api_key })).body.data.find((a: any) => a.id === held.approval_id);
    expect(approval).toMatchObject({ status: 'pending', approvals: [] });
    const signOut = await browser.send('DELETE', '/console/session', { csrf: null });
    expect(signOut.body).toMatchObject({ status: 403, code: 'csrf_token_invalid' });
    expect((await browser.send('GET', '/console/session')).status).toBe(200);
  });

  it('refuses a viewer\'s approval at the API, and lets an approver approve as themself', async () => {
    const viewer = new ConsoleClient();
    expect((await viewer.signIn(vic)).status).toBe(200);
    // Refused for the role before any code is read: a wrong code would be otp_invalid if the role were not checked first.
    const refused = await viewer.send('POST', `/console/api/v1/approvals/${held.approval_id}/approve`, { body: {}, headers: { 'Lanepay-OTP': vic.app.wrongCode() } });
    expect(refused.body).toMatchObject({ status: 403, code: 'role_forbidden', required_role: 'approver' });
    // Straight at the API with the session's token, the gateway refuses it: the authorizer's policy names a viewer's routes only.
    const direct = await api('POST', `/v1/approvals/${held.approval_id}/approve`, { key: viewer.token()!, body: {}, headers: { 'Lanepay-OTP': vic.app.wrongCode() } });
    expect(direct.body).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await api('GET', '/v1/approvals', { key: viewer.token()! })).status).toBe(200);

    const approver = new ConsoleClient();
    expect((await approver.signIn(ben)).status).toBe(200);
    const approved = await approver.send('POST', `/console/api/v1/approvals/${held.approval_id}/approve`, { body: {}, headers: { 'Lanepay-OTP': await ben.app.nextCode() } });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ id: held.approval_id, status: 'approved', approvals: [{ member: ben.id }] });
  }, 120_000);

  it('shows a member of another merchant nothing of this one', async () => {
    const stranger = new ConsoleClient();
    expect((await stranger.signIn(oz)).status).toBe(200);
    expect((await stranger.send('GET', `/console/api/v1/payments/${held.id}`)).status).toBe(404);
    const listed = await stranger.send('GET', '/console/api/v1/payments');
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([]);
    expect((await stranger.send('GET', '/console/api/v1/approvals')).body.data).toEqual([]);
  });

  it('signs out: the session item goes, the cookie is cleared, and the old cookie is refused', async () => {
    const browser = new ConsoleClient();
    expect((await browser.signIn(ana)).status).toBe(200);
    const token = browser.token()!;
    const signedOut = await browser.send('DELETE', '/console/session');
    expect(signedOut.status, signedOut.text).toBe(204);
    const [pair, ...attributes] = signedOut.headers.get('set-cookie')!.split('; ');
    expect(pair).toBe('__Host-lanepay_console=');
    expect(attributes).toEqual(expect.arrayContaining(['Max-Age=0', 'HttpOnly', 'Path=/', 'SameSite=Strict', 'Secure']));
    expect(await sessionItem(token)).toBeUndefined();
    browser.cookie = `__Host-lanepay_console=${token}`;
    expect((await browser.send('GET', '/console/api/v1/balances')).body).toMatchObject({ status: 401, code: 'session_required' });
  });

  it('ends a revoked member\'s session on its next request', async () => {
    const cy = await addMember(other.merchant_id, 'cy@example.com', 'viewer');
    const browser = new ConsoleClient();
    expect((await browser.signIn(cy)).status).toBe(200);
    expect((await browser.send('GET', '/console/api/v1/balances')).status).toBe(200);
    cliOutput(await lanepay('member', 'revoke', '--merchant', other.merchant_id, '--member', cy.id));
    const refused = await browser.send('GET', '/console/api/v1/balances');
    expect(refused.body).toMatchObject({ status: 401, code: 'session_required' });
    expect(await sessionItem(browser.token()!)).toBeUndefined();
  });

  it('answers 429 with Retry-After past ten sign-in attempts of one member in five minutes', async () => {
    // The limit counts in fixed five-minute windows (lib/merchants/sessions/rate-limit.ts): eleven
    // attempts that straddle a window's end are two windows' worth, so such a run is done again with
    // another member (eleven attempts take seconds, so the second run fits in one window).
    const windowMs = 5 * 60_000;
    let statuses: number[] = [];
    let limited: Awaited<ReturnType<ConsoleClient['signIn']>> | undefined;
    for (let run = 0; run < 2; run += 1) {
      const dee = await addMember(other.merchant_id, `dee-${run}@example.com`);
      statuses = [];
      const startedMs = Date.now();
      for (let attempt = 0; attempt < 11; attempt += 1) statuses.push((await new ConsoleClient().signIn(dee, dee.app.wrongCode())).status);
      limited = await new ConsoleClient().signIn(dee, dee.app.wrongCode());
      if (Math.floor(startedMs / windowMs) === Math.floor(Date.now() / windowMs)) break;
    }
    // Five wrong codes lock the member (423) as for approvals; the eleventh attempt is not even checked.
    expect(statuses).toEqual([401, 401, 401, 401, 423, 423, 423, 423, 423, 423, 429]);
    expect(limited!.body).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited!.headers.get('retry-after'))).toBeLessThanOrEqual(300);
  });
});
