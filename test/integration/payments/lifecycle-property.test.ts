import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { requestFingerprint } from '../../../lib/idempotency/store.js';
import { feeFor } from '../../../lib/merchants/profile.js';
import { authorizePayment } from '../../../lib/payments/authorize.js';
import { getBalances, getPayment } from '../../../lib/payments/query.js';
import { PaymentNotCancelableError, PaymentNotCapturableError } from '../../../lib/payments/errors.js';
import { createPaymentBodySchema } from '../../../lib/payments/schemas.js';
import { expireDueHolds, settlePayment } from '../../../lib/payments/settle.js';
import { fundedMerchant, paymentDeps, someAddress } from '../../support/deps.js';
import { countConflicts, setConflictRate } from '../../support/contention.js';
import { isolatedTable } from '../../support/isolated.js';
import { stack } from '../../support/stack.js';
import { expectLedgerBalanced } from '../../support/ledger-invariants.js';

type Op =
  | { op: 'authorize'; amount: bigint; manual: boolean }
  | { op: 'capture'; index: number; fraction: number }
  | { op: 'cancel'; index: number }
  | { op: 'expire' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('authorize' as const), amount: fc.bigInt({ min: 1n, max: 400_000n }), manual: fc.boolean() }),
  fc.record({ op: fc.constant('capture' as const), index: fc.nat(7), fraction: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('cancel' as const), index: fc.nat(7) }),
  fc.constant({ op: 'expire' as const }),
);

interface ModelPayment { id: string; status: string; holdMinor: bigint; amount: bigint }

describe('payment lifecycle (property)', () => {
  it('keeps balances, statuses and ledger invariants for random authorize/capture/partial-capture/cancel/expire sequences', async () => {
    // Its own table: the sweep runs with a clock moved hours ahead and must not expire other tests' holds.
    const tableName = await isolatedTable();
    // A quarter of its transactions cancelled with TransactionConflict, as DynamoDB does under
    // contention: the client retries them, and the model must hold exactly all the same. Sequences
    // of at least four steps make a run without any conflict vanishingly unlikely (0.75^40).
    await setConflictRate(stack().endpoints.dynamodb, tableName, 0.25);
    let conflicts = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 10 }), async (ops) => {
        let nowMs = Date.now();
        const holdExpiryMs = 3600_000; // short, so advancing the clock expires only this run's holds
        const deps = paymentDeps({ now: () => new Date(nowMs), holdExpiryMs, tableName });
        const counter = countConflicts(deps.dynamodb);
        const funded = 1_000_000n;
        const { profile, merchant_id } = await fundedMerchant(funded, (p) => ({ ...p, fee: { bps: 50, fixedMinor: '7' } }), tableName);
        const model = { available: funded, pending: 0n, payments: [] as ModelPayment[] };

        for (const step of ops) {
          if (step.op === 'authorize') {
            const body = createPaymentBodySchema.parse({ amount: step.amount.toString(), asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: step.manual ? 'manual' : 'automatic' });
            const result = await authorizePayment(deps, { merchant: profile, idempotencyKey: randomUUID(), fingerprint: requestFingerprint('POST /v1/payments', body), body });
            const needed = step.amount + feeFor(profile, step.amount);
            if (needed > model.available) {
              expect(result.outcome).toBe('declined');
              expect(result.payment.decline_code).toBe('insufficient_funds');
              continue;
            }
            expect(result.outcome).toBe('created');
            model.available -= needed;
            if (step.manual) model.pending += needed;
            model.payments.push({ id: result.payment.id, status: step.manual ? 'authorized' : 'processing', holdMinor: step.manual ? needed : 0n, amount: step.amount });
          } else if (step.op === 'capture' || step.op === 'cancel') {
            const target = model.payments[step.index % Math.max(model.payments.length, 1)];
            if (!target) continue;
            const amountMinor = step.op === 'capture' ? (target.amount * BigInt(step.fraction)) / 4n : undefined;
            const action = step.op === 'capture' ? { kind: 'capture' as const, ...(amountMinor ? { amountMinor } : {}) } : { kind: 'cancel' as const };
            const attempt = settlePayment(deps, { merchant: profile, paymentId: target.id, action });
            if (target.status !== 'authorized') {
              await attempt.then(
                (r) => expect(['processing', 'canceled']).toContain(r.payment.status),
                (e: unknown) => expect(e).toBeInstanceOf(step.op === 'capture' ? PaymentNotCapturableError : PaymentNotCancelableError),
              );
              continue;
            }
            const result = await attempt;
            model.pending -= target.holdMinor;
            if (step.op === 'capture') {
              const captured = amountMinor === 0n || amountMinor === undefined ? target.amount : amountMinor;
              model.available += target.holdMinor - captured - feeFor(profile, captured);
              target.status = 'processing';
              expect(result.payment.amount_captured).toBe(captured.toString());
            } else {
              model.available += target.holdMinor;
              target.status = 'canceled';
            }
            expect(result.payment.status).toBe(target.status);
          } else {
            nowMs += holdExpiryMs + 1_000;
            await expireDueHolds(deps);
            for (const p of model.payments.filter((p) => p.status === 'authorized')) {
              model.available += p.holdMinor;
              model.pending -= p.holdMinor;
              p.status = 'expired';
            }
          }
          const balances = await getBalances(deps, merchant_id);
          expect(balances.data[0]).toEqual({ asset: 'USDC', available: model.available.toString(), pending: model.pending.toString() });
        }
        for (const p of model.payments) expect((await getPayment(deps, merchant_id, p.id)).status).toBe(p.status);
        conflicts += counter.count();
      }),
      { numRuns: 12, endOnFailure: true },
    );
    await expectLedgerBalanced(tableName);
    expect(conflicts).toBeGreaterThan(0);
  }, 180_000);
});
