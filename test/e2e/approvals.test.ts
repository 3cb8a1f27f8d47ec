import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDueApprovals } from '#lib/merchants/approvals/expire.js';
import { memberKey } from '#lib/merchants/members/items.js';
import { api } from '../support/api.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { addMember as addMemberWith, cliOutput, decide, type Member } from '../support/members.js';
import { clients, fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { approvalDeps } from '../support/approvals.js';

let cli: ReturnType<typeof cliAgainstTestStack>;
const lanepay = (...args: string[]) => cli.run(args);

const output = cliOutput;

async function addMember(merchantId: string, email: string): Promise<Member> {
  const added = await addMemberWith(lanepay, merchantId, email);
  expect(added.key).toMatch(/^mk_test_/);
  expect(added.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
  return added;
}

const threshold = usdc(100);

describe('approvals with MFA through the API', () => {
  let merchant: Awaited<ReturnType<typeof fundedMerchant>>;
  let ana: Member;
  let ben: Member;
  let cy: Member;
  let dan: Member;
  let eli: Member;
  let fay: Member;
  let dee: Member;

  const pay = (amount: bigint, capture: 'automatic' | 'manual' = 'automatic') =>
    api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: amount.toString(), asset: 'USDC', chain: 'local-a', destination: someAddress(), capture } });
  const payment = async (id: string) => (await api('GET', `/v1/payments/${id}`, { key: merchant.api_key })).body;
  const balance = async () => (await api('GET', '/v1/balances', { key: merchant.api_key })).body.data[0];

  beforeAll(async () => {
    cli = cliAgainstTestStack();
    merchant = await fundedMerchant(usdc(2_000));
    // An authenticator hands out two codes without waiting (this step's and, early, the next one's);
    // a third waits up to 30 s for the clock. Six members, none asked for more than two codes here,
    // and dee for the lockout. All added before the policy: once it is in force, adding is held.
    [ana, ben, cy, dan, eli, fay, dee] = await Promise.all(['ana', 'ben', 'cy', 'dan', 'eli', 'fay', 'dee']
      .map((name) => addMember(merchant.merchant_id, `${name}@example.com`))) as [Member, Member, Member, Member, Member, Member, Member];
    const policy = JSON.stringify({ payouts: { at_or_above: threshold.toString(), approvals: 2 } });
    // Set before the merchant's key is first used: the authorizer caches the profile for 60 s.
    expect(output(await lanepay('approval-policy', 'set', '--merchant', merchant.merchant_id, '--policy', policy)).policy)
      .toEqual({ payouts: { at_or_above: threshold.toString(), approvals: 2 }, admin_changes: { approvals: 1 }, expires_after_seconds: 86_400 });
  }, 60_000);

  afterAll(() => cli.cleanup());

  it('lets a payout below the threshold through and holds one at the threshold as requires_approval', async () => {
    const small = await pay(threshold - 1n);
    expect(small.status, JSON.stringify(small.body)).toBe(201);
    expect(small.body.status).toBe('processing');
    expect(small.body.approval_id).toBeUndefined();

    const held = await pay(threshold);
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    expect(held.body).toMatchObject({ status: 'requires_approval', approval_id: expect.stringMatching(/^apr_/), amount_captured: '0' });
    expect((await balance()).pending).toBe(threshold.toString());

    const events = await api('GET', '/v1/events?limit=5', { key: merchant.api_key });
    expect(events.body.data.find((e: any) => e.data.object.id === held.body.id)?.type).toBe('payment.requires_approval');

    for (const key of [merchant.api_key, ana.key]) {
      const pending = await api('GET', '/v1/approvals?status=pending', { key });
      expect(pending.status, JSON.stringify(pending.body)).toBe(200);
      expect(pending.body.data.find((a: any) => a.id === held.body.approval_id)).toMatchObject({
        status: 'pending', action: 'payout', subject: held.body.id, approvals_required: 2, approvals: [], requested_by: { type: 'api_key' },
        change_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    }
  });

  it('needs two distinct members (M of N), then pays out as before', async () => {
    const held = (await pay(threshold + usdc(1))).body;
    const first = await decide(ana, held.approval_id, 'approve');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'pending', approvals: [{ member: ana.id }] });
    expect((await payment(held.id)).status).toBe('requires_approval');

    const again = await decide(ana, held.approval_id, 'approve');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_approved');

    const second = await decide(ben, held.approval_id, 'approve');
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body).toMatchObject({ status: 'approved', approvals: [{ member: ana.id }, { member: ben.id }] });
    const released = await payment(held.id);
    expect(released).toMatchObject({ status: 'processing', amount_captured: held.amount });
    expect(released.approval_id).toBeUndefined();

    const paid = await waitFor('the approved payout to succeed on chain', async () => {
      const current = await payment(held.id);
      return current.status === 'succeeded' || current.status === 'failed' ? current : undefined;
    }, { timeoutMs: 120_000, intervalMs: 500 });
    expect(paid.status).toBe('succeeded');
    expect(paid.tx_hash).toMatch(/^0x/);
  });

  it('releases an approved manual-capture payment as authorized, and it captures as before', async () => {
    const held = (await pay(threshold, 'manual')).body;
    expect((await decide(cy, held.approval_id, 'approve')).status).toBe(200);
    expect((await decide(fay, held.approval_id, 'approve')).body.status).toBe('approved');
    expect(await payment(held.id)).toMatchObject({ status: 'authorized', expires_at: expect.any(String) });
    const captured = await api('POST', `/v1/payments/${held.id}/capture`, { key: merchant.api_key, body: {} });
    expect(captured.status, JSON.stringify(captured.body)).toBe(200);
    expect(captured.body).toMatchObject({ status: 'processing', amount_captured: threshold.toString() });
  });

  it('voids the hold when one member rejects', async () => {
    const before = await balance();
    const held = (await pay(threshold)).body;
    expect((await balance()).available).toBe((BigInt(before.available) - threshold).toString());
    const rejected = await decide(cy, held.approval_id, 'reject');
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejected_by: { member: cy.id } });
    expect(await payment(held.id)).toMatchObject({ status: 'canceled' });
    expect(await balance()).toMatchObject({ available: before.available, pending: before.pending });
    const late = await decide(dan, held.approval_id, 'approve');
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('approval_decided');
  });

  it('lets the merchant cancel a payout that waits for approval: the hold is voided and the request closed', async () => {
    const before = await balance();
    const held = (await pay(threshold)).body;
    expect(held.status).toBe('requires_approval');
    const canceled = await api('POST', `/v1/payments/${held.id}/cancel`, { key: merchant.api_key, body: {} });
    expect(canceled.status, JSON.stringify(canceled.body)).toBe(200);
    expect(canceled.body).toMatchObject({ id: held.id, status: 'canceled', expires_at: null });
    expect(canceled.body.approval_id).toBeUndefined();
    expect(await balance()).toMatchObject({ available: before.available, pending: before.pending });
    const closed = await api('GET', '/v1/approvals?status=canceled', { key: merchant.api_key });
    expect(closed.body.data.find((a: any) => a.id === held.approval_id)).toMatchObject({ status: 'canceled', decided_at: expect.any(String), approvals: [] });
    const pending = await api('GET', '/v1/approvals?status=pending&limit=100', { key: merchant.api_key });
    expect(pending.body.data.map((a: any) => a.id)).not.toContain(held.approval_id);
    // Refused before the code is looked at, so no authenticator code is spent.
    const late = await decide(dan, held.approval_id, 'approve', '000000');
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'approval_decided', approval_status: 'canceled' });
    expect((await api('POST', `/v1/payments/${held.id}/cancel`, { key: merchant.api_key, body: {} })).body.status).toBe('canceled');
    const events = await api('GET', '/v1/events?limit=10', { key: merchant.api_key });
    expect(events.body.data.filter((e: any) => e.data.object.id === held.id).map((e: any) => e.type)).toEqual(['payment.canceled', 'payment.requires_approval']);
  });

  it('accepts a code once: the same code on another request is refused as a replay', async () => {
    const one = (await pay(threshold)).body;
    const two = (await pay(threshold)).body;
    const code = await eli.app.nextCode();
    expect((await decide(eli, one.approval_id, 'approve', code)).status).toBe(200);
    const replay = await decide(eli, two.approval_id, 'approve', code);
    expect(replay.status, JSON.stringify(replay.body)).toBe(401);
    expect(replay.body.code).toBe('otp_replayed');
    expect((await api('GET', '/v1/approvals?status=pending', { key: eli.key })).body.data.find((a: any) => a.id === two.approval_id).approvals).toEqual([]);
  });

  it('refuses member keys outside the approval endpoints, and API keys on approve', async () => {
    const payments = await api('GET', '/v1/payments', { key: ana.key });
    expect([401, 403]).toContain(payments.status);
    const create = await api('POST', '/v1/payments', { key: ana.key, body: { amount: '1', asset: 'USDC', chain: 'local-a', destination: someAddress() } });
    expect([401, 403]).toContain(create.status);
    const held = (await pay(threshold)).body;
    const byApiKey = await api('POST', `/v1/approvals/${held.approval_id}/approve`, { key: merchant.api_key, body: {}, headers: { 'Lanepay-OTP': '000000' } });
    expect(byApiKey.status).toBe(401);
    const noCode = await api('POST', `/v1/approvals/${held.approval_id}/approve`, { key: ana.key, body: {} });
    expect(noCode.status).toBe(401);
    expect(noCode.body.code).toBe('otp_required');
  });

  it('never lets the requester approve their own change; another member applies it', async () => {
    const held = output(await lanepay('key', 'create', '--merchant', merchant.merchant_id, '--requested-by', fay.id));
    expect(held.approval).toMatchObject({ status: 'pending', action: 'api_key.create', subject: held.key_id, requested_by: { type: 'member', id: fay.id } });
    expect((await api('GET', '/v1/balances', { key: held.api_key })).status).toBe(401);

    const own = await decide(fay, held.approval.id, 'approve');
    expect(own.status, JSON.stringify(own.body)).toBe(403);
    expect(own.body.code).toBe('self_approval');
    const other = await decide(ben, held.approval.id, 'approve');
    expect(other.body.status).toBe('approved');
    // The authorizer remembered the unknown key id for 10 s (unknownIdTtlMs); it works once that passes.
    await waitFor('the approved key to be accepted', async () => ((await api('GET', '/v1/balances', { key: held.api_key })).status === 200 ? true : undefined), { timeoutMs: 30_000, intervalMs: 1_000 });
  });

  it('holds a risk-limit change from the CLI and applies the stored change when approved', async () => {
    const rules = { maxPerPaymentMinor: { USDC: usdc(1_500).toString() } };
    const held = output(await lanepay('merchant', 'set-risk', '--merchant', merchant.merchant_id, '--rules', JSON.stringify(rules)));
    expect(held).toMatchObject({ status: 'pending', action: 'risk.set', details: { risk: rules } });
    expect(output(await lanepay('merchant', 'show', '--merchant', merchant.merchant_id)).risk).toEqual({});
    expect((await decide(dan, held.id, 'approve')).body.status).toBe('approved');
    expect(output(await lanepay('merchant', 'show', '--merchant', merchant.merchant_id)).risk).toEqual(rules);
  });

  it('holds a webhook endpoint registered through the API and registers it when approved', async () => {
    const held = await api('POST', '/v1/webhook_endpoints', { key: merchant.api_key, body: { url: 'http://127.0.0.1:9/hook', events: ['webhook_endpoint.disabled'] } });
    expect(held.status, JSON.stringify(held.body)).toBe(202);
    expect(held.body).toMatchObject({ object: 'webhook_endpoint', approval_id: expect.stringMatching(/^apr_/), secret: expect.stringMatching(/^whsec_/) });
    expect((await api('GET', `/v1/webhook_endpoints/${held.body.id}`, { key: merchant.api_key })).status).toBe(404);
    const approved = await decide(eli, held.body.approval_id, 'approve');
    expect(approved.body).toMatchObject({ status: 'approved', action: 'webhook_endpoint.create', subject: held.body.id, requested_by: { type: 'api_key' } });
    const registered = await api('GET', `/v1/webhook_endpoints/${held.body.id}`, { key: merchant.api_key });
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({ id: held.body.id, url: 'http://127.0.0.1:9/hook', status: 'enabled' });
  });

  it('locks a member after five wrong codes: even the right code is refused then', async () => {
    const held = (await pay(threshold)).body;
    for (const left of [4, 3, 2, 1]) {
      const wrong = await decide(dee, held.approval_id, 'approve', dee.app.wrongCode());
      expect(wrong.status, JSON.stringify(wrong.body)).toBe(401);
      expect(wrong.body).toMatchObject({ code: 'otp_invalid', attempts_left: left });
    }
    const fifth = await decide(dee, held.approval_id, 'approve', dee.app.wrongCode());
    expect(fifth.status).toBe(423);
    expect(fifth.body.code).toBe('member_locked');
    const right = await decide(dee, held.approval_id, 'approve');
    expect(right.status).toBe(423);
    const stored = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: memberKey(dee.id), ConsistentRead: true }));
    expect(Number(stored.Item!.lockedUntilMs!.N) - Date.now()).toBeGreaterThan(14 * 60_000);
  });
});

describe('approval expiry', () => {
  beforeAll(() => {
    cli = cliAgainstTestStack();
  });
  afterAll(() => cli.cleanup());

  it('voids the hold of a payout whose approval expired, and refuses a late decision', async () => {
    const merchant = await fundedMerchant(usdc(500));
    const member = await addMember(merchant.merchant_id, 'eve@example.com');
    output(await lanepay('approval-policy', 'set', '--merchant', merchant.merchant_id, '--policy', JSON.stringify({ payouts: { at_or_above: '1', approvals: 1 }, expires_after_seconds: 1 })));
    const held = (await api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: usdc(100).toString(), asset: 'USDC', chain: 'local-a', destination: someAddress() } })).body;
    expect(held.status).toBe('requires_approval');
    await waitFor('the approval to be due', () => (Date.now() > Date.parse(held.expires_at) ? true : undefined));

    const { dynamodb, kms } = clients();
    // The sweep the schedule runs; it may have run already (then this finds nothing due).
    await expireDueApprovals(approvalDeps({ dynamodb, kms, holdExpiryMs: 7 * 24 * 3600_000 }));
    const expired = (await api('GET', `/v1/payments/${held.id}`, { key: merchant.api_key })).body;
    expect(expired.status).toBe('expired');
    expect((await api('GET', '/v1/balances', { key: merchant.api_key })).body.data[0]).toMatchObject({ available: usdc(500).toString(), pending: '0' });
    const late = await decide(member, held.approval_id, 'approve');
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'approval_decided', approval_status: 'expired' });
  });
});
