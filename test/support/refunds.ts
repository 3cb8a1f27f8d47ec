import { randomUUID } from 'node:crypto';
import { problemFor } from '#api/http/problem.js';
import type { MerchantProfile } from '#lib/merchants/profile.js';
import type { PaymentDeps } from '#lib/money/payments/deps.js';
import type { RefundDeps } from '#lib/money/refunds/deps.js';
import { createRefund } from '#lib/money/refunds/create.js';
import { createRefundBodySchema } from '#lib/money/refunds/schemas.js';
import { LanepayError } from '#lib/platform/errors/index.js';
import type { Charge } from '#lib/money/charges/schemas.js';
import { markChargeCredited } from '../../scripts/stack/credit-charge.js';
import { expect } from 'vitest';
import { api } from './api.js';
import { clients } from './deps.js';
import { stack } from './stack.js';
import { retryOnContention } from './contention.js';
import { waitFor } from './wait.js';

/**
 * A charge opened through the API and then marked credited with `receivedMinor` on `chain`, as the
 * watcher leaves a charge paid and final (its deposit and totals; the ledger credit is the merchant's
 * sandbox funding). A refund reads only these, so the tests need not wait for the chain watcher;
 * test/e2e/refunds.test.ts pays a charge on chain.
 */
export async function creditedCharge(key: string, options: { amountMinor: bigint | null; receivedMinor: bigint; chain?: string }): Promise<Charge> {
  const chain = options.chain ?? 'local-a';
  const opened = await api('POST', '/v1/charges', { key, body: { ...(options.amountMinor === null ? {} : { amount: options.amountMinor.toString() }), asset: 'USDC', chains: [chain] } });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  return markChargeCredited({ dynamodb: clients().dynamodb, tableName: stack().tableName }, opened.body.id, options.receivedMinor, chain);
}

/** A refund's status once it reaches one of `statuses`, read through the API. */
export async function refundReaching(key: string, refundId: string, statuses: string[], timeoutMs = 150_000) {
  return waitFor(`refund ${refundId} to reach ${statuses.join('/')}`, async () => {
    const read = await api('GET', `/v1/refunds/${refundId}`, { key });
    return statuses.includes(read.body.status) ? read.body : undefined;
  }, { timeoutMs, intervalMs: 500 });
}

/** POSTs a refund, sending it again with the same Idempotency-Key while the API answers 503 (as the SDK does). */
export async function refundWithRetries(key: string, chargeId: string, body: Record<string, unknown>, idempotencyKey: string) {
  for (let attempt = 0; ; attempt += 1) {
    const response = await api('POST', `/v1/charges/${chargeId}/refunds`, { key, body, idempotencyKey });
    if (response.status !== 503 || attempt >= 20) return response;
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 300));
  }
}

/**
 * Refunds of one charge sent at once from `deps.length` containers (each its own DynamoDB client),
 * as concurrent Lambda invocations would: every one reads the charge's total before any writes.
 * Each settles to its refund or to the problem+json the API would answer (503s retried).
 */
export async function raceRefunds(deps: PaymentDeps[], merchant: MerchantProfile, chargeId: string, bodies: Record<string, unknown>[]) {
  return Promise.all(bodies.map(async (body, index) => {
    const request = { merchant, chargeId, idempotencyKey: randomUUID(), fingerprint: randomUUID(), body: createRefundBodySchema.parse(body) };
    try {
      // A 503 try_again (the containers' writes of the one merchant account ran past the writer's
      // budget on a busy machine: nothing was written) is sent again with the same key, as clients do.
      const { refund } = await retryOnContention(() => createRefund(refundDeps(deps[index % deps.length]!), request));
      return { status: 201, refund };
    } catch (error) {
      if (!(error instanceof LanepayError)) throw error;
      const problem = problemFor(error as never);
      return { status: problem.status, problem };
    }
  }));
}

/** Refund deps from payment deps: claim pages served by the test stack, as the refunds function's. */
export function refundDeps(deps: PaymentDeps): RefundDeps {
  return { ...deps, claimBaseUrl: `${stack().apiUrl}/claims` };
}
