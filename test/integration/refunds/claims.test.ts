import { randomUUID } from 'node:crypto';
import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { problemFor } from '#api/http/problem.js';
import { expireDueHolds } from '#lib/money/payments/settle.js';
import { submitClaim } from '#lib/money/refunds/claim-submit.js';
import { readClaim } from '#lib/money/refunds/claims.js';
import { createRefund, readRefunded } from '#lib/money/refunds/create.js';
import { createRefundBodySchema } from '#lib/money/refunds/schemas.js';
import { LanepayError } from '#lib/platform/errors/index.js';
import { addMember } from '#lib/merchants/members/members.js';
import { updateMerchantProfile } from '#lib/merchants/merchants.js';
import { api } from '../../support/api.js';
import { Authenticator } from '../../support/authenticator.js';
import { decide } from '../../support/members.js';
import { claimIdOf, postClaim, signClaim } from '../../support/claims.js';
import { retryOnContention } from '../../support/contention.js';
import { clients, containerDeps, fundedMerchant, merchantDeps, paymentDeps, usdc } from '../../support/deps.js';
import { expectChargeRefundsHold, expectLedgerBalanced } from '../../support/ledger-invariants.js';
import { creditedCharge, refundDeps, refundReaching } from '../../support/refunds.js';
import { stack } from '../../support/stack.js';

const tableDeps = () => ({ dynamodb: clients().dynamodb, tableName: stack().tableName });
const day = 24 * 3600_000;

async function balanceOf(key: string) {
  return (await api('GET', '/v1/balances', { key })).body.data[0] as { available: string; pending: string };
}

/** A merchant with 100 USDC, a charge credited 10, and a claim refund of `amount` of it. */
async function claimRefund(amount = '4000000', extra: Record<string, unknown> = {}) {
  const merchant = await fundedMerchant(usdc(100));
  const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });
  const created = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { amount, claim: true, reason: 'paid from an exchange', ...extra } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { merchant, charge, refund: created.body, claimId: claimIdOf(created.body) };
}

/** What a refused claim must leave as it was: the refund pending, the claim open, the money held, the payout unchanged. */
async function expectUntouched(setup: Awaited<ReturnType<typeof claimRefund>>) {
  const refund = await api('GET', `/v1/refunds/${setup.refund.id}`, { key: setup.merchant.api_key });
  expect(refund.body).toMatchObject({ status: 'pending', destination: null });
  const { claim, record } = await readClaim(tableDeps(), setup.claimId);
  expect(claim.status).toBe('open');
  expect(claim.address).toBeUndefined();
  expect(record.version).toBe(1);
  expect(record.payment).toMatchObject({ status: 'authorized', destination: null });
  expect(await balanceOf(setup.merchant.api_key)).toEqual({ asset: 'USDC', available: usdc(96).toString(), pending: '4000000' });
  expect(await readRefunded(tableDeps(), setup.charge.id)).toBe(4_000_000n);
}

describe('refund claim links', () => {
  it('claim: true creates a pending refund with a claim_url expiring in 14 days and no destination, holding its amount from the balance and counting it against the charge; its payout waits authorized', async () => {
    const before = Date.now();
    const setup = await claimRefund();
    expect(setup.refund).toMatchObject({ object: 'refund', status: 'pending', amount: '4000000', destination: null, reason: 'paid from an exchange', tx_hash: null });
    expect(setup.refund.claim_url).toBe(`${stack().apiUrl}/claims/${setup.claimId}`);
    const expiresMs = Date.parse(setup.refund.claim_expires_at);
    expect(expiresMs - before).toBeGreaterThanOrEqual(14 * day);
    expect(expiresMs - Date.now()).toBeLessThanOrEqual(14 * day);
    const payout = await api('GET', `/v1/payments/${setup.refund.payout}`, { key: setup.merchant.api_key });
    expect(payout.body).toMatchObject({ status: 'authorized', capture: 'manual', destination: null, expires_at: setup.refund.claim_expires_at });
    await expectUntouched(setup);
    // The merchant cannot capture it to nowhere: only the claim does.
    const capture = await api('POST', `/v1/payments/${setup.refund.payout}/capture`, { key: setup.merchant.api_key, body: {} });
    expect(capture.status).toBe(409);
    expect(capture.body.code).toBe('refund_awaits_claim');
    await expectUntouched(setup);
    await expectLedgerBalanced();
    await expectChargeRefundsHold(setup.charge.id);
  });

  it('refuses claim with a destination, neither of them, and claim_expires_in out of bounds, with 400 and nothing written', async () => {
    const merchant = await fundedMerchant(usdc(100));
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });
    for (const body of [{ claim: true, destination: Wallet.createRandom().address }, {}, { claim: true, claim_expires_in: 60 }, { claim: true, claim_expires_in: 31 * 24 * 3600 }]) {
      const refused = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.code).toBe('validation_error');
    }
    expect(await readRefunded(tableDeps(), charge.id)).toBe(0n);
    expect((await api('GET', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key })).body.data).toEqual([]);
    expect(await balanceOf(merchant.api_key)).toEqual({ asset: 'USDC', available: usdc(100).toString(), pending: '0' });
  });

  it('a valid claim pays out: the payer signs the message from the address, the refund goes processing to it and succeeds on chain; the page then shows it claimed', async () => {
    const setup = await claimRefund();
    const payer = Wallet.createRandom();
    const page = await fetch(`${stack().apiUrl}/claims/${setup.claimId}`, { headers: { 'Accept-Language': 'zh-CN,zh;q=0.9' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('领取您的 4.00 USDC 退款');
    expect(html).toContain(setup.merchant.profile.name);

    const claimed = await postClaim(setup.claimId, { address: payer.address, signature: await signClaim(setup.claimId, payer) });
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
    expect(claimed.body).toMatchObject({ object: 'refund_claim', status: 'claimed', address: payer.address, payout_status: 'processing' });
    const processing = await api('GET', `/v1/refunds/${setup.refund.id}`, { key: setup.merchant.api_key });
    expect(processing.body).toMatchObject({ status: 'processing', destination: payer.address });
    const succeeded = await refundReaching(setup.merchant.api_key, setup.refund.id, ['succeeded', 'failed']);
    expect(succeeded.status).toBe('succeeded');
    expect(succeeded.tx_hash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await balanceOf(setup.merchant.api_key)).toEqual({ asset: 'USDC', available: usdc(96).toString(), pending: '0' });
    const after = await fetch(`${stack().apiUrl}/claims/${setup.claimId}?lang=en`);
    expect(await after.text()).toContain(`Paid to ${payer.address}`);
    // Used once: the same valid claim again is refused.
    const again = await postClaim(setup.claimId, { address: payer.address, signature: await signClaim(setup.claimId, payer) });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('claim_already_used');
    await expectLedgerBalanced();
    await expectChargeRefundsHold(setup.charge.id);
  }, 180_000);

  it('refuses, writing nothing: a signature from another key (403 naming the signer), a payer\'s signature replayed for another address, another claim\'s signature, a malformed signature', async () => {
    const setup = await claimRefund();
    const other = await claimRefund();
    const payer = Wallet.createRandom();
    const thief = Wallet.createRandom();

    const wrongSigner = await postClaim(setup.claimId, { address: payer.address, signature: await signClaim(setup.claimId, thief, payer.address) });
    expect(wrongSigner.status).toBe(403);
    expect(wrongSigner.body).toMatchObject({ code: 'claim_signature_invalid', recovered_address: thief.address });

    const replayed = await postClaim(setup.claimId, { address: thief.address, signature: await signClaim(setup.claimId, payer) });
    expect(replayed.status).toBe(403);
    expect(replayed.body.code).toBe('claim_signature_invalid');
    expect(replayed.body.recovered_address).not.toBe(thief.address);

    const otherClaims = await postClaim(setup.claimId, { address: payer.address, signature: await signClaim(other.claimId, payer) });
    expect(otherClaims.status).toBe(403);
    expect(otherClaims.body.code).toBe('claim_signature_invalid');

    const malformed = await postClaim(setup.claimId, { address: payer.address, signature: `0x${'00'.repeat(65)}` });
    expect(malformed.status).toBe(403);
    expect(malformed.body).toMatchObject({ code: 'claim_signature_invalid', recovered_address: null });

    const unknown = await postClaim(`clm_${'0'.repeat(32)}`, { address: payer.address, signature: await signClaim(setup.claimId, payer) });
    expect(unknown.status).toBe(404);
    await expectUntouched(setup);
    await expectUntouched(other);
  });

  it('two valid claims of one refund racing from 8 containers: exactly one is paid, the other 7 get 409 claim_already_used, and the hold is captured once', async () => {
    const setup = await claimRefund();
    const payers = Array.from({ length: 8 }, () => Wallet.createRandom());
    const signatures = await Promise.all(payers.map((p) => signClaim(setup.claimId, p)));
    const deps = containerDeps(8);
    const outcomes = await Promise.all(payers.map(async (payer, i) => {
      try {
        // A 503 try_again wrote nothing and is sent again, as the claim page's payer would.
        const view = await retryOnContention(() => submitClaim(refundDeps(deps[i]!), { claimId: setup.claimId, address: payer.address, signature: signatures[i]! }));
        return { status: 200, address: view.address };
      } catch (error) {
        if (!(error instanceof LanepayError)) throw error;
        return { status: problemFor(error as never).status, code: error.code };
      }
    }));
    expect(outcomes.map((o) => o.status).sort(), JSON.stringify(outcomes)).toEqual([200, ...Array(7).fill(409)]);
    for (const refused of outcomes.filter((o) => o.status === 409)) expect(refused.code).toBe('claim_already_used');
    const winner = outcomes.find((o) => o.status === 200)!.address;
    const { claim, record } = await readClaim(tableDeps(), setup.claimId);
    expect(claim).toMatchObject({ status: 'claimed', address: winner });
    expect(record.payment).toMatchObject({ destination: winner, amount_captured: '4000000' });
    expect(record.version).toBe(2);
    expect(await balanceOf(setup.merchant.api_key)).toEqual({ asset: 'USDC', available: usdc(96).toString(), pending: '0' });
    await expectLedgerBalanced();
    await expectChargeRefundsHold(setup.charge.id);
  }, 120_000);

  it('an expired claim is refused with 410 claim_expired before the sweep; the sweep cancels the refund (claim_expired), voids the hold and gives the amount back to the charge', async () => {
    const merchant = await fundedMerchant(usdc(100));
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });
    // Created an hour and a second ago with the shortest claim: it expired a second ago.
    const past = refundDeps(paymentDeps({ now: () => new Date(Date.now() - 3601_000) }));
    const { refund } = await createRefund(past, {
      merchant: merchant.profile, chargeId: charge.id, idempotencyKey: randomUUID(), fingerprint: randomUUID(),
      body: createRefundBodySchema.parse({ amount: '3000000', claim: true, claim_expires_in: 3600 }),
    });
    expect(Date.parse(refund.claim_expires_at!)).toBeLessThan(Date.now());
    const claimId = claimIdOf(refund);
    const payer = Wallet.createRandom();
    const late = await postClaim(claimId, { address: payer.address, signature: await signClaim(claimId, payer) });
    expect(late.status).toBe(410);
    expect(late.body.code).toBe('claim_expired');
    expect(await readRefunded(tableDeps(), charge.id)).toBe(3_000_000n);

    // The holds sweep (the settle function's schedule) at the real time: only holds truly due expire.
    await expireDueHolds(paymentDeps());
    const canceled = await refundReaching(merchant.api_key, refund.id, ['canceled'], 90_000);
    expect(canceled).toMatchObject({ status: 'canceled', failure_code: 'claim_expired', destination: null });
    expect(await readRefunded(tableDeps(), charge.id)).toBe(0n);
    expect(await balanceOf(merchant.api_key)).toEqual({ asset: 'USDC', available: usdc(100).toString(), pending: '0' });
    const after = await postClaim(claimId, { address: payer.address, signature: await signClaim(claimId, payer) });
    expect(after.status).toBe(410);
    const page = await fetch(`${stack().apiUrl}/claims/${claimId}`);
    expect(await page.text()).toContain('This claim expired and the money went back to the merchant.');
    // The whole charge is refundable again.
    const again = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { claim: true } });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.amount).toBe(usdc(10).toString());
    await expectLedgerBalanced();
    await expectChargeRefundsHold(charge.id);
  }, 120_000);

  it('a claim refund the policy holds waits requires_approval (its claim 409 claim_not_open); approved, it is pending with its claim and expiry unchanged and pays once claimed', async () => {
    const merchant = await fundedMerchant(usdc(100));
    await updateMerchantProfile(merchantDeps(), merchant.merchant_id, (p) => ({ ...p, approvals: { refunds: { at_or_above: '1', approvals: 1 }, admin_changes: { approvals: 1 }, expires_after_seconds: 3600 } }));
    const added = await addMember({ ...merchantDeps(), dataKeyId: stack().keys.DataKey! }, { merchantId: merchant.merchant_id, email: `${randomUUID().slice(0, 8)}@example.com` });
    const member = { id: added.id, key: added.key, app: new Authenticator(added.otpauth_uri), otpauthUri: added.otpauth_uri };
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });
    const held = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { amount: '2000000', claim: true } });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    expect(held.body).toMatchObject({ status: 'requires_approval', approval_id: expect.stringMatching(/^apr_/), destination: null });
    const claimId = claimIdOf(held.body);
    const payer = Wallet.createRandom();
    const early = await postClaim(claimId, { address: payer.address, signature: await signClaim(claimId, payer) });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'claim_not_open', refund_status: 'requires_approval' });
    expect((await readClaim(tableDeps(), claimId)).claim.status).toBe('open');

    const approved = await decide(member, held.body.approval_id, 'approve');
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const pending = await api('GET', `/v1/refunds/${held.body.id}`, { key: merchant.api_key });
    expect(pending.body).toMatchObject({ status: 'pending', claim_url: held.body.claim_url, claim_expires_at: held.body.claim_expires_at });
    const payout = await api('GET', `/v1/payments/${held.body.payout}`, { key: merchant.api_key });
    expect(payout.body).toMatchObject({ status: 'authorized', expires_at: held.body.claim_expires_at });
    const claimed = await postClaim(claimId, { address: payer.address, signature: await signClaim(claimId, payer) });
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
    expect((await api('GET', `/v1/refunds/${held.body.id}`, { key: merchant.api_key })).body).toMatchObject({ status: 'processing', destination: payer.address });
    await expectLedgerBalanced();
    await expectChargeRefundsHold(charge.id);
  }, 120_000);

  it('the merchant withdraws an unclaimed claim by canceling its payout: the refund is canceled, its hold voided, its amount given back, and the claim refused with 409 claim_not_open', async () => {
    const setup = await claimRefund();
    const canceled = await api('POST', `/v1/payments/${setup.refund.payout}/cancel`, { key: setup.merchant.api_key, body: {} });
    expect(canceled.status, JSON.stringify(canceled.body)).toBe(200);
    const refund = await api('GET', `/v1/refunds/${setup.refund.id}`, { key: setup.merchant.api_key });
    expect(refund.body).toMatchObject({ status: 'canceled', failure_code: null });
    expect(await readRefunded(tableDeps(), setup.charge.id)).toBe(0n);
    expect(await balanceOf(setup.merchant.api_key)).toEqual({ asset: 'USDC', available: usdc(100).toString(), pending: '0' });
    const payer = Wallet.createRandom();
    const late = await postClaim(setup.claimId, { address: payer.address, signature: await signClaim(setup.claimId, payer) });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'claim_not_open', refund_status: 'canceled' });
    await expectLedgerBalanced();
    await expectChargeRefundsHold(setup.charge.id);
  });
});
