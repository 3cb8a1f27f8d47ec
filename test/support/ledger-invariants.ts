import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'vitest';
import { readChargeRecord } from '#lib/money/charges/query.js';
import { transferKey } from '#lib/ledger/transfers.js';
import { feeFor } from '#lib/merchants/profile.js';
import { paymentKey, recordFromItem } from '#lib/money/payments/items.js';
import { claimFromItem, claimKey } from '#lib/money/refunds/claim-items.js';
import { chargeRefundsPartition, refundFromItem, refundTotalKey } from '#lib/money/refunds/items.js';
import type { Refund } from '#lib/money/refunds/schemas.js';
import { expectBalanceTransactionsExact } from './balance-transactions.js';
import { allAccountItems, allBalanceTransactionItems, clients } from './deps.js';
import { stack } from './stack.js';

/**
 * The ledger's invariants over every account in the table: debits equal credits, posted and
 * pending each; every guarded (merchant) account has available = credits - debits - pending >= 0,
 * and balance transactions that tell its whole posted history (expectBalanceTransactionsExact).
 */
export async function expectLedgerBalanced(tableName?: string): Promise<void> {
  const items = await allAccountItems(tableName);
  const sum = (field: string) => items.reduce((total, item) => total + BigInt(item[field]?.N ?? '0'), 0n);
  expect(sum('debitsPosted')).toBe(sum('creditsPosted'));
  expect(sum('debitsPending')).toBe(sum('creditsPending'));
  for (const item of items.filter((i) => i.sk?.S === 'ACCOUNT')) {
    const available = BigInt(item.available!.N!);
    const derived = BigInt(item.creditsPosted!.N!) - BigInt(item.debitsPosted!.N!) - BigInt(item.debitsPending!.N!);
    expect(available, `available of ${item.accountId?.S}`).toBe(derived);
    expect(available >= 0n, `${item.accountId?.S} is overdrawn`).toBe(true);
  }
  // Read after the accounts, while other test files may be writing.
  expectBalanceTransactionsExact(items, await allBalanceTransactionItems(tableName), { readWhileWritten: true });
}

/**
 * A charge's refund invariants, once its refunds are at rest: the refund total (`REFUNDTOTAL#`)
 * equals the sum of its refunds that are not failed or canceled, and never exceeds what the charge
 * credited.
 */
export async function expectChargeRefundsHold(chargeId: string): Promise<void> {
  const { dynamodb } = clients();
  const tableName = stack().tableName;
  const total = (await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: refundTotalKey(chargeId), ConsistentRead: true }))).Item;
  const refunds = (await dynamodb.send(new QueryCommand({
    TableName: tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: chargeRefundsPartition(chargeId) } }, ConsistentRead: true,
  }))).Items ?? [];
  const live = refunds.map(refundFromItem).filter((r) => r.status !== 'failed' && r.status !== 'canceled');
  const refunded = BigInt(total?.refunded?.N ?? '0');
  expect(refunded, `refund total of ${chargeId}`).toBe(live.reduce((sum, r) => sum + BigInt(r.amount), 0n));
  const charge = (await readChargeRecord({ dynamodb, tableName }, chargeId))!.charge;
  expect(refunded <= BigInt(charge.amount_received), `${chargeId} refunded ${refunded} of ${charge.amount_received}`).toBe(true);
  for (const refund of refunds.map(refundFromItem).filter((r) => r.claim_url)) await expectClaimHolds(refund);
}

/**
 * A claim refund's invariants: its claim is `claimed` exactly when its payout left `authorized`
 * by a capture, to the claimed address; while it waits (pending, or held for approval) its hold is
 * a pending transfer of amount + fee, and once expired or withdrawn that hold is voided, never posted.
 */
async function expectClaimHolds(refund: Refund): Promise<void> {
  const { dynamodb } = clients();
  const tableName = stack().tableName;
  const get = async (Key: Record<string, { S: string }>) => (await dynamodb.send(new GetItemCommand({ TableName: tableName, Key, ConsistentRead: true }))).Item;
  const claim = claimFromItem((await get(claimKey(refund.claim_url!.split('/').pop()!)))!);
  const record = recordFromItem((await get(paymentKey(refund.payout)))!);
  const hold = await get(transferKey(record.hold!.transferId));
  expect(claim).toMatchObject({ refundId: refund.id, paymentId: refund.payout, amountMinor: BigInt(refund.amount) });
  // The hold reserves the amount and the fee of the terms it was made under, which a claim's capture charges.
  expect(record.hold!.amountMinor, `hold of ${refund.id}`).toBe(BigInt(refund.amount) + feeFor({ fee: record.feeTerms! }, BigInt(refund.amount)));
  const claimed = ['processing', 'succeeded', 'failed'].includes(refund.status);
  expect(claim.status, `claim of ${refund.id} (${refund.status})`).toBe(claimed ? 'claimed' : 'open');
  if (claimed) {
    expect(record.payment.destination).toBe(claim.address);
    expect(hold?.state?.S, `hold of ${refund.id}`).toBe('posted');
  } else {
    expect(record.payment.destination).toBeNull();
    expect(hold?.state?.S, `hold of ${refund.id}`).toBe(refund.status === 'canceled' ? 'voided' : 'pending');
  }
}
