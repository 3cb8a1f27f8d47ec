import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authorizePayment } from '#lib/money/payments/authorize.js';
import { AuthorizationExpiredError } from '#lib/money/payments/errors.js';
import { getBalances } from '#lib/money/payments/query.js';
import { createPaymentBodySchema } from '#lib/money/payments/schemas.js';
import { settlePayment } from '#lib/money/payments/settle.js';
import { ValidationError } from '#lib/platform/errors/index.js';
import { requestFingerprint } from '#lib/platform/idempotency/store.js';
import { chainRegistry, fundedMerchant, paymentDeps, someAddress, usdc } from '../../support/deps.js';
import { expectLedgerBalanced } from '../../support/ledger-invariants.js';

const holdFor = async (deps: ReturnType<typeof paymentDeps>, merchant: Awaited<ReturnType<typeof fundedMerchant>>['profile'], destination = someAddress()) => {
  const body = createPaymentBodySchema.parse({ amount: usdc(100).toString(), asset: 'USDC', chain: 'local-a', destination, capture: 'manual' });
  return authorizePayment(deps, { merchant, idempotencyKey: randomUUID(), fingerprint: requestFingerprint('POST /v1/payments', body), body });
};

// Authorizations and captures on the stack: 48 s of vitest's 60 in a clean-clone run at load 15-17.
describe('capture and the terms of the authorization', { timeout: 120_000 }, () => {
  it('charges the fee agreed at authorization even after the merchant profile changed', async () => {
    const deps = paymentDeps();
    const { profile, merchant_id } = await fundedMerchant(usdc(1_000), (p) => ({ ...p, fee: { bps: 100, fixedMinor: '0' } }));
    const held = await holdFor(deps, profile);
    const raised = { ...profile, fee: { bps: 900, fixedMinor: '5000000' } };

    const captured = await settlePayment(deps, { merchant: raised, paymentId: held.payment.id, action: { kind: 'capture' } });

    expect(captured.payment.fee).toBe(usdc(1).toString()); // 1 % of 100 USDC, not 9 % + 5
    const balances = await getBalances(deps, merchant_id);
    expect(balances.data[0]).toEqual({ asset: 'USDC', available: usdc(899).toString(), pending: '0' });
    await expectLedgerBalanced();
  });

  it('refuses to capture a hold past its expires_at before the expiry sweep has run, and keeps the funds held', async () => {
    const { profile, merchant_id } = await fundedMerchant(usdc(1_000));
    const held = await holdFor(paymentDeps(), profile);
    const afterExpiry = paymentDeps({ now: () => new Date(Date.parse(held.payment.expires_at!) + 1_000) });

    const refused = await settlePayment(afterExpiry, { merchant: profile, paymentId: held.payment.id, action: { kind: 'capture' } }).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(AuthorizationExpiredError);
    expect((refused as AuthorizationExpiredError).code).toBe('authorization_expired');
    expect((await getBalances(afterExpiry, merchant_id)).data[0]!.pending).not.toBe('0');
  });
});

describe('payout destinations', () => {
  it('refuses the zero address, a token contract of the chain and the hot wallet, writing nothing', async () => {
    const deps = paymentDeps();
    const { profile, merchant_id } = await fundedMerchant(usdc(1_000));
    const chain = chainRegistry().get('local-a')!;
    const token = chain.assets.find((asset) => asset.symbol === 'USDC')!.address;

    for (const destination of ['0x0000000000000000000000000000000000000000', token, chain.ownAddresses[0]!]) {
      const refused = await holdFor(deps, profile, destination).catch((error: unknown) => error);
      expect(refused, destination).toBeInstanceOf(ValidationError);
    }

    expect((await getBalances(deps, merchant_id)).data[0]).toEqual({ asset: 'USDC', available: usdc(1_000).toString(), pending: '0' });
  });
});
