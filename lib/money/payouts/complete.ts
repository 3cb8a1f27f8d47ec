import { GetItemCommand, TransactionCanceledException, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { systemActor, writeAudited } from '#audit';
import { balanceMovements, ledgerPostings, merchantAccount, platformAccount, transferItems, type TransferIntent } from '#ledger';
import { isConditionRefusal } from '#platform';
import { balanceMemoOf, clearingAccountOf, paymentKey, recordFromItem, replacePaymentItem, type PaymentRecord } from '../payments/items.js';
import { paymentEventItem } from '../payments/events.js';
import type { Payment } from '../payments/schemas.js';
import type { PayoutDeps } from './deps.js';
import { payoutItem, type Payout } from './items.js';
import { releaseWalletItem } from './liquidity.js';
import { refundFollowItems } from '../refunds/follow.js';

export type FinishOutcome = 'completed' | 'already_final' | 'conflict';

export async function readPaymentRecord(deps: Pick<PayoutDeps, 'dynamodb' | 'tableName'>, paymentId: string): Promise<PaymentRecord | undefined> {
  const result = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: paymentKey(paymentId), ConsistentRead: true }));
  return result.Item ? recordFromItem(result.Item) : undefined;
}

/**
 * The payout is confirmed: the payment succeeds with its transaction hash and the captured amount
 * moves from clearing to the chain's hot-wallet account, with the event, in one transaction.
 */
export async function completePayout(deps: PayoutDeps, payout: Payout, txHash: string): Promise<FinishOutcome> {
  return finish(deps, payout, (record) => {
    const payment: Payment = { ...record.payment, status: 'succeeded', tx_hash: txHash };
    const transfers: TransferIntent[] = [{
      kind: 'posted', id: `trf_settle_${payment.id}`, debit: clearingAccountOf(record),
      credit: platformAccount(`hotwallet:${payment.chain}`, payment.asset), amountMinor: BigInt(payment.amount_captured), asset: payment.asset,
    }];
    return { payment, transfers, event: 'payment.succeeded' as const, payoutStatus: 'succeeded' as const };
  });
}

/**
 * The payment cannot complete: it fails with `failureCode` and the ledger is compensated: the
 * captured amount and the fee go back to the merchant's available balance.
 */
export async function failPayout(deps: PayoutDeps, payout: Payout, failureCode: string): Promise<FinishOutcome> {
  return finish(deps, payout, (record) => {
    const payment: Payment = { ...record.payment, status: 'failed', failure_code: failureCode };
    const merchant = merchantAccount(record.merchantId, payment.asset);
    // No tx_hash: a failed payment names none (which of its attempts reverted is the payout's record).
    const transfers: TransferIntent[] = [{
      kind: 'posted', id: `trf_refund_${payment.id}`, debit: clearingAccountOf(record), credit: merchant,
      amountMinor: BigInt(payment.amount_captured), asset: payment.asset, memo: balanceMemoOf(record, 'reversal'),
    }];
    if (BigInt(payment.fee) > 0n) {
      transfers.push({ kind: 'posted', id: `trf_fee_refund_${payment.id}`, debit: platformAccount('fees', payment.asset), credit: merchant, amountMinor: BigInt(payment.fee), asset: payment.asset, rootId: `trf_refund_${payment.id}`, memo: balanceMemoOf(record, 'fee_reversal') });
    }
    return { payment, transfers, event: 'payment.failed' as const, payoutStatus: 'failed' as const };
  });
}

type Change = (record: PaymentRecord) => { payment: Payment; transfers: TransferIntent[]; event: 'payment.succeeded' | 'payment.failed'; payoutStatus: 'succeeded' | 'failed' };

const conflictRetries = 3;

/**
 * A cancellation for a concurrent write alone (no condition failed: say a submission taking nonces
 * on the same WALLET item) is tried again at once, with a fresh read; one whose conditions failed
 * means the payment or payout changed, and the next check looks again.
 */
async function finish(deps: PayoutDeps, payout: Payout, change: Change): Promise<FinishOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await finishOnce(deps, payout, change);
    if (outcome !== 'write_conflict') return outcome;
    if (attempt >= conflictRetries) return 'conflict';
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));
  }
}

async function finishOnce(deps: PayoutDeps, payout: Payout, change: Change): Promise<FinishOutcome | 'write_conflict'> {
  const record = await readPaymentRecord(deps, payout.paymentId);
  if (!record || record.payment.status !== 'processing') return 'already_final';
  const now = deps.now();
  const next = change(record);
  const items: TransactWriteItem[] = [
    replacePaymentItem(deps.tableName, { ...record, payment: next.payment, version: record.version + 1 }, { version: record.version, status: 'processing' }),
    paymentEventItem(deps.tableName, record.merchantId, next.event, next.payment, now).item,
    {
      Put: {
        TableName: deps.tableName,
        Item: payoutItem({ ...payout, status: next.payoutStatus, version: payout.version + 1 }),
        // A payout record may not exist yet (a payment refused before a nonce was taken).
        ConditionExpression: 'attribute_not_exists(pk) OR version = :v',
        ExpressionAttributeValues: { ':v': { N: String(payout.version) } },
      },
    },
    // The payout is final: what it held of its wallet's balance is free again.
    ...releaseWalletItem(deps.tableName, payout),
    ...transferItems(deps.tableName, next.transfers, now.toISOString()),
    ...refundFollowItems(deps.tableName, record, next.payment, now),
  ];
  try {
    await writeAudited(deps, { items, state: ledgerPostings, audit: { merchantId: record.merchantId, actor: systemActor, action: next.event, object: { type: 'payment', id: record.payment.id }, at: now, movements: balanceMovements(next.transfers) } });
    return 'completed';
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    // The payment or payout changed meanwhile (another check, a redelivery): look again later.
    return isConditionRefusal(error) ? 'conflict' : 'write_conflict';
  }
}
