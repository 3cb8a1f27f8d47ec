import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { setCustomerKycStatus } from '../../../lib/customers/kyc.js';
import { requestFingerprint } from '../../../lib/idempotency/store.js';
import type { MerchantProfile } from '../../../lib/merchants/profile.js';
import { authorizePayment } from '../../../lib/payments/authorize.js';
import { createPaymentBodySchema } from '../../../lib/payments/schemas.js';
import list from '../../../lib/risk/ofac-addresses.json' with { type: 'json' };
import { clients, fundedMerchant, paymentDeps, someAddress, usdc } from '../../support/deps.js';
import { stack } from '../../support/stack.js';
import { paymentKey } from '../../../lib/payments/items.js';

function pay(merchant: MerchantProfile, body: Record<string, unknown>) {
  const parsed = createPaymentBodySchema.parse({ asset: 'USDC', chain: 'local-a', destination: someAddress(), ...body });
  return authorizePayment(paymentDeps(), { merchant, idempotencyKey: randomUUID(), fingerprint: requestFingerprint('POST /v1/payments', parsed), body: parsed });
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

  it('declines a payment above the KYC threshold to a customer not approved, and authorizes it once approved', async () => {
    const { profile, merchant_id } = await fundedMerchant(usdc(5_000));
    const customer = `cus_${randomUUID().slice(0, 8)}`;
    const before = await pay(profile, { amount: usdc(1_500).toString(), customer });
    expect(before.payment.decline_code).toBe('kyc_required');
    expect(await storedRisk(before.payment.id)).toMatchObject({ rule: 'kyc_threshold' });
    const small = await pay(profile, { amount: usdc(1_000).toString(), customer });
    expect(small.outcome).toBe('created');

    await setCustomerKycStatus({ dynamodb: clients().dynamodb, tableName: stack().tableName }, { merchantId: merchant_id, customerId: customer, status: 'approved' });
    const after = await pay(profile, { amount: usdc(1_500).toString(), customer });
    expect(after.outcome).toBe('created');
    expect(await storedRisk(after.payment.id)).toMatchObject({ outcome: 'approve', rulesChecked: expect.arrayContaining(['sanctions', 'kyc_threshold', 'ledger_balance']) });
  });

  it('lets no concurrent payments past a daily volume limit: the counter is updated in the hold transaction', async () => {
    const { profile } = await fundedMerchant(usdc(1_000), (p) => ({ ...p, risk: { dailyVolumePerMerchantMinor: { USDC: usdc(95).toString() } } }));
    const results = await Promise.all(Array.from({ length: 30 }, () => pay(profile, { amount: usdc(10).toString() })));
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
