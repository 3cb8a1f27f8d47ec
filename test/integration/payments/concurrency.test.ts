import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authorizePayment } from '#lib/money/payments/authorize.js';
import { getBalances } from '#lib/money/payments/query.js';
import { createPaymentBodySchema } from '#lib/money/payments/schemas.js';
import { LanepayError } from '#lib/platform/errors/index.js';
import { requestFingerprint } from '#lib/platform/idempotency/store.js';
import { containerDeps, fundedMerchant, merchantPayments, paymentDeps, someAddress, usdc } from '../../support/deps.js';
import { countConflicts, retryOnContention } from '../../support/contention.js';
import { expectLedgerBalanced } from '../../support/ledger-invariants.js';

describe('authorize under concurrency', () => {
  it('authorizes exactly 100 of 200 concurrent 10 USDC payments against 1,000 USDC and declines the rest as insufficient_funds', async () => {
    // Eight containers: the writers of one client take turns on the merchant's audit chain, so only
    // writers in different containers overlap in DynamoDB, as concurrent Lambda invocations do.
    const containers = containerDeps(8);
    const deps = containers[0]!;
    const conflicts = containers.map((container) => countConflicts(container.dynamodb));
    const { profile, merchant_id } = await fundedMerchant(usdc(1_000));
    // Manual capture: the holds are what is raced for, and no payouts load the rest of the run.
    const body = createPaymentBodySchema.parse({ amount: usdc(10).toString(), asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' });

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const idempotencyKey = randomUUID();
        return retryOnContention(() => authorizePayment(containers[i % containers.length]!, { merchant: profile, idempotencyKey, fingerprint: requestFingerprint('POST /v1/payments', body), body }));
      }),
    );

    const authorized = results.filter((r) => r.outcome === 'created');
    const declined = results.filter((r) => r.outcome === 'declined');
    expect(authorized).toHaveLength(100);
    expect(declined).toHaveLength(100);
    expect(new Set(declined.map((r) => r.payment.decline_code))).toEqual(new Set(['insufficient_funds']));
    const balances = await getBalances(deps, merchant_id);
    expect(balances.data).toEqual([{ asset: 'USDC', available: '0', pending: usdc(1_000).toString() }]);
    expect(await merchantPayments(merchant_id)).toHaveLength(200);
    await expectLedgerBalanced();
    // The emulator cancels overlapping transactions as DynamoDB does: the outcome above held through them.
    expect(conflicts.reduce((sum, counter) => sum + counter.count(), 0)).toBeGreaterThan(0);
  }, 120_000);

  it('creates one payment for 50 concurrent identical requests with one Idempotency-Key, answering each with it or 409', async () => {
    const deps = paymentDeps();
    const { profile, merchant_id } = await fundedMerchant(usdc(100));
    const body = createPaymentBodySchema.parse({ amount: '2500000', asset: 'USDC', chain: 'local-b', destination: someAddress(), capture: 'manual' });
    const key = randomUUID();

    const settled = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        retryOnContention(() => authorizePayment(deps, { merchant: profile, idempotencyKey: key, fingerprint: requestFingerprint('POST /v1/payments', body), body })),
      ),
    );

    const successes = settled.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<{ payment: unknown }>).value);
    const failures = settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason);
    expect(successes.length).toBeGreaterThanOrEqual(1);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(LanepayError);
      expect((failure as LanepayError).code).toBe('idempotency_key_in_use');
    }
    expect(new Set(successes.map((s) => JSON.stringify(s))).size).toBe(1);
    expect(await merchantPayments(merchant_id)).toHaveLength(1);
    const replay = await authorizePayment(deps, { merchant: profile, idempotencyKey: key, fingerprint: requestFingerprint('POST /v1/payments', body), body });
    expect(replay).toEqual(successes[0]);
    await expectLedgerBalanced();
  }, 120_000);
});
