import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MerchantProfile } from '#lib/merchants/profile.js';
import { authorizePayment } from '#lib/money/payments/authorize.js';
import { createPaymentBodySchema } from '#lib/money/payments/schemas.js';
import { requestFingerprint } from '#lib/platform/idempotency/store.js';
import list from '#lib/compliance/risk/ofac-addresses.json' with { type: 'json' };
import { clients, fundedMerchant, paymentDeps, someAddress, usdc } from '../../support/deps.js';
import { cleanIdentity, customerDeps, verifiedCustomer } from '../../support/kyc.js';
import { createCustomer } from '#lib/compliance/customers/customers.js';
import { ValidationError } from '#lib/platform/errors/index.js';
import { stack } from '../../support/stack.js';
import { retryOnContention } from '../../support/contention.js';
import { paymentKey } from '#lib/money/payments/items.js';

function pay(merchant: MerchantProfile, body: Record<string, unknown>, now?: Date) {
  const parsed = createPaymentBodySchema.parse({ asset: 'USDC', chain: 'local-a', destination: someAddress(), ...body });
  return authorizePayment(paymentDeps(now ? { now: () => now } : {}), { merchant, idempotencyKey: randomUUID(), fingerprint: requestFingerprint('POST /v1/payments', parsed), body: parsed });
}

async function storedRisk(paymentId: string) {
  const item = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: paymentKey(paymentId) }));
  return JSON.parse(item.Item!.risk!.S!);
}

describe('risk gates in authorize', () => {
  it('records a payment to an OFAC-listed address as declined, naming the sanctions rule', async () => {
    const { profile } = await fundedMerchant(usdc(10));
    const result = await pay(profile, { amount: '1000', destination: list.addresses[0]!.address });
    expect(result.outcome).toBe('declined');
    expect(result.payment.decline_code).toBe('sanctioned_destination');
    expect(await storedRisk(result.payment.id)).toMatchObject({ outcome: 'decline', rule: 'sanctions' });
  });

  it('declines a payment above the KYC threshold without a customer, or with one not approved, and authorizes it once approved', async () => {
    const { profile, merchant_id } = await fundedMerchant(usdc(10_000));
    const anonymous = await pay(profile, { amount: usdc(1_500).toString() });
    expect(anonymous.payment.decline_code).toBe('kyc_required');
    expect(await storedRisk(anonymous.payment.id)).toMatchObject({ outcome: 'decline', rule: 'kyc_threshold' });

    const unverified = await createCustomer(customerDeps(), { merchantId: merchant_id, idempotencyKey: randomUUID(), fingerprint: randomUUID(), body: {} });
    const before = await pay(profile, { amount: usdc(1_500).toString(), customer: unverified.id });
    expect(before.payment.decline_code).toBe('kyc_required');
    expect(await storedRisk(before.payment.id)).toMatchObject({ rule: 'kyc_threshold' });
    const small = await pay(profile, { amount: usdc(1_000).toString(), customer: unverified.id });
    expect(small.outcome).toBe('created');

    const rejected = await verifiedCustomer(merchant_id, cleanIdentity({ birth_date: '1990-01-01' }));
    expect(rejected.verification).toMatchObject({ status: 'rejected', reasons: ['birth_date_mismatch'] });
    // A rejected customer is declined at any amount, by its own code.
    const declined = await pay(profile, { amount: usdc(1).toString(), customer: rejected.customer.id });
    expect(declined.payment.decline_code).toBe('kyc_rejected');
    expect(await storedRisk(declined.payment.id)).toMatchObject({ rule: 'kyc_status' });

    const approved = await verifiedCustomer(merchant_id);
    expect(approved.verification.status).toBe('approved');
    const after = await pay(profile, { amount: usdc(1_500).toString(), customer: approved.customer.id });
    expect(after.outcome).toBe('created');
    expect(await storedRisk(after.payment.id)).toMatchObject({ outcome: 'approve', rulesChecked: expect.arrayContaining(['sanctions', 'kyc_threshold', 'ledger_balance']) });
  });

  it("refuses a customer id the merchant never created, including another merchant's customer (400)", async () => {
    const { profile } = await fundedMerchant(usdc(10));
    const other = await fundedMerchant(0n);
    const theirs = await createCustomer(customerDeps(), { merchantId: other.merchant_id, idempotencyKey: randomUUID(), fingerprint: randomUUID(), body: {} });
    await expect(pay(profile, { amount: '1', customer: theirs.id })).rejects.toBeInstanceOf(ValidationError);
    await expect(pay(profile, { amount: '1', customer: 'cus_01jzzzzzzzzzzzzzzzzzzzzzzz' })).rejects.toThrow(/No customer with id/);
  });

  it('lets no concurrent payments past a daily volume limit: the counter is updated in the hold transaction', async () => {
    const { profile } = await fundedMerchant(usdc(1_000), (p) => ({ ...p, risk: { dailyVolumePerMerchantMinor: { USDC: usdc(95).toString() } } }));
    // Thirty containers at once on one merchant: some are told to try again (503) while the
    // merchant's audit chain is contended; they retry, as a client does on Retry-After.
    // One clock for all thirty: a run across midnight UTC would otherwise count them on two days.
    const at = new Date();
    const results = await Promise.all(Array.from({ length: 30 }, () => retryOnContention(() => pay(profile, { amount: usdc(10).toString() }, at))));
    expect(results.filter((r) => r.outcome === 'created')).toHaveLength(9);
    const declined = results.filter((r) => r.outcome === 'declined');
    expect(new Set(declined.map((r) => r.payment.decline_code))).toEqual(new Set(['velocity_merchant_daily']));
  });

  it('declines a destination on the merchant blocklist and one on a chain the merchant may not use', async () => {
    const blocked = someAddress();
    const { profile } = await fundedMerchant(usdc(10), (p) => ({ ...p, risk: { blockedDestinations: [blocked], allowedChains: ['local-a'] } }));
    expect((await pay(profile, { amount: '1', destination: blocked })).payment.decline_code).toBe('blocked_destination');
    expect((await pay(profile, { amount: '1', chain: 'local-b' })).payment.decline_code).toBe('chain_not_allowed');
  });
});
