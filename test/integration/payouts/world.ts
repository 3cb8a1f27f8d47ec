import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { creditSandboxFunds } from '#lib/ledger/sandbox.js';
import { createMerchant, getMerchantProfile } from '#lib/merchants/merchants.js';
import { authorizePayment } from '#lib/money/payments/authorize.js';
import { getBalances, getPayment } from '#lib/money/payments/query.js';
import { createPaymentBodySchema, type Payment } from '#lib/money/payments/schemas.js';
import { checkPayout, type CheckOutcome } from '#lib/money/payouts/check.js';
import { merchantDeps } from '../../support/deps.js';
import type { isolatedWorld } from '../../support/isolated.js';
import { waitFor } from '../../support/wait.js';

type World = Awaited<ReturnType<typeof isolatedWorld>>;

export async function merchantIn(world: World, fundedMinor: bigint) {
  const deps = { ...merchantDeps(), tableName: world.tableName };
  const created = await createMerchant(deps, { name: 'payout-test' });
  await creditSandboxFunds(deps, { merchantId: created.merchant_id, asset: 'USDC', amountMinor: fundedMinor, transferId: `trf_${randomUUID()}` });
  return getMerchantProfile(deps, created.merchant_id);
}

/** An automatically captured payment: status processing, its payout not yet submitted. */
export async function capturedPayment(world: World, merchant: Awaited<ReturnType<typeof merchantIn>>, chain: string, destination: string, amountMinor: bigint): Promise<Payment> {
  const body = createPaymentBodySchema.parse({ amount: amountMinor.toString(), asset: 'USDC', chain, destination });
  const result = await authorizePayment(world.payments, { merchant, idempotencyKey: randomUUID(), fingerprint: randomUUID(), body });
  if (result.payment.status !== 'processing') throw new Error(`payment not captured: ${JSON.stringify(result.payment)}`);
  return result.payment;
}

/** Does what the chain-check queue does, until the payout is final; returns every outcome seen. */
export async function driveUntilFinal(world: World, paymentId: string, timeoutMs = 60_000): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  await waitFor(`payout of ${paymentId} to be final`, async () => {
    const outcome = await checkPayout(world.payouts, paymentId);
    outcomes.push(outcome);
    return ['succeeded', 'failed', 'final'].includes(outcome) ? outcome : undefined;
  }, { timeoutMs, intervalMs: 300 });
  return outcomes;
}

export async function paymentIn(world: World, merchantId: string, paymentId: string) {
  return getPayment(world.payments, merchantId, paymentId);
}

export async function balanceIn(world: World, merchantId: string) {
  return (await getBalances(world.payments, merchantId)).data[0]!;
}

/**
 * The function dies right after the transaction that records the nonce and the signed bytes
 * commits, before it broadcasts: the commit happened, the caller never hears back.
 */
export function crashAfterNonceRecord(dynamodb: DynamoDBClient): () => void {
  let armed = true;
  const name = `crash-${Math.random()}`;
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as { TransactItems?: Array<{ Put?: { Item?: Record<string, { S?: string }> } }> };
      const recordsNonce = context.commandName === 'TransactWriteItemsCommand' && input.TransactItems?.some((item) => item.Put?.Item?.entity?.S === 'nonce');
      if (armed && recordsNonce) {
        armed = false;
        throw new Error('simulated crash after the nonce record committed');
      }
      return result;
    },
    { step: 'initialize', name },
  );
  return () => {
    armed = false;
    dynamodb.middlewareStack.remove(name);
  };
}
